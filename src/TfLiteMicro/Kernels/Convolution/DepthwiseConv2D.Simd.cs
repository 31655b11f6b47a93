using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The optimized int8 path of DEPTHWISE_CONV_2D (depth multiplier 1, or a single input channel), chosen in Prepare: sixteen channels at a time,
/// (x + inputOffset) * w as exact 16-bit products summed in 32 bits, taps outside the input skipped as the reference
/// does, then vector requantization. Same bytes as the reference.
/// </summary>
public sealed partial class DepthwiseConv2D
{
    private SimdLevel _level;
    private bool _int8Optimized;

    private bool _floatOptimized;

    private void PrepareOptimized(PrepareContext context, int[] multipliers, int[] shifts)
    {
        _level = Simd.For(context);
        _int8Optimized = false;
        _floatOptimized = _level != SimdLevel.Reference && _mode == Mode.Float32;
        // Output channel c reads input channel c / multiplier: vectors along the channels need a multiplier of one,
        // or a single input channel (then broadcast to every output channel).
        if (_depthMultiplier != 1 && _inputDepth != 1) { _floatOptimized = false; return; }
        if (_level < SimdLevel.Avx2 || _mode != Mode.Int8) return;
        if (!Int8Requantizer.CanVectorize(_level, multipliers, shifts)) return;
        Tensor filter = context.Input(1);
        if (_unpackedFilterScratch < 0 && filter.ByteCount < (long)_filterHeight * _filterWidth * _outputDepth) return;
        _int8Optimized = true;
    }

    private void RunInt8Optimized(InvokeContext context)
    {
        ReadOnlySpan<sbyte> input = context.Input<sbyte>(0);
        ReadOnlySpan<sbyte> filter = ConvolutionSetup.Filter(context, 1, _unpackedFilterScratch);
        ReadOnlySpan<int> bias = _hasBias ? context.Input<int>(2) : default;
        Span<sbyte> output = context.Output<sbyte>(0);
        int channels = _outputDepth;
        // A single input channel is broadcast to all output channels (pixel stride 1, no channel offset).
        bool broadcast = _inputDepth == 1 && channels > 1;
        int stride = broadcast ? 1 : channels;
        if (input.Length < _batches * _inputHeight * _inputWidth * _inputDepth || filter.Length < _filterHeight * _filterWidth * channels
            || output.Length < _batches * _outputHeight * _outputWidth * channels || (!bias.IsEmpty && bias.Length < channels))
            throw context.Error("tensor data is shorter than its shape");
        ref sbyte x = ref MemoryMarshal.GetReference(input);
        ref sbyte w = ref MemoryMarshal.GetReference(filter);
        ref int biasRef = ref MemoryMarshal.GetReference(bias);
        bool hasBias = !bias.IsEmpty;
        var requantizer = new Int8Requantizer(_scales.Multipliers(context), _scales.Shifts(context), _outputOffset, _quantizedMin, _quantizedMax, vector: true);
        Vector256<short> offset16 = Vector256.Create((short)_inputOffset);
        Vector128<short> offset8 = Vector128.Create((short)_inputOffset);
        int o = 0;
        for (int b = 0; b < _batches; b++)
        {
            for (int oy = 0; oy < _outputHeight; oy++)
            {
                int yOrigin = oy * _strideHeight - _padHeight;
                int fyStart = FirstInside(yOrigin, _dilationHeight);
                int fyEnd = EndInside(yOrigin, _dilationHeight, _filterHeight, _inputHeight);
                for (int ox = 0; ox < _outputWidth; ox++, o += channels)
                {
                    int xOrigin = ox * _strideWidth - _padWidth;
                    int fxStart = FirstInside(xOrigin, _dilationWidth);
                    int fxEnd = EndInside(xOrigin, _dilationWidth, _filterWidth, _inputWidth);
                    ref sbyte destination = ref MemoryMarshal.GetReference(output.Slice(o, channels));
                    int c = 0;
                    for (; c + 16 <= channels; c += 16)
                    {
                        Vector256<int> a0 = hasBias ? Vector256.LoadUnsafe(ref biasRef, (nuint)c) : default;
                        Vector256<int> a1 = hasBias ? Vector256.LoadUnsafe(ref biasRef, (nuint)(c + 8)) : default;
                        for (int fy = fyStart; fy < fyEnd; fy++)
                        {
                            int iy = yOrigin + _dilationHeight * fy;
                            int pixel = ((b * _inputHeight + iy) * _inputWidth + xOrigin) * stride + (broadcast ? 0 : c);
                            int weight = fy * _filterWidth * channels + c;
                            for (int fx = fxStart; fx < fxEnd; fx++)
                            {
                                Vector256<short> xv = broadcast
                                    ? Vector256.Create((short)(Unsafe.Add(ref x, pixel + _dilationWidth * fx) + _inputOffset))
                                    : Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, (nuint)(pixel + _dilationWidth * fx * stride))) + offset16;
                                Vector256<short> wv = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)(weight + fx * channels)));
                                Vector256<short> p = Avx2.MultiplyLow(xv, wv);
                                a0 = Avx2.Add(a0, Avx2.ConvertToVector256Int32(p.GetLower()));
                                a1 = Avx2.Add(a1, Avx2.ConvertToVector256Int32(p.GetUpper()));
                            }
                        }
                        Int8Requantizer.Store8(requantizer.Apply8(a0, c), ref Unsafe.Add(ref destination, c));
                        Int8Requantizer.Store8(requantizer.Apply8(a1, c + 8), ref Unsafe.Add(ref destination, c + 8));
                    }
                    for (; c + 8 <= channels; c += 8)
                    {
                        Vector256<int> a0 = hasBias ? Vector256.LoadUnsafe(ref biasRef, (nuint)c) : default;
                        for (int fy = fyStart; fy < fyEnd; fy++)
                        {
                            int iy = yOrigin + _dilationHeight * fy;
                            int pixel = ((b * _inputHeight + iy) * _inputWidth + xOrigin) * stride + (broadcast ? 0 : c);
                            int weight = fy * _filterWidth * channels + c;
                            for (int fx = fxStart; fx < fxEnd; fx++)
                            {
                                Vector128<short> xv = broadcast
                                    ? Vector128.Create((short)(Unsafe.Add(ref x, pixel + _dilationWidth * fx) + _inputOffset))
                                    : Sse41.ConvertToVector128Int16(Load8(ref x, pixel + _dilationWidth * fx * stride)) + offset8;
                                Vector128<short> wv = Sse41.ConvertToVector128Int16(Load8(ref w, weight + fx * channels));
                                a0 = Avx2.Add(a0, Avx2.ConvertToVector256Int32(Sse2.MultiplyLow(xv, wv)));
                            }
                        }
                        Int8Requantizer.Store8(requantizer.Apply8(a0, c), ref Unsafe.Add(ref destination, c));
                    }
                    for (; c < channels; c++)
                    {
                        int acc = hasBias ? Unsafe.Add(ref biasRef, c) : 0;
                        for (int fy = fyStart; fy < fyEnd; fy++)
                        {
                            int iy = yOrigin + _dilationHeight * fy;
                            int pixel = ((b * _inputHeight + iy) * _inputWidth + xOrigin) * stride + (broadcast ? 0 : c);
                            int weight = fy * _filterWidth * channels + c;
                            for (int fx = fxStart; fx < fxEnd; fx++)
                                acc += Unsafe.Add(ref w, weight + fx * channels) * (Unsafe.Add(ref x, pixel + _dilationWidth * fx * stride) + _inputOffset);
                        }
                        Unsafe.Add(ref destination, c) = requantizer.Apply1(acc, c);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Float: eight channels at a time, each channel's taps added in the reference's order with
    /// separate multiply and add, then the bias: the reference's exact sums.
    /// </summary>
    private void RunFloatOptimized(InvokeContext context)
    {
        ReadOnlySpan<float> input = context.Input<float>(0);
        ReadOnlySpan<float> filter = context.Input<float>(1);
        ReadOnlySpan<float> bias = _hasBias ? context.Input<float>(2) : default;
        Span<float> output = context.Output<float>(0);
        int channels = _outputDepth;
        // A single input channel is broadcast to all output channels (pixel stride 1, no channel offset).
        bool broadcast = _inputDepth == 1 && channels > 1;
        int stride = broadcast ? 1 : channels;
        if (input.Length < _batches * _inputHeight * _inputWidth * _inputDepth || filter.Length < _filterHeight * _filterWidth * channels
            || output.Length < _batches * _outputHeight * _outputWidth * channels || (!bias.IsEmpty && bias.Length < channels))
            throw context.Error("tensor data is shorter than its shape");
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float w = ref MemoryMarshal.GetReference(filter);
        bool hasBias = !bias.IsEmpty;
        Vector256<float> min = Vector256.Create(_floatMin), max = Vector256.Create(_floatMax);
        bool wide = Vector256.IsHardwareAccelerated && _level >= SimdLevel.Avx2;
        int o = 0;
        for (int b = 0; b < _batches; b++)
        {
            for (int oy = 0; oy < _outputHeight; oy++)
            {
                int yOrigin = oy * _strideHeight - _padHeight;
                int fyStart = FirstInside(yOrigin, _dilationHeight);
                int fyEnd = EndInside(yOrigin, _dilationHeight, _filterHeight, _inputHeight);
                for (int ox = 0; ox < _outputWidth; ox++, o += channels)
                {
                    int xOrigin = ox * _strideWidth - _padWidth;
                    int fxStart = FirstInside(xOrigin, _dilationWidth);
                    int fxEnd = EndInside(xOrigin, _dilationWidth, _filterWidth, _inputWidth);
                    Span<float> destination = output.Slice(o, channels);
                    int c = 0;
                    if (wide)
                    {
                        for (; c + 8 <= channels; c += 8)
                        {
                            Vector256<float> acc = default;
                            for (int fy = fyStart; fy < fyEnd; fy++)
                            {
                                int pixel = ((b * _inputHeight + yOrigin + _dilationHeight * fy) * _inputWidth + xOrigin) * stride + (broadcast ? 0 : c);
                                int weight = fy * _filterWidth * channels + c;
                                for (int fx = fxStart; fx < fxEnd; fx++)
                                    acc += (broadcast ? Vector256.Create(Unsafe.Add(ref x, pixel + _dilationWidth * fx)) : Vector256.LoadUnsafe(ref x, (nuint)(pixel + _dilationWidth * fx * stride)))
                                        * Vector256.LoadUnsafe(ref w, (nuint)(weight + fx * channels));
                            }
                            if (hasBias) acc += Vector256.Create(bias.Slice(c, 8));
                            Vector256.Min(Vector256.Max(acc, min), max).CopyTo(destination.Slice(c, 8));
                        }
                    }
                    for (; c < channels; c++)
                    {
                        float acc = 0f;
                        for (int fy = fyStart; fy < fyEnd; fy++)
                        {
                            int pixel = ((b * _inputHeight + yOrigin + _dilationHeight * fy) * _inputWidth + xOrigin) * stride + (broadcast ? 0 : c);
                            int weight = fy * _filterWidth * channels + c;
                            for (int fx = fxStart; fx < fxEnd; fx++)
                                acc += Unsafe.Add(ref x, pixel + _dilationWidth * fx * stride) * Unsafe.Add(ref w, weight + fx * channels);
                        }
                        destination[c] = Math.Min(Math.Max(acc + (hasBias ? bias[c] : 0f), _floatMin), _floatMax);
                    }
                }
            }
        }
    }

    /// <summary>The first filter tap whose input coordinate origin + dilation * tap is not negative.</summary>
    private static int FirstInside(int origin, int dilation) => origin >= 0 ? 0 : (-origin + dilation - 1) / dilation;

    /// <summary>One past the last filter tap whose input coordinate is below <paramref name="size"/>.</summary>
    private static int EndInside(int origin, int dilation, int taps, int size)
    {
        if (origin >= size) return 0;
        int end = (size - 1 - origin) / dilation + 1;
        return Math.Min(end, taps);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Load8(ref sbyte p, int offset)
        => Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref p, offset)))).AsSByte();
}
