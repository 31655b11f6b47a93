namespace TfLiteMicro.Kernels;

/// <summary>MUL: float32, int32, int8 and int16 (symmetric) with broadcasting (up to 6-D) and a fused activation.</summary>
internal sealed class Mul : IKernel
{
    private FastBinaryNode _node;

    public void Prepare(PrepareContext context) => _node.Prepare(context, BinaryOperation.Multiply, MulOptions.Read(context).FusedActivationFunction);

    public void Invoke(InvokeContext context) => _node.Invoke(context);
}
