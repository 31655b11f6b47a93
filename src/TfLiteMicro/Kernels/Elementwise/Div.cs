using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>DIV: float32, int32 and int8 with broadcasting (up to 5-D) and a fused activation. Integer division by zero is an error.</summary>
public sealed class Div : IKernel
{
    private TensorType _type;
    private BroadcastShape _shape = null!;
    private float _floatMin, _floatMax;
    private int _intMin, _intMax;
    private QuantizedQuotient _int8;
    private int _input2ZeroPoint;
    private SimdLevel _level;
    private Int32BroadcastKind _int32Kind;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input1 = context.Input(0), input2 = context.Input(1), output = context.Output(0);
        ElementwiseChecks.RequireType(context, output, "output", TensorType.Float32, TensorType.Int32, TensorType.Int8);
        ElementwiseChecks.RequireSameType(context, input1, "input 0", input2, "input 1");
        ElementwiseChecks.RequireSameType(context, input1, "input 0", output, "output");
        FusedActivation activation = ElementwiseChecks.Activation(context, DivOptions.Read(context).FusedActivationFunction);
        _type = output.Type;
        _shape = BroadcastShape.Create(context, output, 5, input1, input2);

        switch (_type)
        {
            case TensorType.Float32:
                (_floatMin, _floatMax) = ActivationRange.Float(activation);
                break;
            case TensorType.Int32:
                if (input1.Quantization.IsQuantized || input2.Quantization.IsQuantized)
                    throw context.Error("INT32 inputs must not be quantized");
                (_intMin, _intMax) = Clamp.Int32Range(activation);
                _level = Simd.For(context);
                _int32Kind = Int32ElementwiseSimd.Plan(_level, _type, _shape, input1, input2);
                break;
            default:
                ElementwiseChecks.RequireQuantized(context, input1, "input 0");
                ElementwiseChecks.RequireQuantized(context, input2, "input 1");
                ElementwiseChecks.RequireQuantized(context, output, "output");
                (int min, int max) = ActivationRange.Quantized(activation, output);
                (int m, int s) = FixedPoint.QuantizeMultiplier(input1.Scale / (input2.Scale * output.Scale));
                _int8 = new QuantizedQuotient(-input1.ZeroPoint, -input2.ZeroPoint, output.ZeroPoint, m, s, min, max);
                _input2ZeroPoint = input2.ZeroPoint;
                break;
        }
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32:
                ElementwiseDriver.Binary(context.Input<float>(0), context.Input<float>(1), context.Output<float>(0), _shape, new FloatQuotient(_floatMin, _floatMax));
                break;
            case TensorType.Int32:
                if (context.Input<int>(1).Contains(0)) throw context.Error("division by zero");
                if (_int32Kind != Int32BroadcastKind.None)
                    Int32ElementwiseSimd.Run(_level, _int32Kind, _shape.ElementCount, context.Input<int>(0), context.Input<int>(1), context.Output<int>(0),
                        new Int32Quotient(_intMin, _intMax), new Int32QuotientLanes(_intMin, _intMax));
                else
                    ElementwiseDriver.Binary(context.Input<int>(0), context.Input<int>(1), context.Output<int>(0), _shape, new Int32Quotient(_intMin, _intMax));
                break;
            default:
                foreach (sbyte v in context.Input<sbyte>(1))
                    if (v == _input2ZeroPoint) throw context.Error("division by zero (a divisor equals its zero point)");
                ElementwiseDriver.Binary(context.Input<sbyte>(0), context.Input<sbyte>(1), context.Output<sbyte>(0), _shape, _int8);
                break;
        }
    }

    private readonly struct FloatQuotient(float min, float max) : IBinaryOperator<float, float>
    {
        public float Invoke(float a, float b) => Clamp.Float(a / b, min, max);
    }

    private readonly struct Int32Quotient(int min, int max) : IBinaryOperator<int, int>
    {
        // int.MinValue / -1 overflows; it wraps as the two's-complement hardware result would.
        public int Invoke(int a, int b) => Clamp.Int(b == -1 ? unchecked(-a) : a / b, min, max);
    }

    private readonly struct QuantizedQuotient(int offset1, int offset2, int outputOffset, int multiplier, int shift, int min, int max)
        : IBinaryOperator<sbyte, sbyte>
    {
        public sbyte Invoke(sbyte a, sbyte b)
        {
            int numerator = offset1 + a;
            int denominator = offset2 + b;
            if (denominator < 0)
            {
                numerator = -numerator;
                denominator = -denominator;
            }
            int reciprocal = FixedPoint.GetReciprocal(denominator, 31, out int reciprocalShift);
            int headroom = FixedPointMath.CountLeadingSignBits(numerator);
            int unscaled = FixedPoint.MultiplyByQuantizedMultiplierGreaterThanOne(numerator, reciprocal, headroom);
            int totalShift = shift - reciprocalShift - headroom;
            int result = unchecked(outputOffset + FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(unscaled, multiplier, totalShift));
            return (sbyte)Clamp.Int(result, min, max);
        }
    }
}
