namespace TfLiteMicro.Kernels;

/// <summary>The checks REDUCE_MAX and REDUCE_MIN share.</summary>
internal static class MinMaxChecks
{
    /// <summary>Validates types and quantization, prepares the reduction; true for float32.</summary>
    public static bool Prepare(PrepareContext context, Reduction reduction)
    {
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        if (input.Type == TensorType.Int8 && (input.Scale != output.Scale || input.ZeroPoint != output.ZeroPoint))
            throw context.Error("int8 input and output must share scale and zero point");
        reduction.Prepare(context);
        return input.Type == TensorType.Float32;
    }
}
