namespace TfLiteMicro.Kernels;

/// <summary>The Prepare-time checks element-wise kernels share, each throwing a KernelException that names the problem.</summary>
internal static class ElementwiseChecks
{
    // One to five allowed types as separate parameters rather than a params array or span: an array of the enum, or a
    // span over its constant bytes, would keep enum reflection (and formatting) in every trimmed program.
    /// <summary>Throws unless <paramref name="tensor"/>'s type is <paramref name="a"/>.</summary>
    public static void RequireType(PrepareContext context, Tensor tensor, string what, TensorType a)
        => RequireType(context, tensor, what, tensor.Type == a);

    /// <summary>Throws unless <paramref name="tensor"/>'s type is one of those given.</summary>
    public static void RequireType(PrepareContext context, Tensor tensor, string what, TensorType a, TensorType b)
        => RequireType(context, tensor, what, tensor.Type == a || tensor.Type == b);

    /// <inheritdoc cref="RequireType(PrepareContext, Tensor, string, TensorType, TensorType)"/>
    public static void RequireType(PrepareContext context, Tensor tensor, string what, TensorType a, TensorType b, TensorType c)
        => RequireType(context, tensor, what, tensor.Type == a || tensor.Type == b || tensor.Type == c);

    /// <inheritdoc cref="RequireType(PrepareContext, Tensor, string, TensorType, TensorType)"/>
    public static void RequireType(PrepareContext context, Tensor tensor, string what, TensorType a, TensorType b, TensorType c, TensorType d)
        => RequireType(context, tensor, what, tensor.Type == a || tensor.Type == b || tensor.Type == c || tensor.Type == d);

    /// <inheritdoc cref="RequireType(PrepareContext, Tensor, string, TensorType, TensorType)"/>
    public static void RequireType(PrepareContext context, Tensor tensor, string what, TensorType a, TensorType b, TensorType c, TensorType d, TensorType e)
        => RequireType(context, tensor, what, tensor.Type == a || tensor.Type == b || tensor.Type == c || tensor.Type == d || tensor.Type == e);

    /// <summary>Throws unless <paramref name="tensor"/>'s type is one of <paramref name="allowed"/>.</summary>
    public static void RequireType(PrepareContext context, Tensor tensor, string what, TensorType[] allowed)
        => RequireType(context, tensor, what, Array.IndexOf(allowed, tensor.Type) >= 0);

    private static void RequireType(PrepareContext context, Tensor tensor, string what, bool allowed)
    {
        if (!allowed) throw context.UnsupportedType(what, tensor.Type);
    }

    /// <summary>Throws unless the two tensors have the same type.</summary>
    public static void RequireSameType(PrepareContext context, Tensor a, string whatA, Tensor b, string whatB)
    {
        if (a.Type != b.Type)
            throw context.Error($"{whatA} type {TensorTypes.GetName(a.Type)} differs from {whatB} type {TensorTypes.GetName(b.Type)}");
    }

    /// <summary>Throws unless the two tensors have the same shape.</summary>
    public static void RequireSameShape(PrepareContext context, Tensor a, string whatA, Tensor b, string whatB)
    {
        if (!a.Shape.SequenceEqual(b.Shape))
            throw context.Error($"{whatA} shape [{string.Join(",", a.ShapeArray)}] differs from {whatB} shape [{string.Join(",", b.ShapeArray)}]");
    }

    /// <summary>Throws unless a quantized tensor carries a usable (positive, finite) per-tensor scale.</summary>
    public static void RequireQuantized(PrepareContext context, Tensor tensor, string what)
    {
        float scale = tensor.Quantization.IsQuantized ? tensor.Scale : 0f;
        if (!(scale > 0f) || float.IsInfinity(scale))
            throw context.Error($"{what} of type {TensorTypes.GetName(tensor.Type)} needs a positive quantization scale (has {scale})");
    }

    /// <summary>Throws unless the zero point is <paramref name="expected"/> (the int16 paths need symmetric quantization).</summary>
    public static void RequireZeroPoint(PrepareContext context, Tensor tensor, string what, int expected)
    {
        if (tensor.ZeroPoint != expected)
            throw context.Error($"{what} zero point must be {expected} for {TensorTypes.GetName(tensor.Type)}, not {tensor.ZeroPoint}");
    }

    /// <summary>
    /// The checks of a one-input, one-output element-wise kernel over float32, int8 and int16: the operator's tensor
    /// counts, one type (of those three) and one shape for both. Returns the input and the output.
    /// </summary>
    public static (Tensor Input, Tensor Output) RequireUnaryFloatOrQuantized(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        RequireSameType(context, input, "input", output, "output");
        RequireType(context, input, "input", TensorType.Float32, TensorType.Int8, TensorType.Int16);
        RequireSameShape(context, input, "input", output, "output");
        return (input, output);
    }

    /// <summary>Throws unless a quantized input and output both carry usable scales and, for int16, zero points of 0.</summary>
    public static void RequireQuantizedPair(PrepareContext context, Tensor input, Tensor output)
    {
        RequireQuantized(context, input, "input");
        RequireQuantized(context, output, "output");
        if (input.Type != TensorType.Int16) return;
        RequireZeroPoint(context, input, "input", 0);
        RequireZeroPoint(context, output, "output", 0);
    }

    /// <summary>The fused activation an options view read, checked against the schema's values and what the kernels support.</summary>
    public static FusedActivation Activation(PrepareContext context, FusedActivation activation)
    {
        if (activation > FusedActivation.SignBit)
            throw context.Error($"fused activation {(byte)activation} is not defined");
        if (activation is FusedActivation.Tanh or FusedActivation.SignBit)
            throw context.Error($"fused activation {activation} is not supported");
        return activation;
    }
}
