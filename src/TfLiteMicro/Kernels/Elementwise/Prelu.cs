using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// PRELU: x for x &gt;= 0, alpha * x below, with alpha broadcast against the input (up to 4-D); float32, int8 and
/// int16 input (int16 takes an int8 alpha), requantized to the output's scale.
/// </summary>
internal sealed class Prelu : IKernel
{
    private BroadcastShape _shape;
    private ActivationParameters _parameters;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0), alpha = context.Input(1), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input, "input", TensorType.Float32, TensorType.Int8, TensorType.Int16);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        if (input.Type == TensorType.Int16) ElementwiseChecks.RequireType(context, alpha, "alpha", TensorType.Int8);
        else ElementwiseChecks.RequireSameType(context, alpha, "alpha", input, "input");
        _shape = BroadcastShape.Create(context, output, 4, input, alpha);
        _parameters = new ActivationParameters { Type = input.Type };
        if (input.Type == TensorType.Float32) return;

        ElementwiseChecks.RequireQuantized(context, input, "input");
        ElementwiseChecks.RequireQuantized(context, alpha, "alpha");
        ElementwiseChecks.RequireQuantized(context, output, "output");
        // TFLM computes these ratios in double, unlike LEAKY_RELU's.
        (int identityMultiplier, int identityShift) = FixedPoint.QuantizeMultiplier((double)input.Scale / output.Scale);
        (int alphaMultiplier, int alphaShift) = FixedPoint.QuantizeMultiplier((double)input.Scale * alpha.Scale / output.Scale);
        _parameters = _parameters with
        {
            InputZeroPoint = input.ZeroPoint, OutputZeroPoint = output.ZeroPoint, AlphaZeroPoint = alpha.ZeroPoint,
            IdentityMultiplier = identityMultiplier, IdentityShift = identityShift, AlphaMultiplier = alphaMultiplier, AlphaShift = alphaShift,
        };
    }

    public void Invoke(InvokeContext context)
    {
        switch (_parameters.Type)
        {
            case TensorType.Float32: ElementwiseDriver.Binary(context.Input<float>(0), context.Input<float>(1), context.Output<float>(0), _shape, default(FloatPrelu)); break;
            case TensorType.Int8: ElementwiseDriver.BinaryMixed(context.Input<sbyte>(0), context.Input<sbyte>(1), context.Output<sbyte>(0), _shape, new QuantizedPrelu<sbyte>(_parameters)); break;
            default: ElementwiseDriver.BinaryMixed(context.Input<short>(0), context.Input<sbyte>(1), context.Output<short>(0), _shape, new QuantizedPrelu<short>(_parameters)); break;
        }
    }

    private readonly struct FloatPrelu : IBinaryOperator<float, float>
    {
        public float Invoke(float x, float alpha) => x >= 0f ? x : x * alpha;
    }

    private readonly struct QuantizedPrelu<T>(ActivationParameters p) : IMixedBinaryOperator<T, sbyte, T> where T : unmanaged
    {
        public T Invoke(T x, sbyte alpha)
        {
            int value = Scalar.ToInt32(x) - p.InputZeroPoint;
            int output = value >= 0
                ? FixedPoint.MultiplyByQuantizedMultiplier(value, p.IdentityMultiplier, p.IdentityShift)
                : FixedPoint.MultiplyByQuantizedMultiplier(unchecked(value * (alpha - p.AlphaZeroPoint)), p.AlphaMultiplier, p.AlphaShift);
            output = unchecked(output + p.OutputZeroPoint);
            return Scalar.Truncate<T>(Clamp.Int(output, Scalar.MinValue<T>(), Scalar.MaxValue<T>()));
        }
    }
}
