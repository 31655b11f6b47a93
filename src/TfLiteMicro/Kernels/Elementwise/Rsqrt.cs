using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// RSQRT: 1 / sqrt(x) over float32, int8 and symmetric int16 (which TFLM's evaluation also handles). Quantized inputs
/// below the zero point are an error, as in TFLM.
/// </summary>
internal sealed class Rsqrt : IKernel
{
    private TensorType _type;
    private QuantizedRsqrt<sbyte> _int8;
    private QuantizedRsqrt<short> _int16;
    private int _inputZeroPoint;

    public void Prepare(PrepareContext context)
    {
        (Tensor input, Tensor output) = ElementwiseChecks.RequireUnaryFloatOrQuantized(context);
        _type = input.Type;
        if (_type == TensorType.Float32) return;

        ElementwiseChecks.RequireQuantizedPair(context, input, output);
        _inputZeroPoint = input.ZeroPoint;
        (int m, int s) = FixedPoint.QuantizeMultiplier(1.0 / (MathF.Sqrt(input.Scale) * output.Scale));
        _int8 = new QuantizedRsqrt<sbyte>(input.ZeroPoint, output.ZeroPoint, m, s);
        _int16 = new QuantizedRsqrt<short>(input.ZeroPoint, output.ZeroPoint, m, s);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32:
                ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), default(FloatRsqrt));
                break;
            case TensorType.Int8:
                foreach (sbyte v in context.Input<sbyte>(0))
                    if (v < _inputZeroPoint) throw context.Error("RSQRT is only defined for non-negative values");
                ElementwiseDriver.Unary(context.Input<sbyte>(0), context.Output<sbyte>(0), _int8);
                break;
            default:
                foreach (short v in context.Input<short>(0))
                    if (v < _inputZeroPoint) throw context.Error("RSQRT is only defined for non-negative values");
                ElementwiseDriver.Unary(context.Input<short>(0), context.Output<short>(0), _int16);
                break;
        }
    }

    private readonly struct FloatRsqrt : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => 1f / MathF.Sqrt(x);
    }

    private readonly struct QuantizedRsqrt<T>(int inputOffset, int outputOffset, int multiplier, int shift)
        : IUnaryOperator<T, T> where T : unmanaged
    {
        public T Invoke(T x)
        {
            const int headroomShift = 20; // keeps the reciprocal an integer before the final rescale
            int value = Scalar.ToInt32(x) - inputOffset;
            if (value == 0) return Scalar.Truncate<T>(Scalar.MaxValue<T>());
            (int invSqrtMultiplier, int invSqrtShift) = FixedPointMath.InvSqrtQuantizedMultiplierExp(value, -1);
            int data = FixedPoint.MultiplyByQuantizedMultiplier(1, invSqrtMultiplier, invSqrtShift + headroomShift);
            int output = unchecked(FixedPoint.MultiplyByQuantizedMultiplier(data, multiplier, shift - headroomShift) + outputOffset);
            return Scalar.Truncate<T>(Clamp.Int(output, Scalar.MinValue<T>(), Scalar.MaxValue<T>()));
        }
    }
}
