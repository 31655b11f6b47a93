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
        if (_float) InvokeFloat(context.Input<float>(0), context.Output<float>(0));
        else InvokeInt8(context.Input<sbyte>(0), context.Output<sbyte>(0));
    }

    private static void Interpolation(int value, float scale, bool halfPixel, int size, out float scaled, out int lower, out int upper)
    {
        scaled = halfPixel ? (value + 0.5f) * scale - 0.5f : value * scale;
        float floor = MathF.Floor(scaled);
        lower = Math.Max((int)floor, 0);
        upper = Math.Min((int)MathF.Ceiling(scaled), size - 1);
    }

    private void InvokeFloat(ReadOnlySpan<float> input, Span<float> output)
    {
        float hScale = (float)_inH / _outH, wScale = (float)_inW / _outW;
        if (_alignCorners && _outH > 1) hScale = (float)(_inH - 1) / (_outH - 1);
        if (_alignCorners && _outW > 1) wScale = (float)(_inW - 1) / (_outW - 1);
        int d = _depth;
        for (int b = 0; b < _batches; b++)
            for (int y = 0; y < _outH; y++)
            {
                Interpolation(y, hScale, _halfPixel, _inH, out float inY, out int y0, out int y1);
                for (int x = 0; x < _outW; x++)
                {
                    Interpolation(x, wScale, _halfPixel, _inW, out float inX, out int x0, out int x1);
                    int r00 = ((b * _inH + y0) * _inW + x0) * d, r10 = ((b * _inH + y1) * _inW + x0) * d;
                    int r01 = ((b * _inH + y0) * _inW + x1) * d, r11 = ((b * _inH + y1) * _inW + x1) * d;
                    int o = ((b * _outH + y) * _outW + x) * d;
                    float dy = inY - y0, dx = inX - x0;
                    for (int c = 0; c < d; c++)
                    {
                        float v = input[r00 + c] * (1 - dy) * (1 - dx)
                                + input[r10 + c] * dy * (1 - dx)
                                + input[r01 + c] * (1 - dy) * dx
                                + input[r11 + c] * dy * dx;
                        output[o + c] = v;
                    }
                }
            }
    }

    private static void InterpolationInteger(int value, int scale10, bool halfPixel, int size, out int scaled, out int lower, out int upper)
    {
        scaled = halfPixel ? value * scale10 + scale10 / 2 - (1 << 9) : value * scale10;
        lower = Math.Max(scaled / (1 << 10), 0);
        upper = Math.Min((scaled + (1 << 10) - 1) / (1 << 10), size - 1);
    }

    private void InvokeInt8(ReadOnlySpan<sbyte> input, Span<sbyte> output)
    {
        int hScale = ((1 << 10) * _inH + _outH / 2) / _outH;
        int wScale = ((1 << 10) * _inW + _outW / 2) / _outW;
        if (_alignCorners && _outH > 1) hScale = ((1 << 10) * (_inH - 1) + (_outH - 1) / 2) / (_outH - 1);
        if (_alignCorners && _outW > 1) wScale = ((1 << 10) * (_inW - 1) + (_outW - 1) / 2) / (_outW - 1);
        int d = _depth;
        for (int b = 0; b < _batches; b++)
            for (int y = 0; y < _outH; y++)
            {
                InterpolationInteger(y, hScale, _halfPixel, _inH, out int inY, out int y0, out int y1);
                for (int x = 0; x < _outW; x++)
                {
                    InterpolationInteger(x, wScale, _halfPixel, _inW, out int inX, out int x0, out int x1);
                    int r00 = ((b * _inH + y0) * _inW + x0) * d, r10 = ((b * _inH + y1) * _inW + x0) * d;
                    int r01 = ((b * _inH + y0) * _inW + x1) * d, r11 = ((b * _inH + y1) * _inW + x1) * d;
                    int o = ((b * _outH + y) * _outW + x) * d;
                    long fy = inY - (1 << 10) * y0, fx = inX - (1 << 10) * x0;
                    for (int c = 0; c < d; c++)
                    {
                        long sum = input[r00 + c] * ((1 << 10) - fy) * ((1 << 10) - fx)
                                 + input[r10 + c] * fy * ((1 << 10) - fx)
                                 + input[r01 + c] * ((1 << 10) - fy) * fx
                                 + input[r11 + c] * fy * fx;
                        long round = sum > 0 ? 1 << 19 : -(1 << 19);
                        output[o + c] = (sbyte)((sum + round) / (1 << 20));
                    }
                }
            }
    }
}
