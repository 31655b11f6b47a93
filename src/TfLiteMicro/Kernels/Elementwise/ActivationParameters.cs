using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// What the activations (LOGISTIC, TANH, ELU, HARD_SWISH, LEAKY_RELU, RELU, RELU6, PRELU, SOFTMAX, LOG_SOFTMAX) compute
/// from their tensors' quantization in Prepare, by <see cref="ActivationPrepare"/>. Each op reads the fields it uses:
/// the zero points; the requantization of the non-negative side (identity) and of the negative side (alpha) into the
/// output's scale, and the clamp (RELU, LEAKY_RELU; PRELU with its alpha tensor's zero point); the input rescaling into a fixed-point domain and the radius
/// beyond which the result saturates (LOGISTIC and TANH in Q4 or the int16 table's domain, SOFTMAX and LOG_SOFTMAX in
/// Q5, whose diff_min is minus that radius); the arena handle of an int8 table (ELU).
/// </summary>
internal readonly record struct ActivationParameters
{
    public TensorType Type { get; init; }
    public int InputZeroPoint { get; init; }
    public int OutputZeroPoint { get; init; }
    public int IdentityMultiplier { get; init; }
    public int IdentityShift { get; init; }
    public int AlphaMultiplier { get; init; }
    public int AlphaShift { get; init; }

    /// <summary>The alpha tensor's zero point (PRELU, whose alpha is a tensor).</summary>
    public int AlphaZeroPoint { get; init; }
    public int Min { get; init; }
    public int Max { get; init; }
    public int InputMultiplier { get; init; }
    public int InputLeftShift { get; init; }
    public int InputRangeRadius { get; init; }

    /// <summary>The persistent handle of the op's int8 lookup table (256 entries indexed by the input byte).</summary>
    public int Table { get; init; }

    /// <summary>For the int16 sigmoid forms: the rounding term added before the right shift by <see cref="InputLeftShift"/>.</summary>
    public int Rounding => InputLeftShift > 0 ? 1 << (InputLeftShift - 1) : 0;
}

/// <summary>The activations' shared Prepare: the checks every one of them makes and the parameters they share.</summary>
internal static class ActivationPrepare
{
    private static readonly TensorType[] FloatInt8 = [TensorType.Float32, TensorType.Int8];
    private static readonly TensorType[] FloatInt8Int16 = [TensorType.Float32, TensorType.Int8, TensorType.Int16];

    /// <summary>
    /// One input and one output of the same type and shape, the type float32, int8 or (when <paramref name="int16"/>)
    /// int16; quantized tensors must carry a scale (the output's when <paramref name="quantizedOutput"/>).
    /// </summary>
    public static ActivationParameters Unary(PrepareContext context, bool int16, bool quantizedOutput = true)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input, "input", int16 ? FloatInt8Int16 : FloatInt8);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        ElementwiseChecks.RequireSameShape(context, input, "input", output, "output");
        var parameters = new ActivationParameters { Type = input.Type, Table = -1 };
        if (input.Type == TensorType.Float32) return parameters;
        ElementwiseChecks.RequireQuantized(context, input, "input");
        if (quantizedOutput) ElementwiseChecks.RequireQuantized(context, output, "output");
        return parameters with { InputZeroPoint = input.ZeroPoint, OutputZeroPoint = output.ZeroPoint };
    }

    /// <summary>
    /// x for x &gt;= 0 and alpha * x below, requantized into the output's scale and clamped to [min, max] (RELU: alpha 0
    /// and min the output's zero point; LEAKY_RELU: the type's range). TFLM computes both ratios in float.
    /// </summary>
    public static ActivationParameters TwoSlopes(ActivationParameters p, Tensor input, Tensor output, float alpha, int min, int max)
    {
        (int identityMultiplier, int identityShift) = FixedPoint.QuantizeMultiplier(input.Scale / output.Scale);
        (int alphaMultiplier, int alphaShift) = alpha == 0f ? (0, 0) : FixedPoint.QuantizeMultiplier(input.Scale * alpha / output.Scale);
        return p with
        {
            IdentityMultiplier = identityMultiplier, IdentityShift = identityShift,
            AlphaMultiplier = alphaMultiplier, AlphaShift = alphaShift,
            Min = min, Max = max,
        };
    }

    /// <summary>
    /// A 256-entry int8 table of <paramref name="transform"/> in the arena's persistent part, built in float as TFLM's
    /// LUTPopulate does.
    /// </summary>
    public static ActivationParameters Int8Table(PrepareContext context, ActivationParameters p, Tensor input, Tensor output, Func<float, float> transform)
    {
        Span<sbyte> table = stackalloc sbyte[256];
        LookupTables.PopulateInt8(input.Scale, input.ZeroPoint, output.Scale, output.ZeroPoint, transform, table);
        return p with { Table = context.AllocatePersistent<sbyte>(table) };
    }

    /// <summary>LOGISTIC and TANH on int8: a Q31 multiplier into Q4 and the radius beyond which the output saturates.</summary>
    public static ActivationParameters SigmoidInt8(ActivationParameters p, Tensor input)
    {
        const int inputIntegerBits = 4;
        double realMultiplier = input.Scale * (double)(1 << (31 - inputIntegerBits));
        double q = FixedPoint.Frexp(realMultiplier, out int leftShift);
        int multiplier = (int)FixedPoint.Round(q * (1L << 31));
        return p with
        {
            InputMultiplier = multiplier,
            InputLeftShift = leftShift,
            InputRangeRadius = FixedPoint.CalculateInputRadius(inputIntegerBits, leftShift, 31),
        };
    }

    /// <summary>
    /// LOGISTIC and TANH on int16 (symmetric, output scale 2^-15): a power-of-two input scale becomes a plain shift (TANH
    /// also accepts a shift of one), anything else an integer multiplier of about 3 * 4096 * scale scaled up to 15 bits.
    /// </summary>
    public static ActivationParameters SigmoidInt16(PrepareContext context, ActivationParameters p, Tensor input, Tensor output, bool allowShiftOne)
    {
        const int inputIntegerBits = 3;
        const int outputFractionalBits = 15;
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
        return p with { InputMultiplier = multiplier, InputLeftShift = leftShift };
    }

    /// <summary>
    /// SOFTMAX and LOG_SOFTMAX on int8: beta * input scale into Q5.26 (capped as TFLM caps it), and the radius whose
    /// negative is diff_min.
    /// </summary>
    public static ActivationParameters SoftmaxInt8(ActivationParameters p, double beta, float inputScale)
    {
        const int scaledDiffIntegerBits = 5;
        (int multiplier, int leftShift) = FixedPoint.PreprocessSoftmaxScaling(beta, inputScale, scaledDiffIntegerBits);
        return p with
        {
            InputMultiplier = multiplier,
            InputLeftShift = leftShift,
            InputRangeRadius = FixedPoint.CalculateInputRadius(scaledDiffIntegerBits, leftShift),
        };
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
