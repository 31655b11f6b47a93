using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>MAX_POOL_2D: the largest element of each window (only elements inside the image). float32, int8 and int16.</summary>
public sealed partial class MaxPool2D : IKernel
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
                        float max = float.MinValue;
                        for (int fy = yStart; fy < yEnd; fy++)
                            for (int fx = xStart; fx < xEnd; fx++)
                            {
                                float v = input[((b * w.InputHeight + yOrigin + fy) * w.InputWidth + xOrigin + fx) * w.Depth + c];
                                // Written as the reference's std::max(max, v), which keeps max when v is NaN.
                                if (max < v) max = v;
                            }
                        output[outBase + c] = Math.Min(Math.Max(max, _floatMin), _floatMax);
                    }
                }
    }

    /// <summary>The int8 and int16 kernels: the window's maximum (the type's minimum for an empty window), clamped.</summary>
    private void RunInteger<T>(ReadOnlySpan<T> input, Span<T> output) where T : unmanaged
    {
        PoolWindow w = _window;
        int lowest = Scalar.MinValue<T>();
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
                        int max = lowest;
                        for (int fy = yStart; fy < yEnd; fy++)
                            for (int fx = xStart; fx < xEnd; fx++)
                                max = Math.Max(max, Scalar.ToInt32(input[((b * w.InputHeight + yOrigin + fy) * w.InputWidth + xOrigin + fx) * w.Depth + c]));
                        output[outBase + c] = Scalar.Truncate<T>(Math.Min(Math.Max(max, _quantizedMin), _quantizedMax));
                    }
                }
    }
}
