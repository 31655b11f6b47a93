using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>RELU: max(x, 0) over float32, int8 and int16 (int16 symmetric), requantized to the output's scale.</summary>
internal sealed class Relu : IKernel
{
    private TensorType _type;
    private Requantize<sbyte> _int8;
    private Requantize<short> _int16;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input, "input", TensorType.Float32, TensorType.Int8, TensorType.Int16);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        ElementwiseChecks.RequireSameShape(context, input, "input", output, "output");
        _type = input.Type;
        if (_type == TensorType.Float32) return;

        ElementwiseChecks.RequireQuantized(context, input, "input");
        ElementwiseChecks.RequireQuantized(context, output, "output");
        if (_type == TensorType.Int16)
        {
            ElementwiseChecks.RequireZeroPoint(context, input, "input", 0);
            ElementwiseChecks.RequireZeroPoint(context, output, "output", 0);
        }
        (int m, int s) = FixedPoint.QuantizeMultiplier(input.Scale / output.Scale);
        (int typeMin, int typeMax) = ActivationRange.TypeLimits(_type);
        int min = Math.Max(typeMin, output.ZeroPoint);
        _int8 = new Requantize<sbyte>(input.ZeroPoint, output.ZeroPoint, m, s, min, typeMax);
        _int16 = new Requantize<short>(input.ZeroPoint, output.ZeroPoint, m, s, min, typeMax);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32: ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), default(FloatRelu)); break;
            case TensorType.Int8: ElementwiseDriver.Unary(context.Input<sbyte>(0), context.Output<sbyte>(0), _int8); break;
            default: ElementwiseDriver.Unary(context.Input<short>(0), context.Output<short>(0), _int16); break;
        }
    }

    private readonly struct FloatRelu : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => x < 0f ? 0f : x;
    }

    private readonly struct Requantize<T>(int inputOffset, int outputOffset, int multiplier, int shift, int min, int max)
        : IUnaryOperator<T, T> where T : unmanaged
    {
        public T Invoke(T x)
        {
            int value = unchecked(outputOffset + FixedPoint.MultiplyByQuantizedMultiplier(Scalar.ToInt32(x) - inputOffset, multiplier, shift));
            return Scalar.Truncate<T>(Clamp.Int(value, min, max));
        }
    }
}
