namespace TfLiteMicro.Kernels;

/// <summary>RESIZE_NEAREST_NEIGHBOR (NHWC): copies the nearest input pixel, with align_corners / half_pixel_centers.</summary>
public sealed class ResizeNearestNeighbor : IKernel
{
    private int[] _rowOf = [];
    private int[] _colOf = [];
    private int _batches, _inH, _inW, _pixelBytes;

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
        _rowOf = new int[outH];
        for (int y = 0; y < outH; y++) _rowOf[y] = Nearest(y, _inH, outH, align, half);
        _colOf = new int[outW];
        for (int x = 0; x < outW; x++) _colOf[x] = Nearest(x, _inW, outW, align, half);
    }

    private static int Nearest(int value, int inSize, int outSize, bool align, bool half)
    {
        float scale = align && outSize > 1 ? (inSize - 1) / (float)(outSize - 1) : inSize / (float)outSize;
        float offset = half ? 0.5f : 0f;
        float scaled = (value + offset) * scale;
        int result = Math.Min(align ? (int)MathF.Round(scaled, MidpointRounding.AwayFromZero) : (int)MathF.Floor(scaled), inSize - 1);
        return Math.Max(0, result);
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<byte> input = context.Input<byte>(0);
        Span<byte> output = context.Output<byte>(0);
        int p = _pixelBytes, o = 0;
        for (int b = 0; b < _batches; b++)
            foreach (int row in _rowOf)
                foreach (int col in _colOf)
                {
                    input.Slice(((b * _inH + row) * _inW + col) * p, p).CopyTo(output.Slice(o, p));
                    o += p;
                }
    }
}
