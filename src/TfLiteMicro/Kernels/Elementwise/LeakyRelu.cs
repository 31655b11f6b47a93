using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>LEAKY_RELU: x for x &gt;= 0, alpha * x below; float32, int8 and int16, requantized to the output's scale.</summary>
internal sealed class LeakyRelu : IKernel
{
    private TensorType _type;
    private float _alpha;
    private QuantizedLeakyRelu<sbyte> _int8;
    private QuantizedLeakyRelu<short> _int16;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input, "input", TensorType.Float32, TensorType.Int8, TensorType.Int16);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        ElementwiseChecks.RequireSameShape(context, input, "input", output, "output");
        _type = input.Type;
        _alpha = LeakyReluOptions.Read(context).Alpha;
        if (_type == TensorType.Float32) return;

        ElementwiseChecks.RequireQuantized(context, input, "input");
        ElementwiseChecks.RequireQuantized(context, output, "output");
        (int alphaMultiplier, int alphaShift) = FixedPoint.QuantizeMultiplier(input.Scale * _alpha / output.Scale);
        (int identityMultiplier, int identityShift) = FixedPoint.QuantizeMultiplier(input.Scale / output.Scale);
        _int8 = new QuantizedLeakyRelu<sbyte>(input.ZeroPoint, output.ZeroPoint, alphaMultiplier, alphaShift, identityMultiplier, identityShift);
        _int16 = new QuantizedLeakyRelu<short>(input.ZeroPoint, output.ZeroPoint, alphaMultiplier, alphaShift, identityMultiplier, identityShift);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32: ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), new FloatLeakyRelu(_alpha)); break;
            case TensorType.Int8: ElementwiseDriver.Unary(context.Input<sbyte>(0), context.Output<sbyte>(0), _int8); break;
            default: ElementwiseDriver.Unary(context.Input<short>(0), context.Output<short>(0), _int16); break;
        }
    }

    private readonly struct FloatLeakyRelu(float alpha) : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => x > 0 ? x : x * alpha;
    }

    private readonly struct QuantizedLeakyRelu<T>(int inputOffset, int outputOffset, int alphaMultiplier, int alphaShift, int identityMultiplier, int identityShift)
        : IUnaryOperator<T, T> where T : unmanaged
    {
        public T Invoke(T x)
        {
            int value = Scalar.ToInt32(x) - inputOffset;
            int output = outputOffset;
            if (value >= 0)
            {
                output = unchecked(output + FixedPoint.MultiplyByQuantizedMultiplier(value, identityMultiplier, identityShift));
            }
            else
            {
                // A negative alpha is applied as a positive multiplier and a negation, as the reference does.
                bool negative = alphaMultiplier < 0;
                int scaled = FixedPoint.MultiplyByQuantizedMultiplier(value, negative ? unchecked(-alphaMultiplier) : alphaMultiplier, alphaShift);
                output = unchecked(output + (negative ? -scaled : scaled));
            }
            return Scalar.Truncate<T>(Clamp.Int(output, Scalar.MinValue<T>(), Scalar.MaxValue<T>()));
        }
    }
}
