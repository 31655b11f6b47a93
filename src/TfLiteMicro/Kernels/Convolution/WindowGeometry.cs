namespace TfLiteMicro.Kernels;

/// <summary>
/// Output size and leading padding of one spatial dimension of a convolution or pooling window, computed the way
/// TensorFlow's GetWindowedOutputSize does. Shared by the convolution and pooling kernels.
/// </summary>
internal readonly record struct WindowGeometry(int OutputSize, int Padding)
{
    /// <summary>
    /// Computes the output size and the padding before the first element; throws a <see cref="KernelException"/>
    /// through <paramref name="context"/> when the parameters make no sense (non-positive stride, filter or dilation,
    /// unknown padding, a negative or overflowing size).
    /// </summary>
    public static WindowGeometry Compute(PrepareContext context, string dimension, PaddingKind padding, int inputSize, int filterSize, int stride, int dilation)
    {
        if (padding is not (PaddingKind.Same or PaddingKind.Valid))
            throw context.Error($"padding {(int)padding} is not SAME (0) or VALID (1)");
        if (stride <= 0) throw context.Error($"{dimension} stride {stride} must be positive");
        if (dilation <= 0) throw context.Error($"{dimension} dilation {dilation} must be positive");
        if (filterSize <= 0) throw context.Error($"{dimension} filter size {filterSize} must be positive");
        if (inputSize < 0) throw context.Error($"{dimension} input size {inputSize} is negative");

        long effectiveFilter = (long)(filterSize - 1) * dilation + 1;
        long output = padding == PaddingKind.Same
            ? ((long)inputSize + stride - 1) / stride
            : ((long)inputSize + stride - effectiveFilter) / stride;
        if (output < 0)
            throw context.Error($"{dimension}: a filter of {effectiveFilter} (dilated) does not fit an input of {inputSize} with VALID padding");
        long total = (output - 1) * stride + effectiveFilter - inputSize;
        if (total < 0) total = 0;
        if (output > int.MaxValue || total / 2 > int.MaxValue)
            throw context.Error($"{dimension}: window parameters overflow");
        return new WindowGeometry((int)output, (int)(total / 2));
    }
}
