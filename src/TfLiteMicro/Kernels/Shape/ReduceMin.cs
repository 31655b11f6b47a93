namespace TfLiteMicro.Kernels;

/// <summary>REDUCE_MIN over the axes of an int32 axis tensor: float32, and int8 with equal input/output quantization.</summary>
internal sealed class ReduceMin : IKernel
{
    private readonly Reduction _reduction = new();
    private bool _float;

    public void Prepare(PrepareContext context)
    {
        _float = MinMaxChecks.Prepare(context, _reduction);
    }

    public void Invoke(InvokeContext context)
    {
        Span<int> buffer = stackalloc int[StridedCopy.MaxRank];
        ReadOnlySpan<int> strides = _reduction.Layout(context, buffer, out _);
        if (_float)
        {
            Span<float> output = context.Output<float>(0);
            output.Fill(float.MaxValue);
            _reduction.Run<float, float, MinFloat>(context.Input<float>(0), strides, output);
        }
        else
        {
            Span<sbyte> output = context.Output<sbyte>(0);
            output.Fill(sbyte.MaxValue);
            _reduction.Run<sbyte, sbyte, MinInt8>(context.Input<sbyte>(0), strides, output);
        }
    }
}
