using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// TANH: float32; int8 through gemmlowp's fixed-point tanh on a Q4 input (output in Q7); int16 through the
/// interpolated sigmoid table, tanh(x) = 2 sigmoid(2x) - 1 (symmetric, output scale 2^-15).
/// </summary>
internal sealed class Tanh : IKernel
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
            _parameters = SigmoidLikeParameters.ForInt8(input);
        }
        else if (_type == TensorType.Int16)
        {
            _parameters = SigmoidLikeParameters.ForInt16(context, input, output, allowShiftOne: true);
        }
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32:
                ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), default(FloatTanh));
                break;
            case TensorType.Int8:
                ElementwiseDriver.Unary(context.Input<sbyte>(0), context.Output<sbyte>(0), new Int8Tanh(_parameters));
                break;
            default:
                ElementwiseDriver.Unary(context.Input<short>(0), context.Output<short>(0), new Int16Tanh(_parameters));
                break;
        }
    }

    private readonly struct FloatTanh : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => MathF.Tanh(x);
    }

    private readonly struct Int8Tanh(SigmoidLikeParameters p) : IUnaryOperator<sbyte, sbyte>
    {
        public sbyte Invoke(sbyte x)
        {
            int input = x - p.InputZeroPoint;
            if (input <= -p.InputRangeRadius) return sbyte.MinValue;
            if (input >= p.InputRangeRadius) return sbyte.MaxValue;
            int inputQ4 = FixedPoint.MultiplyByQuantizedMultiplier(input, p.InputMultiplier, p.InputLeftShift);
            int outputQ0 = FixedPointMath.Tanh(inputQ4, 4);
            int outputQ24 = FixedPoint.RoundingDivideByPOT(outputQ0, 31 - 7);
            return (sbyte)Clamp.Int(outputQ24, sbyte.MinValue, sbyte.MaxValue);
        }
    }

    private readonly struct Int16Tanh(SigmoidLikeParameters p) : IUnaryOperator<short, short>
    {
        public short Invoke(short x)
        {
            int input = (x * p.InputMultiplier + p.Rounding) >> p.InputLeftShift;
            uint absolute = (uint)Math.Abs(input);
            uint segment = absolute >> 8;
            int result;
            if (segment >= 255)
            {
                result = 0xFFFF << 8;
            }
            else
            {
                uint low = LookupTables.Sigmoid[(int)segment];
                uint high = LookupTables.Sigmoid[(int)segment + 1];
                byte fraction = (byte)(absolute & 0xFF);
                result = unchecked((int)((low << 8) + fraction * (high - low)));
            }
            result = input >= 0
                ? result - (1 << (14 + 9)) + (1 << (9 - 2))
                : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
            return unchecked((short)(result >> (9 - 1)));
        }
    }
}
