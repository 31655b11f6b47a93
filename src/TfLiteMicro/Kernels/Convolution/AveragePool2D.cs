using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// AVERAGE_POOL_2D: the mean of each window, counting only the elements inside the image. float32, int8 and int16;
/// the integer kernels round the quotient half away from zero, like TFLM's reference.
/// </summary>
public sealed partial class AveragePool2D : IKernel
{
    private PoolWindow _window;
    private TensorType _type;
    private float _floatMin, _floatMax;
    private int _quantizedMin, _quantizedMax;

    public void Prepare(PrepareContext context)
    {
        _window = PoolWindow.Prepare(context, setOutputShape: false);
        (_type, _floatMin, _floatMax, _quantizedMin, _quantizedMax) = PoolWindow.PrepareLimits(context, _window.Activation);
        PrepareOptimized(context);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32: RunFloat(context.Input<float>(0), context.Output<float>(0)); break;
            case TensorType.Int8 when _int8Optimized: RunInt8Optimized(context.Input<sbyte>(0), context.Output<sbyte>(0)); break;
            case TensorType.Int8: RunInteger(context.Input<sbyte>(0), context.Output<sbyte>(0)); break;
            case TensorType.Int16: RunInteger(context.Input<short>(0), context.Output<short>(0)); break;
        }
    }

    private void RunFloat(ReadOnlySpan<float> input, Span<float> output)
    {
        PoolWindow w = _window;
        for (int b = 0; b < w.Batches; b++)
            for (int oy = 0; oy < w.OutputHeight; oy++)
                for (int ox = 0; ox < w.OutputWidth; ox++)
                {
                    int yOrigin = oy * w.StrideHeight - w.PadHeight;
                    int xOrigin = ox * w.StrideWidth - w.PadWidth;
                    int yStart = Math.Max(0, -yOrigin), yEnd = Math.Min(w.FilterHeight, w.InputHeight - yOrigin);
                    int xStart = Math.Max(0, -xOrigin), xEnd = Math.Min(w.FilterWidth, w.InputWidth - xOrigin);
                    int outBase = ((b * w.OutputHeight + oy) * w.OutputWidth + ox) * w.Depth;
                    for (int c = 0; c < w.Depth; c++)
                    {
                        float total = 0f;
                        float count = 0f;
                        for (int fy = yStart; fy < yEnd; fy++)
                            for (int fx = xStart; fx < xEnd; fx++)
                            {
                                total += input[((b * w.InputHeight + yOrigin + fy) * w.InputWidth + xOrigin + fx) * w.Depth + c];
                                count++;
                            }
                        if (count == 0f) continue;
                        output[outBase + c] = Math.Min(Math.Max(total / count, _floatMin), _floatMax);
                    }
                }
    }

    /// <summary>The int8 and int16 kernels: an int32 sum per window, then the rounded mean, clamped.</summary>
    private void RunInteger<T>(ReadOnlySpan<T> input, Span<T> output) where T : unmanaged
    {
        PoolWindow w = _window;
        for (int b = 0; b < w.Batches; b++)
            for (int oy = 0; oy < w.OutputHeight; oy++)
                for (int ox = 0; ox < w.OutputWidth; ox++)
                {
                    int yOrigin = oy * w.StrideHeight - w.PadHeight;
                    int xOrigin = ox * w.StrideWidth - w.PadWidth;
                    int yStart = Math.Max(0, -yOrigin), yEnd = Math.Min(w.FilterHeight, w.InputHeight - yOrigin);
                    int xStart = Math.Max(0, -xOrigin), xEnd = Math.Min(w.FilterWidth, w.InputWidth - xOrigin);
                    int count = Math.Max(0, yEnd - yStart) * Math.Max(0, xEnd - xStart);
                    if (count == 0) continue;
                    int outBase = ((b * w.OutputHeight + oy) * w.OutputWidth + ox) * w.Depth;
                    for (int c = 0; c < w.Depth; c++)
                    {
                        int acc = 0;
                        for (int fy = yStart; fy < yEnd; fy++)
                            for (int fx = xStart; fx < xEnd; fx++)
                                acc += Scalar.ToInt32(input[((b * w.InputHeight + yOrigin + fy) * w.InputWidth + xOrigin + fx) * w.Depth + c]);
                        output[outBase + c] = Scalar.Truncate<T>(Math.Min(Math.Max(RoundedMean(acc, count), _quantizedMin), _quantizedMax));
                    }
                }
    }

    /// <summary>The sum divided by the count, rounded half away from zero (integer division truncates toward zero).</summary>
    private static int RoundedMean(int sum, int count)
        => sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
}
