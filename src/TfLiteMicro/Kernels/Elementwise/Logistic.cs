using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// LOGISTIC (sigmoid): float32; int8 through gemmlowp's fixed-point logistic on a Q4 input (output scale 1/256,
/// zero point -128); int16 through the interpolated sigmoid table (symmetric, output scale 2^-15).
/// </summary>
internal sealed class Logistic : IKernel
{
    private TensorType _type;
    private SigmoidLikeParameters _parameters;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input, "input", TensorType.Float32, TensorType.Int8, TensorType.Int16);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        ElementwiseChecks.RequireSameShape(context, input, "input", output, "output");
        _type = input.Type;
        if (_type == TensorType.Int8)
        {
            ElementwiseChecks.RequireQuantized(context, input, "input");
            ElementwiseChecks.RequireZeroPoint(context, output, "output", sbyte.MinValue);
            _parameters = SigmoidLikeParameters.ForInt8(input);
        }
        else if (_type == TensorType.Int16)
        {
            _parameters = SigmoidLikeParameters.ForInt16(context, input, output, allowShiftOne: false);
        }
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32:
                ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), default(FloatLogistic));
                break;
            case TensorType.Int8:
                ElementwiseDriver.Unary(context.Input<sbyte>(0), context.Output<sbyte>(0), new Int8Logistic(_parameters));
                break;
            default:
                ElementwiseDriver.Unary(context.Input<short>(0), context.Output<short>(0), new Int16Logistic(_parameters));
                break;
        }
    }

    private readonly struct FloatLogistic : IUnaryOperator<float, float>
    {
        // The reference's cut-offs: beyond them the result is 1 or exp(x) to float precision.
        public float Invoke(float x) => x > 16.619047164916992188f ? 1f : x < -9f ? MathF.Exp(x) : 1f / (1f + MathF.Exp(-x));
    }

    private readonly struct Int8Logistic(SigmoidLikeParameters p) : IUnaryOperator<sbyte, sbyte>
    {
        public sbyte Invoke(sbyte x)
        {
            int input = x - p.InputZeroPoint;
            if (input <= -p.InputRangeRadius) return sbyte.MinValue;
            if (input >= p.InputRangeRadius) return sbyte.MaxValue;
            int inputQ4 = FixedPoint.MultiplyByQuantizedMultiplier(input, p.InputMultiplier, p.InputLeftShift);
            int outputQ0 = FixedPointMath.Logistic(inputQ4, 4);
            int outputQ23 = FixedPoint.RoundingDivideByPOT(outputQ0, 31 - 8);
            return (sbyte)Clamp.Int(outputQ23 - 128, sbyte.MinValue, sbyte.MaxValue);
        }
    }

    private readonly struct Int16Logistic(SigmoidLikeParameters p) : IUnaryOperator<short, short>
    {
        public short Invoke(short x)
        {
            int input = (x * p.InputMultiplier + p.Rounding) >> p.InputLeftShift;
            uint absolute = (uint)Math.Abs(input);
            uint segment = absolute >> 9;
            uint result;
            if (segment >= 255)
            {
                result = 0x7FFFu << 10;
            }
            else
            {
                uint low = LookupTables.Sigmoid[(int)segment];
                uint high = LookupTables.Sigmoid[(int)segment + 1];
                uint fraction = absolute & 0x1FF;
                result = unchecked((low << 9) + fraction * (high - low));
            }
            result = input >= 0 ? result + (1u << 9) : unchecked((1u << (16 + 9)) - result + (1u << 9) - 1);
            return unchecked((short)(result >> 10));
        }
    }
}
