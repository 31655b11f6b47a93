using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// PRELU: x for x &gt;= 0, alpha * x below, with alpha broadcast against the input (up to 4-D); float32, int8 and
/// int16 input (int16 takes an int8 alpha), requantized to the output's scale.
/// </summary>
internal sealed class Prelu : IKernel
{
    private TensorType _type;
    private BroadcastShape _shape;
    private QuantizedPrelu<sbyte> _int8;
    private QuantizedPrelu<short> _int16;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0), alpha = context.Input(1), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input, "input", TensorType.Float32, TensorType.Int8, TensorType.Int16);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        if (input.Type == TensorType.Int16) ElementwiseChecks.RequireType(context, alpha, "alpha", TensorType.Int8);
        else ElementwiseChecks.RequireSameType(context, alpha, "alpha", input, "input");
        _type = input.Type;
        _shape = BroadcastShape.Create(context, output, 4, input, alpha);
        if (_type == TensorType.Float32) return;

        ElementwiseChecks.RequireQuantized(context, input, "input");
        ElementwiseChecks.RequireQuantized(context, alpha, "alpha");
        ElementwiseChecks.RequireQuantized(context, output, "output");
        (int m1, int s1) = FixedPoint.QuantizeMultiplier((double)input.Scale / output.Scale);
        (int m2, int s2) = FixedPoint.QuantizeMultiplier((double)input.Scale * alpha.Scale / output.Scale);
        _int8 = new QuantizedPrelu<sbyte>(-input.ZeroPoint, -alpha.ZeroPoint, output.ZeroPoint, m1, s1, m2, s2);
        _int16 = new QuantizedPrelu<short>(-input.ZeroPoint, -alpha.ZeroPoint, output.ZeroPoint, m1, s1, m2, s2);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32: ElementwiseDriver.Binary(context.Input<float>(0), context.Input<float>(1), context.Output<float>(0), _shape, default(FloatPrelu)); break;
            case TensorType.Int8: ElementwiseDriver.Binary(context.Input<sbyte>(0), context.Input<sbyte>(1), context.Output<sbyte>(0), _shape, _int8); break;
            default: ElementwiseDriver.BinaryMixed(context.Input<short>(0), context.Input<sbyte>(1), context.Output<short>(0), _shape, _int16); break;
        }
    }

    private readonly struct FloatPrelu : IBinaryOperator<float, float>
    {
        public float Invoke(float x, float alpha) => x >= 0f ? x : x * alpha;
    }

    private readonly struct QuantizedPrelu<T>(int inputOffset, int alphaOffset, int outputOffset, int multiplier1, int shift1, int multiplier2, int shift2)
        : IBinaryOperator<T, T>, IMixedBinaryOperator<T, sbyte, T> where T : unmanaged
    {
        public T Invoke(T x, T alpha) => Apply(Scalar.ToInt32(x), Scalar.ToInt32(alpha));

        public T Invoke(T x, sbyte alpha) => Apply(Scalar.ToInt32(x), alpha);

        private T Apply(int x, int alpha)
        {
            int value = inputOffset + x;
            int output = value >= 0
                ? FixedPoint.MultiplyByQuantizedMultiplier(value, multiplier1, shift1)
                : FixedPoint.MultiplyByQuantizedMultiplier(unchecked(value * (alphaOffset + alpha)), multiplier2, shift2);
            output = unchecked(output + outputOffset);
            return Scalar.Truncate<T>(Clamp.Int(output, Scalar.MinValue<T>(), Scalar.MaxValue<T>()));
        }
    }
}
