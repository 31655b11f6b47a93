namespace TfLiteMicro.Kernels;

/// <summary>MINIMUM: float32, int8, int16, int32 and int64 with broadcasting (up to 5-D); quantized values compare raw, as in TFLite.</summary>
internal sealed class Minimum : IKernel
{
    private FastBinaryNode _node;

    public void Prepare(PrepareContext context) => _node.Prepare(context, BinaryOperation.Minimum);

    public void Invoke(InvokeContext context) => _node.Invoke(context);
}
