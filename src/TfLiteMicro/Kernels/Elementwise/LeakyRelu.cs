using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>LEAKY_RELU: x for x &gt;= 0, alpha * x below; float32, int8 and int16, requantized to the output's scale.</summary>
internal sealed class LeakyRelu : IKernel
{
    private float _alpha;
    private ActivationParameters _parameters;

    public void Prepare(PrepareContext context)
    {
        ActivationParameters p = ActivationPrepare.Unary(context, int16: true);
        _alpha = LeakyReluOptions.Read(context).Alpha;
        _parameters = p;
        if (p.Type == TensorType.Float32) return;

        (int typeMin, int typeMax) = ActivationRange.TypeLimits(p.Type);
        _parameters = ActivationPrepare.TwoSlopes(p, context.Input(0), context.Output(0), _alpha, typeMin, typeMax);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_parameters.Type)
        {
            case TensorType.Float32: ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), new FloatLeakyRelu(_alpha)); break;
            case TensorType.Int8: ElementwiseDriver.Unary(context.Input<sbyte>(0), context.Output<sbyte>(0), new QuantizedTwoSlopes<sbyte>(_parameters)); break;
            default: ElementwiseDriver.Unary(context.Input<short>(0), context.Output<short>(0), new QuantizedTwoSlopes<short>(_parameters)); break;
        }
    }

    private readonly struct FloatLeakyRelu(float alpha) : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => x > 0 ? x : x * alpha;
    }
}
