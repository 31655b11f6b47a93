namespace TfLiteMicro.Kernels;

/// <summary>
/// The shell of AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D: prepare <see cref="PoolWindow"/>, let the op choose a fast
/// path (its *.Simd.cs half), otherwise run <see cref="PoolArithmetic"/>.
/// </summary>
internal abstract class PoolKernel(PoolKind kind) : IKernel
{
    private PoolWindow _window;

    /// <summary>The parameters Prepare computed (by reference: the record is large, and Invoke only reads it).</summary>
    protected ref readonly PoolWindow Window => ref _window;

    public void Prepare(PrepareContext context)
    {
        _window = PoolWindow.Prepare(context, kind);
        PrepareOptimized(context);
    }

    public void Invoke(InvokeContext context)
    {
        if (!RunOptimized(context)) PoolArithmetic.Run(context, Window);
    }

    /// <summary>Chooses the op's fast path, if any, for <see cref="Window"/>.</summary>
    protected virtual void PrepareOptimized(PrepareContext context) { }

    /// <summary>Runs the fast path chosen in Prepare and returns true, or returns false for the reference.</summary>
    protected virtual bool RunOptimized(InvokeContext context) => false;
}

/// <summary>AVERAGE_POOL_2D: the mean of each window, counting only the elements inside the image (float32, int8, int16).</summary>
internal sealed partial class AveragePool2D() : PoolKernel(PoolKind.Average);

/// <summary>MAX_POOL_2D: the largest element of each window, only elements inside the image (float32, int8, int16).</summary>
internal sealed partial class MaxPool2D() : PoolKernel(PoolKind.Max);

/// <summary>L2_POOL_2D: the square root of the mean of squares over each window (float32 only, as in TFLM).</summary>
internal sealed class L2Pool2D() : PoolKernel(PoolKind.L2);
