namespace TfLiteMicro.Kernels;

/// <summary>
/// MAX_POOL_2D: the largest element of each window (only elements inside the image). float32, int8 and int16.
/// Parameters: <see cref="PoolWindow"/>; reference: <see cref="PoolArithmetic"/>.
/// </summary>
internal sealed partial class MaxPool2D : IKernel
{
    private PoolWindow _window;

    public void Prepare(PrepareContext context)
    {
        _window = PoolWindow.Prepare(context, PoolKind.Max);
        PrepareOptimized(context);
    }

    public void Invoke(InvokeContext context)
    {
        if (_int8Optimized) RunInt8Optimized(context.Input<sbyte>(0), context.Output<sbyte>(0));
        else PoolArithmetic.Run(context, _window);
    }
}
