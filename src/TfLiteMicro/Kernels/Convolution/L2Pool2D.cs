namespace TfLiteMicro.Kernels;

/// <summary>
/// L2_POOL_2D: the square root of the mean of squares over each window. float32 only, as in TFLM.
/// Parameters: <see cref="PoolWindow"/>; reference: <see cref="PoolArithmetic"/>.
/// </summary>
internal sealed class L2Pool2D : IKernel
{
    private PoolWindow _window;

    public void Prepare(PrepareContext context) => _window = PoolWindow.Prepare(context, PoolKind.L2);

    public void Invoke(InvokeContext context) => PoolArithmetic.Run(context, _window);
}
