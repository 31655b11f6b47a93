using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// RELU and LEAKY_RELU on int8 and int16 (TFLM's ReluQuantized and QuantizeLeakyRelu): the input's offset removed, the
/// non-negative side requantized by the identity multiplier and the negative side by alpha's (zero for RELU; a negative
/// alpha applied as a positive multiplier and a negation, as the reference does), the output's zero point added and the
/// result clamped to the parameters' range.
/// </summary>
internal readonly struct QuantizedTwoSlopes<T>(ActivationParameters p) : IUnaryOperator<T, T> where T : unmanaged
{
    private readonly bool _negativeAlpha = p.AlphaMultiplier < 0;
    private readonly int _alphaMultiplier = p.AlphaMultiplier < 0 ? unchecked(-p.AlphaMultiplier) : p.AlphaMultiplier;

    public T Invoke(T x)
    {
        int value = Scalar.ToInt32(x) - p.InputZeroPoint;
        int output = p.OutputZeroPoint;
        if (value >= 0)
        {
            output = unchecked(output + FixedPoint.MultiplyByQuantizedMultiplier(value, p.IdentityMultiplier, p.IdentityShift));
        }
        else
        {
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(value, _alphaMultiplier, p.AlphaShift);
            output = unchecked(output + (_negativeAlpha ? -scaled : scaled));
        }
        return Scalar.Truncate<T>(Clamp.Int(output, p.Min, p.Max));
    }
}

/// <summary>
/// The row arithmetic int8 SOFTMAX and LOG_SOFTMAX share (TFLM's reference): each element's difference from the row's
/// maximum, rescaled into Q5.26 by beta * input scale, its exp in Q0.31, and the Q12 sum of the exps of the differences
/// not below diff_min (minus <see cref="ActivationParameters.InputRangeRadius"/>).
/// </summary>
internal static class Int8SoftmaxRow
{
    public const int ScaledDiffIntegerBits = 5;
    public const int AccumulationIntegerBits = 12;

    public static int Max(ReadOnlySpan<sbyte> row)
    {
        int max = sbyte.MinValue;
        foreach (sbyte v in row) max = Math.Max(max, v);
        return max;
    }

    /// <summary>exp(beta * scale * diff) in Q0.31 for a difference from the row's maximum (at least diff_min).</summary>
    public static int ExpOfDifference(int diff, in ActivationParameters p)
    {
        int rescaled = FixedPoint.MultiplyByQuantizedMultiplierGreaterThanOne(diff, p.InputMultiplier, p.InputLeftShift);
        return FixedPoint.ExpOnNegativeValues(rescaled, ScaledDiffIntegerBits);
    }

    /// <summary>An exp in Q0.31 as the Q12 term of the row's sum.</summary>
    public static int ToAccumulation(int expQ0) => FixedPoint.Rescale(expQ0, 0, AccumulationIntegerBits);

    /// <summary>The Q12 sum of the row's exps, leaving out differences below diff_min.</summary>
    public static int SumOfExps(ReadOnlySpan<sbyte> row, int max, in ActivationParameters p)
    {
        int diffMin = -p.InputRangeRadius;
        int sum = 0;
        foreach (sbyte v in row)
        {
            int diff = v - max;
            if (diff >= diffMin) sum = unchecked(sum + ToAccumulation(ExpOfDifference(diff, p)));
        }
        return sum;
    }
}
