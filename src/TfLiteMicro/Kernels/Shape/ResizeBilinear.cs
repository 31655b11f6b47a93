using System.Runtime.InteropServices;

namespace TfLiteMicro.Kernels;

/// <summary>
/// RESIZE_BILINEAR (NHWC): float32 interpolates in float; int8 in 10-bit fixed point with TFLM's rounding
/// (round half away from zero, then truncating division).
/// </summary>
internal sealed class ResizeBilinear : IKernel
{
    private int _batches, _inH, _inW, _depth, _outH, _outW;
    private bool _alignCorners, _halfPixel, _float;

    public void Prepare(PrepareContext context)
    {
        Tensor input = context.Input(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8);
        (_outH, _outW) = ResizeLayout.Prepare(context);
        ResizeBilinearOptions options = ResizeBilinearOptions.Read(context);
        _alignCorners = options.AlignCorners;
        _halfPixel = options.HalfPixelCenters;
        if (_alignCorners && _halfPixel) throw context.Error("align_corners and half_pixel_centers cannot both be set");
        _batches = input.Dim(0);
        _inH = input.Dim(1);
        _inW = input.Dim(2);
        _depth = input.Dim(3);
        if (_inH <= 0 || _inW <= 0) throw context.Error("input height and width must be positive");
        _float = input.Type == TensorType.Float32;
    }

    public void Invoke(InvokeContext context)
    {
        if (_float) Run<float, float, FloatBlend>(context.Input<float>(0), context.Output<float>(0), new FloatBlend(this));
        else Run<sbyte, long, FixedPointBlend>(context.Input<sbyte>(0), context.Output<sbyte>(0), new FixedPointBlend(this));
    }

    /// <summary>Each output pixel from its four nearest input pixels, one channel at a time.</summary>
    private void Run<T, TWeight, TBlend>(ReadOnlySpan<T> input, Span<T> output, TBlend blend) where TBlend : struct, IBlend<T, TWeight>
    {
        int d = _depth;
        for (int b = 0; b < _batches; b++)
            for (int y = 0; y < _outH; y++)
            {
                TWeight dy = blend.Place(y, height: true, out int y0, out int y1);
                for (int x = 0; x < _outW; x++)
                {
                    TWeight dx = blend.Place(x, height: false, out int x0, out int x1);
                    int r00 = ((b * _inH + y0) * _inW + x0) * d, r10 = ((b * _inH + y1) * _inW + x0) * d;
                    int r01 = ((b * _inH + y0) * _inW + x1) * d, r11 = ((b * _inH + y1) * _inW + x1) * d;
                    int o = ((b * _outH + y) * _outW + x) * d;
                    for (int c = 0; c < d; c++)
                        output[o + c] = blend.Blend(input[r00 + c], input[r10 + c], input[r01 + c], input[r11 + c], dy, dx);
                }
            }
    }

    /// <summary>The arithmetic of one element type: where an output coordinate falls, and the weighted sum of four pixels.</summary>
    private interface IBlend<T, TWeight>
    {
        /// <summary>The input neighbours of output coordinate <paramref name="value"/> and the upper one's weight.</summary>
        TWeight Place(int value, bool height, out int lower, out int upper);

        /// <summary>The pixels above-left, below-left, above-right and below-right, weighted by the distances below and right.</summary>
        T Blend(T v00, T v10, T v01, T v11, TWeight dy, TWeight dx);
    }

    /// <summary>Float32: coordinates and weights in float.</summary>
    private readonly struct FloatBlend : IBlend<float, float>
    {
        private readonly float _hScale, _wScale;
        private readonly int _inH, _inW;
        private readonly bool _halfPixel;

        public FloatBlend(ResizeBilinear kernel)
        {
            (_inH, _inW, _halfPixel) = (kernel._inH, kernel._inW, kernel._halfPixel);
            _hScale = (float)kernel._inH / kernel._outH;
            _wScale = (float)kernel._inW / kernel._outW;
            if (kernel._alignCorners && kernel._outH > 1) _hScale = (float)(kernel._inH - 1) / (kernel._outH - 1);
            if (kernel._alignCorners && kernel._outW > 1) _wScale = (float)(kernel._inW - 1) / (kernel._outW - 1);
        }

        public float Place(int value, bool height, out int lower, out int upper)
        {
            float scale = height ? _hScale : _wScale;
            int size = height ? _inH : _inW;
            float scaled = _halfPixel ? (value + 0.5f) * scale - 0.5f : value * scale;
            lower = Math.Max((int)MathF.Floor(scaled), 0);
            upper = Math.Min((int)MathF.Ceiling(scaled), size - 1);
            return scaled - lower;
        }

        public float Blend(float v00, float v10, float v01, float v11, float dy, float dx)
            => v00 * (1 - dy) * (1 - dx) + v10 * dy * (1 - dx) + v01 * (1 - dy) * dx + v11 * dy * dx;
    }

    /// <summary>Int8: coordinates in 10-bit fixed point, TFLM's rounding (half away from zero, then truncating division).</summary>
    private readonly struct FixedPointBlend : IBlend<sbyte, long>
    {
        private const int One = 1 << 10;
        private readonly int _hScale, _wScale, _inH, _inW;
        private readonly bool _halfPixel;

        public FixedPointBlend(ResizeBilinear kernel)
        {
            (_inH, _inW, _halfPixel) = (kernel._inH, kernel._inW, kernel._halfPixel);
            _hScale = (One * kernel._inH + kernel._outH / 2) / kernel._outH;
            _wScale = (One * kernel._inW + kernel._outW / 2) / kernel._outW;
            if (kernel._alignCorners && kernel._outH > 1) _hScale = (One * (kernel._inH - 1) + (kernel._outH - 1) / 2) / (kernel._outH - 1);
            if (kernel._alignCorners && kernel._outW > 1) _wScale = (One * (kernel._inW - 1) + (kernel._outW - 1) / 2) / (kernel._outW - 1);
        }

        public long Place(int value, bool height, out int lower, out int upper)
        {
            int scale = height ? _hScale : _wScale;
            int size = height ? _inH : _inW;
            int scaled = _halfPixel ? value * scale + scale / 2 - (1 << 9) : value * scale;
            lower = Math.Max(scaled / One, 0);
            upper = Math.Min((scaled + One - 1) / One, size - 1);
            return scaled - One * lower;
        }

        public sbyte Blend(sbyte v00, sbyte v10, sbyte v01, sbyte v11, long dy, long dx)
        {
            long sum = v00 * (One - dy) * (One - dx) + v10 * dy * (One - dx) + v01 * (One - dy) * dx + v11 * dy * dx;
            long round = sum > 0 ? 1 << 19 : -(1 << 19);
            return (sbyte)((sum + round) / (1 << 20));
        }
    }
}
