using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>L2_POOL_2D: the square root of the mean of squares over each window. float32 only, as in TFLM.</summary>
public sealed class L2Pool2D : IKernel
{
    private PoolWindow _window;
    private float _floatMin, _floatMax;

    public void Prepare(PrepareContext context)
    {
        Tensor input = context.Input(0);
        if (input.Type != TensorType.Float32) throw context.UnsupportedType("input", input.Type);
        // TFLM writes the computed output shape into the output tensor.
        _window = PoolWindow.Prepare(context, setOutputShape: true);
        (_floatMin, _floatMax) = ActivationRange.Float(_window.Activation);
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<float> input = context.Input<float>(0);
        Span<float> output = context.Output<float>(0);
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
                        float sumSquares = 0f;
                        int count = 0;
                        for (int fy = yStart; fy < yEnd; fy++)
                            for (int fx = xStart; fx < xEnd; fx++)
                            {
                                float v = input[((b * w.InputHeight + yOrigin + fy) * w.InputWidth + xOrigin + fx) * w.Depth + c];
                                sumSquares += v * v;
                                count++;
                            }
                        float result = MathF.Sqrt(sumSquares / count);
                        output[outBase + c] = Math.Min(Math.Max(result, _floatMin), _floatMax);
                    }
                }
    }
}
