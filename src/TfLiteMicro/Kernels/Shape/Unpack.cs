namespace TfLiteMicro.Kernels;

/// <summary>UNPACK: cuts a tensor into its slices along an axis, dropping that axis.</summary>
internal sealed class Unpack : IKernel
{
    private AxisParts _parts;

    public void Prepare(PrepareContext context)
    {
        UnpackOptions options = UnpackOptions.Read(context);
        Tensor input = context.Input(0);
        if (context.InputCount != 1) throw context.Error($"expects 1 input but has {context.InputCount}");
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8, TensorType.Int16, TensorType.Int32);
        int rank = input.Rank;
        int axis = ShapeHelpers.ResolveAxis(context, options.Axis, rank);
        int count = input.Dim(axis);
        int num = options.Num;
        if (num != 0 && num != count) throw context.Error($"num {num} differs from the axis size {count}");
        if (context.OutputCount != count) throw context.Error($"expects {count} outputs but has {context.OutputCount}");
        var shape = new int[rank - 1];
        for (int i = 0, j = 0; i < rank; i++) if (i != axis) shape[j++] = input.Dim(i);
        for (int k = 0; k < count; k++)
        {
            ShapeHelpers.RequireSameType(context, input, "input", context.Output(k), $"output {k}");
            ShapeHelpers.EnsureOutputShape(context, k, shape);
        }
        _parts = AxisParts.ForCut(context, 0, axis, Enumerable.Repeat(1, count).ToArray());
    }

    public void Invoke(InvokeContext context) => _parts.Cut(context, 0);
}
