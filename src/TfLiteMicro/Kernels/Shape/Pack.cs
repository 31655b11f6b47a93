namespace TfLiteMicro.Kernels;

/// <summary>PACK: stacks N tensors of one shape along a new axis.</summary>
internal sealed class Pack : IKernel
{
    private AxisParts _parts;

    public void Prepare(PrepareContext context)
    {
        PackOptions options = PackOptions.Read(context);
        int count = options.ValuesCount;
        if (count < 1 || count != context.InputCount) throw context.Error($"values_count {count} does not match {context.InputCount} inputs");
        if (context.OutputCount != 1) throw context.Error($"expects 1 output but has {context.OutputCount}");
        Tensor first = context.Input(0);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", first.Type, TensorType.Float32, TensorType.Int8, TensorType.Int16, TensorType.Int32, TensorType.Int64);
        ShapeHelpers.RequireSameType(context, first, "input", output, "output");
        int rank = first.Rank + 1;
        if (rank > 8) throw context.Error($"output rank {rank} exceeds 8");
        int axis = ShapeHelpers.ResolveAxis(context, options.Axis, rank);
        for (int k = 1; k < count; k++)
        {
            Tensor input = context.Input(k);
            ShapeHelpers.RequireSameType(context, first, "input 0", input, $"input {k}");
            if (!ShapeHelpers.SameShape(input.Shape, first.Shape))
                throw context.Error($"input {k} shape {ShapeHelpers.Format(input.Shape)} differs from input 0 {ShapeHelpers.Format(first.Shape)}");
        }
        var shape = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) shape[i] = i == axis ? count : first.Dim(j++);
        ShapeHelpers.EnsureOutputShape(context, 0, shape);
        _parts = AxisParts.ForJoin(context, axis, Enumerable.Repeat(1, count).ToArray());
    }

    public void Invoke(InvokeContext context) => _parts.Join(context, 0);
}
