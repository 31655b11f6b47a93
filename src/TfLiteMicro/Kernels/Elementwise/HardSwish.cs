using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>HARD_SWISH: x * relu6(x + 3) / 6 over float32, and int8 in TFLite's 16-bit fixed-point form.</summary>
internal sealed class HardSwish : IKernel
{
    private TensorType _type;
    private QuantizedHardSwish _int8;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input, "input", TensorType.Float32, TensorType.Int8);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        ElementwiseChecks.RequireSameShape(context, input, "input", output, "output");
        _type = input.Type;
        if (_type != TensorType.Int8) return;

        ElementwiseChecks.RequireQuantized(context, input, "input");
        ElementwiseChecks.RequireQuantized(context, output, "output");
        float hiresInputScale = (1.0f / 128.0f) * input.Scale;
        const float reluishScale = 3.0f / 32768.0f;
        (int outputMultiplier, int outputExponent) = FixedPoint.QuantizeMultiplier(hiresInputScale / output.Scale);
        if (outputExponent > 0)
            throw context.Error($"the input to output scale ratio {input.Scale / output.Scale} is too large for INT8 HARD_SWISH");
        (int reluishMultiplier, int reluishExponent) = FixedPoint.QuantizeMultiplier(hiresInputScale / reluishScale);
        _int8 = new QuantizedHardSwish(
            input.ZeroPoint, output.ZeroPoint,
            FixedPointMath.DownScaleInt32ToInt16Multiplier(outputMultiplier), outputExponent,
            FixedPointMath.DownScaleInt32ToInt16Multiplier(reluishMultiplier), reluishExponent);
    }

    public void Invoke(InvokeContext context)
    {
        if (_type == TensorType.Float32)
            ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), default(FloatHardSwish));
        else
            ElementwiseDriver.Unary(context.Input<sbyte>(0), context.Output<sbyte>(0), _int8);
    }

    private readonly struct FloatHardSwish : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => x * MathF.Min(6f, MathF.Max(0f, x + 3f)) / 6f;
    }

    private readonly struct QuantizedHardSwish(int inputZeroPoint, int outputZeroPoint, short outputMultiplier, int outputExponent, short reluishMultiplier, int reluishExponent)
        : IUnaryOperator<sbyte, sbyte>
    {
        public sbyte Invoke(sbyte x)
        {
            short inputValue = unchecked((short)(x - inputZeroPoint));
            short hires = unchecked((short)(inputValue * (1 << 7)));
            short preshiftOutput = FixedPoint.SaturatingRoundingDoublingHighMul(hires, outputMultiplier);
            short reluish = hires;
            if (reluishExponent > 0) reluish = SaturatingLeftShift(reluish, reluishExponent - 1);
            reluish = FixedPoint.SaturatingRoundingDoublingHighMul(reluish, reluishMultiplier);
            if (reluishExponent > 0) reluish = SaturatingLeftShift(reluish, 1);
            if (reluishExponent < 0) reluish = FixedPoint.RoundingDivideByPOT(reluish, -reluishExponent);
            // From [-1, 1] to [0, 1] in Q0.15.
            reluish = unchecked((short)((reluish + (1 << 15)) >> 1));
            short preshift = DoublingHighMulTruncating(reluish, preshiftOutput);
            short output = FixedPoint.RoundingDivideByPOT(preshift, -outputExponent);
            int result = output + outputZeroPoint;
            return (sbyte)Math.Clamp(unchecked((short)result), sbyte.MinValue, sbyte.MaxValue);
        }

        private static short SaturatingLeftShift(short value, int amount)
            => (short)Math.Clamp((long)value * (1L << amount), short.MinValue, short.MaxValue);

        // (a * b * 2) >> 16 truncating toward zero, saturating only min * min.
        private static short DoublingHighMulTruncating(short a, short b)
        {
            if (a == b && a == short.MinValue) return short.MaxValue;
            return (short)(a * b / (1 << 15));
        }
    }
}
