namespace TfLiteMicro.Kernels;

/// <summary>SUB: float32, int32, int8 and int16 with broadcasting (up to 6-D) and a fused activation.</summary>
internal sealed class Sub : IKernel
{
    private FastBinaryNode _node;

    public void Prepare(PrepareContext context) => _node.Prepare(context, BinaryOperation.Subtract, SubOptions.Read(context).FusedActivationFunction);

    public void Invoke(InvokeContext context) => _node.Invoke(context);
}
