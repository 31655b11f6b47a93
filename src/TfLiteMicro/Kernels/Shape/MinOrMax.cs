namespace TfLiteMicro.Kernels;

/// <summary>
/// The kernel of REDUCE_MAX and REDUCE_MIN over the axes of an int32 axis tensor: float32, and int8 with equal input
/// and output quantization. The output starts at the identity of the step (the lowest value for a maximum).
/// </summary>
internal abstract class MinOrMax<TFloatStep, TInt8Step>(float floatStart, sbyte int8Start) : IKernel
    where TFloatStep : struct, IReduceStep<float, float> where TInt8Step : struct, IReduceStep<sbyte, sbyte>
{
    private readonly Reduction _reduction = new();
    private bool _float;

    public void Prepare(PrepareContext context)
    {
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        if (input.Type == TensorType.Int8 && (input.Scale != output.Scale || input.ZeroPoint != output.ZeroPoint))
            throw context.Error("int8 input and output must share scale and zero point");
        _reduction.Prepare(context);
        _float = input.Type == TensorType.Float32;
    }

    public void Invoke(InvokeContext context)
    {
        Span<int> buffer = stackalloc int[StridedCopy.MaxRank];
        ReadOnlySpan<int> strides = _reduction.Layout(context, buffer, out _);
        if (_float)
        {
            Span<float> output = context.Output<float>(0);
            output.Fill(floatStart);
            _reduction.Run<float, float, TFloatStep>(context.Input<float>(0), strides, output);
        }
        else
        {
            Span<sbyte> output = context.Output<sbyte>(0);
            output.Fill(int8Start);
            _reduction.Run<sbyte, sbyte, TInt8Step>(context.Input<sbyte>(0), strides, output);
        }
    }
}
