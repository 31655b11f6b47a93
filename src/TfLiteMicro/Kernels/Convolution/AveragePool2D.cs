namespace TfLiteMicro.Kernels;

/// <summary>
/// AVERAGE_POOL_2D: the mean of each window, counting only the elements inside the image. float32, int8 and int16;
/// the integer kernels round the quotient half away from zero, like TFLM's reference.
/// Parameters: <see cref="PoolWindow"/>; reference: <see cref="PoolArithmetic"/>.
/// </summary>
internal sealed partial class AveragePool2D : IKernel
{
    private PoolWindow _window;

    public void Prepare(PrepareContext context)
    {
        _window = PoolWindow.Prepare(context, PoolKind.Average);
        PrepareOptimized(context);
    }

    public void Invoke(InvokeContext context)
    {
        if (_int8Optimized) RunInt8Optimized(context.Input<sbyte>(0), context.Output<sbyte>(0));
        else PoolArithmetic.Run(context, _window);
    }
}
