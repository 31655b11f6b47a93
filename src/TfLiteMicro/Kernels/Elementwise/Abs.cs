using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>ABS: |x| over float32, int8 and int16 (quantized int16 symmetric; unquantized int16 taken as plain integers).</summary>
internal sealed class Abs : IKernel
{
    private TensorType _type;
    private bool _quantized;
    private QuantizedAbs<sbyte> _int8;
    private QuantizedAbs<short> _int16;

    public void Prepare(PrepareContext context)
    {
        (Tensor input, Tensor output) = ElementwiseChecks.RequireUnaryFloatOrQuantized(context);
        _type = input.Type;
        _quantized = _type == TensorType.Int8 || (_type == TensorType.Int16 && input.Quantization.IsQuantized);
        if (!_quantized) return;

        ElementwiseChecks.RequireQuantizedPair(context, input, output);
        bool rescale = input.Scale != output.Scale;
        (int m, int s) = rescale ? FixedPoint.QuantizeMultiplier(input.Scale / output.Scale) : (0, 0);
        _int8 = new QuantizedAbs<sbyte>(input.ZeroPoint, output.ZeroPoint, rescale, m, s);
        _int16 = new QuantizedAbs<short>(input.ZeroPoint, output.ZeroPoint, rescale, m, s);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32: ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), default(FloatAbs)); break;
            case TensorType.Int8: ElementwiseDriver.Unary(context.Input<sbyte>(0), context.Output<sbyte>(0), _int8); break;
            default:
                if (_quantized) ElementwiseDriver.Unary(context.Input<short>(0), context.Output<short>(0), _int16);
                else ElementwiseDriver.Unary(context.Input<short>(0), context.Output<short>(0), default(Int16Abs));
                break;
        }
    }

    private readonly struct FloatAbs : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => MathF.Abs(x);
    }

    private readonly struct Int16Abs : IUnaryOperator<short, short>
    {
        public short Invoke(short x) => unchecked((short)Math.Abs((int)x));
    }

    private readonly struct QuantizedAbs<T>(int inputOffset, int outputOffset, bool rescale, int multiplier, int shift)
        : IUnaryOperator<T, T> where T : unmanaged
    {
        public T Invoke(T x)
        {
            int value = Math.Abs(Scalar.ToInt32(x) - inputOffset);
            int output = rescale ? unchecked(FixedPoint.MultiplyByQuantizedMultiplier(value, multiplier, shift) + outputOffset) : unchecked(value + outputOffset);
            return Scalar.Truncate<T>(Clamp.Int(output, Scalar.MinValue<T>(), Scalar.MaxValue<T>()));
        }
    }
}
