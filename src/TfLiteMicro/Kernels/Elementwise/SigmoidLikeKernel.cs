using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>What distinguishes LOGISTIC from TANH inside their common kernel: the function at each precision.</summary>
internal interface ISigmoidLikeFunction
{
    /// <summary>The int8 output's required zero point, or null when any is accepted.</summary>
    int? Int8OutputZeroPoint { get; }

    /// <summary>Whether an int16 input scale of 2^-11 (a shift of one) also takes the power-of-two path.</summary>
    bool Int16AcceptsShiftOne { get; }

    float Float(float x);

    /// <summary>The int8 result for an input inside the saturation radius, rescaled to Q4.</summary>
    sbyte Int8(int inputQ4);

    /// <summary>The int16 result for an input rescaled into the sigmoid table's domain.</summary>
    short Int16(int input);
}

/// <summary>
/// LOGISTIC and TANH: float32; int8 through gemmlowp's fixed-point function on a Q4 input, saturating beyond the
/// input radius; int16 through the interpolated sigmoid table (symmetric, output scale 2^-15).
/// </summary>
internal abstract class SigmoidLikeKernel<TFunction> : IKernel where TFunction : struct, ISigmoidLikeFunction
{
    private ActivationParameters _parameters;

    public void Prepare(PrepareContext context)
    {
        ActivationParameters p = ActivationPrepare.Unary(context, int16: true, quantizedOutput: false);
        Tensor input = context.Input(0), output = context.Output(0);
        if (p.Type == TensorType.Int8)
        {
            if (default(TFunction).Int8OutputZeroPoint is { } zeroPoint) ElementwiseChecks.RequireZeroPoint(context, output, "output", zeroPoint);
            p = ActivationPrepare.SigmoidInt8(p, input);
        }
        else if (p.Type == TensorType.Int16)
        {
            p = ActivationPrepare.SigmoidInt16(context, p, input, output, default(TFunction).Int16AcceptsShiftOne);
        }
        _parameters = p;
    }

    public void Invoke(InvokeContext context)
    {
        switch (_parameters.Type)
        {
            case TensorType.Float32:
                ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), default(FloatFunction));
                break;
            case TensorType.Int8:
                ElementwiseDriver.Unary(context.Input<sbyte>(0), context.Output<sbyte>(0), new Int8Function(_parameters));
                break;
            default:
                ElementwiseDriver.Unary(context.Input<short>(0), context.Output<short>(0), new Int16Function(_parameters));
                break;
        }
    }

    private readonly struct FloatFunction : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => default(TFunction).Float(x);
    }

    private readonly struct Int8Function(ActivationParameters p) : IUnaryOperator<sbyte, sbyte>
    {
        public sbyte Invoke(sbyte x)
        {
            int input = x - p.InputZeroPoint;
            if (input <= -p.InputRangeRadius) return sbyte.MinValue;
            if (input >= p.InputRangeRadius) return sbyte.MaxValue;
            return default(TFunction).Int8(FixedPoint.MultiplyByQuantizedMultiplier(input, p.InputMultiplier, p.InputLeftShift));
        }
    }

    private readonly struct Int16Function(ActivationParameters p) : IUnaryOperator<short, short>
    {
        public short Invoke(short x) => default(TFunction).Int16((x * p.InputMultiplier + p.Rounding) >> p.InputLeftShift);
    }
}
