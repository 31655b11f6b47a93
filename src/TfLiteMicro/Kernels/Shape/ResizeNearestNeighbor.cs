using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>RESIZE_NEAREST_NEIGHBOR (NHWC): copies the nearest input pixel, with align_corners / half_pixel_centers.</summary>
internal sealed class ResizeNearestNeighbor : IKernel
{
    private int _batches, _inH, _inW, _outH, _outW, _pixelBytes;
    private bool _align, _half;

    public void Prepare(PrepareContext context)
    {
        Tensor input = context.Input(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8, TensorType.Int16);
        (int outH, int outW) = ResizeLayout.Prepare(context);
        ResizeNearestNeighborOptions options = ResizeNearestNeighborOptions.Read(context);
        bool align = options.AlignCorners;
        bool half = options.HalfPixelCenters;
        _batches = input.Dim(0);
        _inH = input.Dim(1);
        _inW = input.Dim(2);
        if (_inH <= 0 || _inW <= 0) throw context.Error("input height and width must be positive");
        _pixelBytes = input.Dim(3) * TensorTypes.ElementSize(input.Type);
        // The source row and column are computed while copying: tables sized by the output would let a model make
        // Prepare allocate gigabytes.
        (_outH, _outW, _align, _half) = (outH, outW, align, half);
    }

    private static int Nearest(int value, int inSize, int outSize, bool align, bool half)
    {
        float scale = align && outSize > 1 ? (inSize - 1) / (float)(outSize - 1) : inSize / (float)outSize;
        float offset = half ? 0.5f : 0f;
        float scaled = (value + offset) * scale;
        int result = Math.Min(align ? (int)FixedPoint.Round(scaled) : (int)MathF.Floor(scaled), inSize - 1);
        return Math.Max(0, result);
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<byte> input = context.Input<byte>(0);
        Span<byte> output = context.Output<byte>(0);
        int p = _pixelBytes, o = 0;
        for (int b = 0; b < _batches; b++)
            for (int y = 0; y < _outH; y++)
            {
                int row = Nearest(y, _inH, _outH, _align, _half);
                for (int x = 0; x < _outW; x++)
                {
                    int col = Nearest(x, _inW, _outW, _align, _half);
                    input.Slice(((b * _inH + row) * _inW + col) * p, p).CopyTo(output.Slice(o, p));
                    o += p;
                }
            }
    }
}
