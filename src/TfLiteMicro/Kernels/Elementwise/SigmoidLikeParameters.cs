using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The input rescaling LOGISTIC and TANH share: for int8, a Q31 multiplier into Q4 and the radius beyond which the
/// output saturates; for int16, an integer multiplier and right shift into the sigmoid table's Q3.12-like domain.
/// </summary>
internal readonly struct SigmoidLikeParameters
{
    public int InputZeroPoint { get; init; }
    public int InputRangeRadius { get; init; }
    public int InputMultiplier { get; init; }
    public int InputLeftShift { get; init; }

    /// <summary>For int16: the rounding term added before the right shift by <see cref="InputLeftShift"/>.</summary>
    public int Rounding => InputLeftShift > 0 ? 1 << (InputLeftShift - 1) : 0;

    public static SigmoidLikeParameters ForInt8(Tensor input)
    {
        const int inputIntegerBits = 4;
        double realMultiplier = input.Scale * (double)(1 << (31 - inputIntegerBits));
        double q = FixedPoint.Frexp(realMultiplier, out int leftShift);
        int multiplier = (int)FixedPoint.Round(q * (1L << 31));
        return new SigmoidLikeParameters
        {
            InputZeroPoint = input.ZeroPoint,
            InputMultiplier = multiplier,
            InputLeftShift = leftShift,
            InputRangeRadius = FixedPoint.CalculateInputRadius(inputIntegerBits, leftShift, 31),
        };
    }

    /// <summary>
    /// The int16 rescaling: a power-of-two input scale becomes a plain shift (TANH also accepts a shift of one),
    /// anything else an integer multiplier of about 3 * 4096 * scale scaled up to 15 bits.
    /// </summary>
    public static SigmoidLikeParameters ForInt16(PrepareContext context, Tensor input, Tensor output, bool allowShiftOne)
    {
        const int inputIntegerBits = 3;
        const int outputFractionalBits = 15;
        ElementwiseChecks.RequireQuantized(context, input, "input");
        ElementwiseChecks.RequireQuantized(context, output, "output");
        ElementwiseChecks.RequireZeroPoint(context, input, "input", 0);
        ElementwiseChecks.RequireZeroPoint(context, output, "output", 0);

        bool inputPowerOfTwo = CheckedLog2(input.Scale, out int inputLog2);
        int leftShift = (15 - inputIntegerBits) + inputLog2;
        inputPowerOfTwo &= leftShift == 0 || (allowShiftOne && leftShift == 1);
        int multiplier;
        if (inputPowerOfTwo)
        {
            // The reference turns a power-of-two scale into the multiplier 3 << shift with no shift at all.
            multiplier = 3 << leftShift;
            leftShift = 0;
        }
        else
        {
            double m = input.Scale * 4096.0 * 3.0;
            leftShift = 0;
            while (m <= 32767.0 / 2.0 && leftShift <= 30)
            {
                leftShift++;
                m *= 2.0;
            }
            multiplier = (int)m;
        }

        if (!CheckedLog2(output.Scale, out int outputLog2) || outputLog2 != -outputFractionalBits)
            throw context.Error($"output scale must be 2^-{outputFractionalBits} for INT16, not {output.Scale}");
        return new SigmoidLikeParameters { InputMultiplier = multiplier, InputLeftShift = leftShift };
    }

    /// <summary>TFLite's CheckedLog2: the rounded log2 of <paramref name="x"/>, and whether x is (nearly) a power of two.</summary>
    private static bool CheckedLog2(float x, out int log2)
    {
        float xLog2 = MathF.Log(x) * (1.0f / MathF.Log(2.0f));
        float rounded = FixedPoint.Round(xLog2);
        log2 = (int)rounded;
        return Math.Abs(xLog2 - rounded) < 1e-3f;
    }
}
