using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>RELU6: min(max(x, 0), 6) over float32, int8 and int16; quantized values clamp in the input's scale.</summary>
internal sealed class Relu6 : IKernel
{
    private TensorType _type;
    private int _zero, _six;

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
        (int typeMin, int typeMax) = Quantization.ActivationRange.TypeLimits(_type);
        _zero = Math.Clamp(input.ZeroPoint, typeMin, typeMax);
        _six = (int)Math.Clamp((long)FixedPoint.Round(6f / input.Scale) + input.ZeroPoint, typeMin, typeMax);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32: ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), default(FloatRelu6)); break;
            case TensorType.Int8: ElementwiseDriver.Unary(context.Input<sbyte>(0), context.Output<sbyte>(0), new Between<sbyte>((sbyte)_zero, (sbyte)_six)); break;
            default: ElementwiseDriver.Unary(context.Input<short>(0), context.Output<short>(0), new Between<short>((short)_zero, (short)_six)); break;
        }
    }

    private readonly struct FloatRelu6 : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => x > 6f ? 6f : x < 0f ? 0f : x;
    }

    private readonly struct Between<T>(T lower, T upper) : IUnaryOperator<T, T> where T : unmanaged
    {
        public T Invoke(T x) => Scalar.Less(upper, x) ? upper : Scalar.Less(x, lower) ? lower : x;
    }
}
