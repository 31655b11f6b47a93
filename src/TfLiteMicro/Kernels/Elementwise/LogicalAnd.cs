namespace TfLiteMicro.Kernels;

/// <summary>LOGICAL_AND over bool tensors, with broadcasting.</summary>
internal sealed class LogicalAnd : IKernel
{
    private BroadcastShape _shape;

    public void Prepare(PrepareContext context) => _shape = LogicalBinaryPrepare.Run(context);

    public void Invoke(InvokeContext context)
        => ElementwiseDriver.Binary(context.Input<byte>(0), context.Input<byte>(1), context.Output<byte>(0), _shape, default(And));

    private readonly struct And : IBinaryOperator<byte, byte>
    {
        public byte Invoke(byte a, byte b) => a != 0 && b != 0 ? (byte)1 : (byte)0;
    }
}
