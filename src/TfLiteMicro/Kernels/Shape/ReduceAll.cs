namespace TfLiteMicro.Kernels;

/// <summary>REDUCE_ALL: logical AND of bool elements over the axes of an int32 axis tensor.</summary>
internal sealed class ReduceAll : IKernel
{
    private readonly Reduction _reduction = new();

    public void Prepare(PrepareContext context)
    {
        Tensor input = context.Input(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Bool);
        ShapeHelpers.RequireSameType(context, input, "input", context.Output(0), "output");
        _reduction.Prepare(context);
    }

    public void Invoke(InvokeContext context)
    {
        Span<int> buffer = stackalloc int[StridedCopy.MaxRank];
        ReadOnlySpan<int> strides = _reduction.Layout(context, buffer, out _);
        Span<byte> output = context.Output<byte>(0);
        output.Fill(1);
        _reduction.Run<byte, byte, AllBool>(context.Input<byte>(0), strides, output);
    }
}
