using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>RELU: max(x, 0) over float32, int8 and int16 (int16 symmetric), requantized to the output's scale.</summary>
internal sealed class Relu : IKernel
{
    private ActivationParameters _parameters;

    public void Prepare(PrepareContext context)
    {
        ActivationParameters p = ActivationPrepare.Unary(context, int16: true);
        _parameters = p;
        if (p.Type == TensorType.Float32) return;

        Tensor input = context.Input(0), output = context.Output(0);
        if (p.Type == TensorType.Int16)
        {
            ElementwiseChecks.RequireZeroPoint(context, input, "input", 0);
            ElementwiseChecks.RequireZeroPoint(context, output, "output", 0);
        }
        (int typeMin, int typeMax) = ActivationRange.TypeLimits(p.Type);
        _parameters = ActivationPrepare.TwoSlopes(p, input, output, alpha: 0f, Math.Max(typeMin, output.ZeroPoint), typeMax);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_parameters.Type)
        {
            case TensorType.Float32: ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), default(FloatRelu)); break;
            case TensorType.Int8: ElementwiseDriver.Unary(context.Input<sbyte>(0), context.Output<sbyte>(0), new QuantizedTwoSlopes<sbyte>(_parameters)); break;
            default: ElementwiseDriver.Unary(context.Input<short>(0), context.Output<short>(0), new QuantizedTwoSlopes<short>(_parameters)); break;
        }
    }

    private readonly struct FloatRelu : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => x < 0f ? 0f : x;
    }
}
