namespace TfLiteMicro.Kernels;

/// <summary>CONCATENATION: joins the inputs along an axis. Quantized inputs must share the output's parameters.</summary>
internal sealed class Concatenation : IKernel
{
    private const int MaxInputs = 10;
    private AxisParts _parts;

    public void Prepare(PrepareContext context)
    {
        int count = context.InputCount;
        if (count < 1 || count > MaxInputs) throw context.Error($"expects 1 to {MaxInputs} inputs but has {count}");
        if (context.OutputCount != 1) throw context.Error($"expects 1 output but has {context.OutputCount}");
        Tensor first = context.Input(0);
        Tensor output = context.Output(0);
        ConcatenationOptions options = ConcatenationOptions.Read(context);
        if (options.FusedActivationFunction != FusedActivation.None) throw context.Error("fused activations are not supported");
        ShapeHelpers.RequireType(context, "input", first.Type, TensorType.Bool, TensorType.Float32, TensorType.Int8,
            TensorType.Int16, TensorType.Int32, TensorType.Int64);
        ShapeHelpers.RequireSameType(context, first, "input", output, "output");
        int rank = first.Rank;
        if (rank > 6) throw context.Error($"input rank {rank} exceeds 6");
        int axis = ShapeHelpers.ResolveAxis(context, options.Axis, Math.Max(rank, 1));
        int[] shape = first.ShapeArray;
        if (rank == 0) throw context.Error("scalars cannot be concatenated");
        long total = 0;
        for (int k = 0; k < count; k++)
        {
            Tensor input = context.Input(k);
            ShapeHelpers.RequireSameType(context, first, "input 0", input, $"input {k}");
            if (input.Rank != rank) throw context.Error($"input {k} has rank {input.Rank}, expected {rank}");
            for (int i = 0; i < rank; i++)
                if (i != axis && input.Dim(i) != shape[i])
                    throw context.Error($"input {k} shape {ShapeHelpers.Format(input.Shape)} does not match input 0 {ShapeHelpers.Format(shape)} outside axis {axis}");
            if (input.Type == TensorType.Int8 && (input.Scale != output.Scale || input.ZeroPoint != output.ZeroPoint))
                throw context.Error($"input {k} quantization differs from the output's (scale and zero point must match)");
            if (input.Type == TensorType.Int16 && input.ZeroPoint != 0) throw context.Error($"input {k} int16 zero point must be 0");
            total += input.Dim(axis);
        }
        if (first.Type == TensorType.Int16 && output.ZeroPoint != 0) throw context.Error("output int16 zero point must be 0");
        if (total > int.MaxValue) throw context.Error($"the inputs' sizes along axis {axis} add up to {total}");
        shape[axis] = (int)total;
        ShapeHelpers.EnsureOutputShape(context, 0, shape);

        var sizes = new int[count];
        for (int k = 0; k < count; k++) sizes[k] = context.Input(k).Dim(axis);
        _parts = AxisParts.ForJoin(context, axis, sizes);
    }

    public void Invoke(InvokeContext context) => _parts.Join(context, 0);
}
