namespace TfLiteMicro.Kernels;

/// <summary>LOGICAL_NOT over a bool tensor.</summary>
internal sealed class LogicalNot : IKernel
{
    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input, "input", TensorType.Bool);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        ElementwiseChecks.RequireSameShape(context, input, "input", output, "output");
    }

    public void Invoke(InvokeContext context)
        => ElementwiseDriver.Unary(context.Input<byte>(0), context.Output<byte>(0), default(Not));

    private readonly struct Not : IUnaryOperator<byte, byte>
    {
        public byte Invoke(byte x) => x == 0 ? (byte)1 : (byte)0;
    }
}
