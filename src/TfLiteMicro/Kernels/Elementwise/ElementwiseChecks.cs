namespace TfLiteMicro.Kernels;

/// <summary>The Prepare-time checks element-wise kernels share, each throwing a KernelException that names the problem.</summary>
internal static class ElementwiseChecks
{
    /// <summary>Throws unless <paramref name="tensor"/>'s type is one of <paramref name="allowed"/>.</summary>
    public static void RequireType(PrepareContext context, Tensor tensor, string what, params TensorType[] allowed)
    {
        foreach (TensorType t in allowed)
            if (tensor.Type == t) return;
        throw context.UnsupportedType(what, tensor.Type);
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
