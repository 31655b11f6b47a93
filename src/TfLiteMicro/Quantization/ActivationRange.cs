using TfLiteMicro.Kernels;

namespace TfLiteMicro.Quantization;

/// <summary>The clamp limits a fused activation puts on an op's output, in float or in the output's quantized type.</summary>
internal static class ActivationRange
{
    /// <summary>Float limits: RELU [0, inf), RELU6 [0, 6], RELU_N1_TO_1 [-1, 1], none (-inf, inf).</summary>
    public static (float Min, float Max) Float(FusedActivation activation) => activation switch
    {
        FusedActivation.Relu => (0f, float.MaxValue),
        FusedActivation.Relu6 => (0f, 6f),
        FusedActivation.ReluN1To1 => (-1f, 1f),
        _ => (float.MinValue, float.MaxValue),
    };

    /// <summary>
    /// Quantized limits for an output of <paramref name="type"/> with the given scale and zero point: the activation's
    /// real bounds quantized (rounding half away from zero), intersected with the type's range.
    /// </summary>
    public static (int Min, int Max) Quantized(FusedActivation activation, TensorType type, float scale, int zeroPoint)
    {
        (int qmin, int qmax) = TypeLimits(type);
        int Quantize(float f) => zeroPoint + (int)FixedPoint.Round(f / scale);
        return activation switch
        {
            FusedActivation.Relu => (Math.Max(qmin, Quantize(0f)), qmax),
            FusedActivation.Relu6 => (Math.Max(qmin, Quantize(0f)), Math.Min(qmax, Quantize(6f))),
            FusedActivation.ReluN1To1 => (Math.Max(qmin, Quantize(-1f)), Math.Min(qmax, Quantize(1f))),
            _ => (qmin, qmax),
        };
    }

    /// <summary>Quantized limits for <paramref name="output"/> (its type, scale and zero point).</summary>
    public static (int Min, int Max) Quantized(FusedActivation activation, Tensor output)
        => Quantized(activation, output.Type, output.Scale, output.ZeroPoint);

    /// <summary>The representable range of an integer tensor type.</summary>
    public static (int Min, int Max) TypeLimits(TensorType type) => type switch
    {
        TensorType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        TensorType.UInt8 => (byte.MinValue, byte.MaxValue),
        TensorType.Int16 => (short.MinValue, short.MaxValue),
        TensorType.Int32 => (int.MinValue, int.MaxValue),
        TensorType.Int4 => (-8, 7),
        _ => throw new ArgumentException($"{TensorTypes.GetName(type)} is not an integer type with a quantized range"),
    };
}
