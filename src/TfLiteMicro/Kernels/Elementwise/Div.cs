namespace TfLiteMicro.Kernels;

/// <summary>DIV: float32, int32 and int8 with broadcasting (up to 5-D) and a fused activation. Integer division by zero is an error.</summary>
internal sealed class Div : IKernel
{
    private FastBinaryNode _node;

    public void Prepare(PrepareContext context) => _node.Prepare(context, BinaryOperation.Divide, DivOptions.Read(context).FusedActivationFunction);

    public void Invoke(InvokeContext context) => _node.Invoke(context);
}
