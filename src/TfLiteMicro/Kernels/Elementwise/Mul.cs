using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>MUL: float32, int32, int8 and int16 (symmetric) with broadcasting (up to 6-D) and a fused activation.</summary>
public sealed partial class Mul : IKernel
{
    private TensorType _type;
    private BroadcastShape _shape = null!;
    private float _floatMin, _floatMax;
    private int _intMin, _intMax;
    private QuantizedProduct<sbyte> _int8;
    private QuantizedProduct<short> _int16;
    private Int32BroadcastKind _int32Kind;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input1 = context.Input(0), input2 = context.Input(1), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input1, "input", TensorType.Float32, TensorType.Int32, TensorType.Int8, TensorType.Int16);
        ElementwiseChecks.RequireSameType(context, input1, "input 0", input2, "input 1");
        ElementwiseChecks.RequireSameType(context, input1, "input 0", output, "output");
        FusedActivation activation = ElementwiseChecks.Activation(context, MulOptions.Read(context).FusedActivationFunction);
        _type = output.Type;
        _shape = BroadcastShape.Create(context, output, 6, input1, input2);
        Int8ProductParameters? vector = null;

        switch (_type)
        {
            case TensorType.Float32:
                (_floatMin, _floatMax) = ActivationRange.Float(activation);
                break;
            case TensorType.Int32:
                (_intMin, _intMax) = Clamp.Int32Range(activation);
                break;
            default:
                ElementwiseChecks.RequireQuantized(context, input1, "input 0");
                ElementwiseChecks.RequireQuantized(context, input2, "input 1");
                ElementwiseChecks.RequireQuantized(context, output, "output");
                if (_type == TensorType.Int16)
                {
                    ElementwiseChecks.RequireZeroPoint(context, input1, "input 0", 0);
                    ElementwiseChecks.RequireZeroPoint(context, input2, "input 1", 0);
                    ElementwiseChecks.RequireZeroPoint(context, output, "output", 0);
                }
                (int min, int max) = ActivationRange.Quantized(activation, output);
                (int m, int s) = FixedPoint.QuantizeMultiplier((double)input1.Scale * input2.Scale / output.Scale);
                _int8 = new QuantizedProduct<sbyte>(-input1.ZeroPoint, -input2.ZeroPoint, output.ZeroPoint, m, s, min, max);
                _int16 = new QuantizedProduct<short>(-input1.ZeroPoint, -input2.ZeroPoint, output.ZeroPoint, m, s, min, max);
                vector = Int8ProductParameters.Create(-input1.ZeroPoint, -input2.ZeroPoint, output.ZeroPoint, m, s, min, max);
                break;
        }
        PrepareOptimized(context, input1, input2, output, vector);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32:
                ElementwiseDriver.Binary(context.Input<float>(0), context.Input<float>(1), context.Output<float>(0), _shape, new FloatProduct(_floatMin, _floatMax));
                break;
            case TensorType.Int32 when _int32Kind != Int32BroadcastKind.None:
                Int32ElementwiseSimd.Run(_level, _int32Kind, _shape.ElementCount, context.Input<int>(0), context.Input<int>(1), context.Output<int>(0),
                    new Int32Product(_intMin, _intMax), new Int32ProductLanes(_intMin, _intMax));
                break;
            case TensorType.Int32:
                ElementwiseDriver.Binary(context.Input<int>(0), context.Input<int>(1), context.Output<int>(0), _shape, new Int32Product(_intMin, _intMax));
                break;
            case TensorType.Int8 when _int8Plan.Kind != Int8BroadcastKind.None:
                RunInt8Optimized(context);
                break;
            case TensorType.Int8:
                ElementwiseDriver.Binary(context.Input<sbyte>(0), context.Input<sbyte>(1), context.Output<sbyte>(0), _shape, _int8);
                break;
            default:
                ElementwiseDriver.Binary(context.Input<short>(0), context.Input<short>(1), context.Output<short>(0), _shape, _int16);
                break;
        }
    }

    private readonly struct FloatProduct(float min, float max) : IBinaryOperator<float, float>
    {
        public float Invoke(float a, float b) => Clamp.Float(a * b, min, max);
    }

    private readonly struct Int32Product(int min, int max) : IBinaryOperator<int, int>
    {
        public int Invoke(int a, int b) => Clamp.Int(unchecked(a * b), min, max);
    }

    private readonly struct QuantizedProduct<T>(int offset1, int offset2, int outputOffset, int multiplier, int shift, int min, int max)
        : IBinaryOperator<T, T> where T : unmanaged
    {
        public T Invoke(T a, T b)
        {
            int product = unchecked((offset1 + Scalar.ToInt32(a)) * (offset2 + Scalar.ToInt32(b)));
            int output = unchecked(outputOffset + FixedPoint.MultiplyByQuantizedMultiplier(product, multiplier, shift));
            return Scalar.Truncate<T>(Clamp.Int(output, min, max));
        }
    }
}
