namespace TfLiteMicro.Kernels;

/// <summary>The kernel of SUM and MEAN over the axes of an int32 axis tensor (keep_dims honoured): float32, int8, int16.</summary>
internal abstract class SumOrMean : IKernel
{
    private readonly Reduction _reduction = new();
    private readonly QuantizedReduction _quantized = new();
    private readonly bool _mean;
    private TensorType _type;

    protected SumOrMean(bool mean) => _mean = mean;

    public void Prepare(PrepareContext context)
    {
        Tensor input = context.Input(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8, TensorType.Int16);
        ShapeHelpers.RequireSameType(context, input, "input", context.Output(0), "output");
        _reduction.Prepare(context);
        _type = input.Type;
        if (_type != TensorType.Float32) _quantized.Prepare(context, _reduction, _mean);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Int8:
                _quantized.Invoke<sbyte, SumInt8>(context, _reduction, context.Input<sbyte>(0), context.Output<sbyte>(0), sbyte.MinValue, sbyte.MaxValue);
                break;
            case TensorType.Int16:
                _quantized.Invoke<short, SumInt16>(context, _reduction, context.Input<short>(0), context.Output<short>(0), short.MinValue, short.MaxValue);
                break;
            default:
                Span<int> buffer = stackalloc int[StridedCopy.MaxRank];
                ReadOnlySpan<int> strides = _reduction.Layout(context, buffer, out int count);
                Span<float> output = context.Output<float>(0);
                output.Clear();
                _reduction.Run<float, float, SumFloat>(context.Input<float>(0), strides, output);
                if (_mean && count > 0)
                    for (int i = 0; i < output.Length; i++) output[i] /= count;
                break;
        }
    }
}
