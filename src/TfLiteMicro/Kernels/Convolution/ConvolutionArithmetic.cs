using System.Runtime.CompilerServices;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The per-type arithmetic of the convolution reference loops: how one input value and one weight enter the sum, and
/// how a channel's sum becomes an output value (bias, requantization or not, activation clamp).
/// </summary>
internal interface IConvolutionArithmetic<TInput, TFilter, TBias, TAccumulator, TOutput>
{
    TAccumulator MultiplyAdd(TAccumulator sum, TInput x, TFilter w);

    TOutput Finish(TAccumulator sum, ReadOnlySpan<TBias> bias, int channel, ChannelRequantization scales);
}

/// <summary>float32: sums in the reference's order, bias, clamp.</summary>
internal readonly struct FloatConvolution(float min, float max) : IConvolutionArithmetic<float, float, float, float, float>
{
    public float MultiplyAdd(float sum, float x, float w) => sum + x * w;

    public float Finish(float sum, ReadOnlySpan<float> bias, int channel, ChannelRequantization scales)
        => Math.Min(Math.Max(sum + (bias.IsEmpty ? 0f : bias[channel]), min), max);
}

/// <summary>int8: w * (x + input offset) summed in int32 (wrapping as TFLM's does), bias, requantized, clamped.</summary>
internal readonly struct Int8Convolution(int inputOffset, int outputOffset, int min, int max) : IConvolutionArithmetic<sbyte, sbyte, int, int, sbyte>
{
    public int MultiplyAdd(int sum, sbyte x, sbyte w) => unchecked(sum + w * (x + inputOffset));

    public sbyte Finish(int sum, ReadOnlySpan<int> bias, int channel, ChannelRequantization scales)
    {
        if (!bias.IsEmpty) sum = unchecked(sum + bias[channel]);
        return (sbyte)Math.Min(Math.Max(scales.Scale(sum, channel) + outputOffset, min), max);
    }
}

/// <summary>
/// int16 activations with int8 weights: int64 sums with an int64 (or int16, widened) bias, or, with
/// <paramref name="wrap32"/> (an int32 bias), int32 sums that wrap on overflow. Each product (at most 2^22) is summed
/// in a long; the low 32 bits of that sum are exactly the wrapped int32 sum.
/// </summary>
internal readonly struct Int16Convolution<TBias>(int inputOffset, int min, int max, bool wrap32) : IConvolutionArithmetic<short, sbyte, TBias, long, short>
    where TBias : unmanaged
{
    public long MultiplyAdd(long sum, short x, sbyte w) => sum + w * (x + inputOffset);

    public short Finish(long sum, ReadOnlySpan<TBias> bias, int channel, ChannelRequantization scales)
    {
        if (!bias.IsEmpty) sum += Scalar.ToInt64(bias[channel]);
        int scaled = wrap32 ? scales.Scale(unchecked((int)sum), channel) : scales.Scale(sum, channel);
        return (short)Math.Min(Math.Max(scaled, min), max);
    }
}

/// <summary>
/// int16 activations with int8 weights and no input offset, summed in int32 and finished as
/// <see cref="Int16Convolution{TBias}"/>. Exact where a channel's sum cannot leave int32 (<see cref="SumsFit"/>), and
/// TFLM's own arithmetic where its sums are int32 (an int32 bias): there both wrap alike.
/// </summary>
internal readonly struct Int16Int32Convolution<TBias>(Int16Convolution<TBias> finish) : IConvolutionArithmetic<short, sbyte, TBias, int, short>
    where TBias : unmanaged
{
    /// <summary>The most products an int32 sum holds: each is at most 2^22 in magnitude (-128 x -32768), and 511 x 2^22 &lt; 2^31.</summary>
    public const int MaxProducts = 511;

    /// <summary>Whether a channel's sum of <paramref name="products"/> int16 x int8 products always fits in int32.</summary>
    public static bool SumsFit(int products) => products <= MaxProducts;

    public int MultiplyAdd(int sum, short x, sbyte w) => unchecked(sum + w * x);

    public short Finish(int sum, ReadOnlySpan<TBias> bias, int channel, ChannelRequantization scales) => finish.Finish(sum, bias, channel, scales);
}

/// <summary>
/// The reference loops of the convolution family, each written once over <see cref="ConvolutionParameters"/> and a
/// per-type <see cref="IConvolutionArithmetic{TInput, TFilter, TBias, TAccumulator, TOutput}"/>. Prepare's checks bound
/// every index these loops form; the spans check them again.
/// </summary>
internal static class ConvolutionArithmetic
{
    /// <summary>
    /// CONV_2D and DEPTHWISE_CONV_2D: output channel c reads input channels [c / ChannelsPerGroup * FilterDepth, +FilterDepth)
    /// of each window tap inside the input (taps outside are skipped). The filter holds channel c's tap (fy, fx) at
    /// c * channelStride + (fy * FilterWidth + fx) * tapStride: [out, h, w, depth] for CONV_2D, [1, h, w, out] for depthwise.
    /// </summary>
    public static void Convolve<TInput, TFilter, TBias, TAccumulator, TOutput, TArithmetic>(in ConvolutionParameters p, TArithmetic arithmetic,
        ReadOnlySpan<TInput> input, ReadOnlySpan<TFilter> filter, ReadOnlySpan<TBias> bias, ChannelRequantization scales, Span<TOutput> output)
        where TAccumulator : unmanaged
        where TArithmetic : struct, IConvolutionArithmetic<TInput, TFilter, TBias, TAccumulator, TOutput>
    {
        Span<TAccumulator> block = p.FilterDepth == 1 ? stackalloc TAccumulator[ChannelBlock] : default;
        int o = 0;
        for (int b = 0; b < p.Batches; b++)
        {
            for (int oy = 0; oy < p.OutputHeight; oy++)
            {
                int yOrigin = oy * p.StrideHeight - p.PadHeight;
                (int fyStart, int fyEnd) = TapsInside(yOrigin, p.DilationHeight, p.FilterHeight, p.InputHeight);
                for (int ox = 0; ox < p.OutputWidth; ox++)
                {
                    int xOrigin = ox * p.StrideWidth - p.PadWidth;
                    (int fxStart, int fxEnd) = TapsInside(xOrigin, p.DilationWidth, p.FilterWidth, p.InputWidth);
                    Span<TOutput> pixel = output.Slice(o, p.OutputDepth);
                    int rowOrigin = b * p.InputHeight + yOrigin;
                    if (p.FilterDepth == 1)
                    {
                        OneChannelPixel<TInput, TFilter, TBias, TAccumulator, TOutput, TArithmetic>(p, arithmetic, input, filter, bias, scales,
                            pixel, block, rowOrigin, xOrigin, fyStart, fyEnd, fxStart, fxEnd);
                    }
                    else
                    {
                        Pixel<TInput, TFilter, TBias, TAccumulator, TOutput, TArithmetic>(p, arithmetic, input, filter, bias, scales,
                            pixel, rowOrigin, xOrigin, fyStart, fyEnd, fxStart, fxEnd);
                    }
                    o += p.OutputDepth;
                }
            }
        }
    }

    /// <summary>
    /// The taps [start, end) of a window dimension whose positions origin + dilation * tap lie inside [0, size): the
    /// taps the loops would skip one by one, found once per output position.
    /// </summary>
    private static (int Start, int End) TapsInside(int origin, int dilation, int taps, int size)
    {
        long start = origin >= 0 ? 0 : Math.Min(taps, (-(long)origin + dilation - 1) / dilation);
        long end = Math.Min(taps, ((long)size - origin + dilation - 1) / dilation);
        return ((int)start, (int)Math.Max(start, end));
    }

    /// <summary>
    /// Every output channel of one output pixel, whose window starts at input row <paramref name="rowOrigin"/> (batch
    /// rows included) and column <paramref name="xOrigin"/>, when each filter tap reads a run of input channels; one
    /// channel's sum at a time, each run summed by <see cref="Dot"/>. Out of line, so that its loops keep their indices
    /// in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Pixel<TInput, TFilter, TBias, TAccumulator, TOutput, TArithmetic>(in ConvolutionParameters p, TArithmetic arithmetic,
        ReadOnlySpan<TInput> input, ReadOnlySpan<TFilter> filter, ReadOnlySpan<TBias> bias, ChannelRequantization scales, Span<TOutput> output,
        int rowOrigin, int xOrigin, int fyStart, int fyEnd, int fxStart, int fxEnd)
        where TArithmetic : struct, IConvolutionArithmetic<TInput, TFilter, TBias, TAccumulator, TOutput>
    {
        bool depthwise = p.Kind == ConvolutionKind.Depthwise;
        int inputWidth = p.InputWidth, inputDepth = p.InputDepth, filterWidth = p.FilterWidth, depth = p.FilterDepth, perGroup = p.ChannelsPerGroup;
        int dilationHeight = p.DilationHeight, dilationWidth = p.DilationWidth;
        int channelStride = depthwise ? 1 : p.FilterSize;
        int tapStride = depthwise ? p.OutputDepth : depth;
        // When a filter row's taps read adjacent channel runs in both input and filter (CONV_2D, one group, no dilation
        // across columns), the row is one run: the same products in the same order, in one call instead of one per tap.
        bool rowIsOneRun = (long)dilationWidth * inputDepth == depth && tapStride == depth;
        int runsPerRow = rowIsOneRun ? Math.Min(1, fxEnd - fxStart) : fxEnd - fxStart;
        int runLength = rowIsOneRun ? (fxEnd - fxStart) * depth : depth;
        // Channel c belongs to group c / perGroup, which reads input channels from channelBase on.
        int oc = 0;
        for (int channelBase = 0; oc < output.Length; channelBase += depth)
        {
            for (int m = 0; m < perGroup; m++, oc++)
            {
                TAccumulator sum = default!;
                for (int fy = fyStart; fy < fyEnd; fy++)
                {
                    int row = (rowOrigin + dilationHeight * fy) * inputWidth + xOrigin;
                    int tapRow = oc * channelStride + fy * filterWidth * tapStride;
                    for (int fx = fxStart; fx < fxStart + runsPerRow; fx++)
                    {
                        int x = (row + dilationWidth * fx) * inputDepth + channelBase;
                        int w = tapRow + fx * tapStride;
                        sum = Dot<TInput, TFilter, TAccumulator, TOutput, TBias, TArithmetic>(arithmetic, sum, input.Slice(x, runLength), filter.Slice(w, runLength));
                    }
                }
                output[oc] = arithmetic.Finish(sum, bias, oc, scales);
            }
        }
    }

    /// <summary>How many output channels' sums <see cref="OneChannelPixel"/> keeps at once (on the stack).</summary>
    private const int ChannelBlock = 64;

    /// <summary>
    /// <see cref="Pixel"/> when each filter tap reads one input channel (DEPTHWISE_CONV_2D, CONV_2D of one channel per
    /// group): output channel c reads input channel c / ChannelsPerGroup. A tap's weights for consecutive channels are
    /// adjacent in a depthwise filter, so the innermost loop runs over a block of channels for one tap, their sums held in
    /// <paramref name="sums"/>; each channel's sum still adds its taps in the reference's order (rows, then columns).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void OneChannelPixel<TInput, TFilter, TBias, TAccumulator, TOutput, TArithmetic>(in ConvolutionParameters p, TArithmetic arithmetic,
        ReadOnlySpan<TInput> input, ReadOnlySpan<TFilter> filter, ReadOnlySpan<TBias> bias, ChannelRequantization scales, Span<TOutput> output,
        Span<TAccumulator> sums, int rowOrigin, int xOrigin, int fyStart, int fyEnd, int fxStart, int fxEnd)
        where TArithmetic : struct, IConvolutionArithmetic<TInput, TFilter, TBias, TAccumulator, TOutput>
    {
        int inputWidth = p.InputWidth, inputDepth = p.InputDepth, filterWidth = p.FilterWidth, perGroup = p.ChannelsPerGroup;
        int dilationHeight = p.DilationHeight, dilationWidth = p.DilationWidth;
        bool depthwise = p.Kind == ConvolutionKind.Depthwise;
        int channelStride = depthwise ? 1 : p.FilterSize;
        int tapStride = depthwise ? p.OutputDepth : 1;
        for (int first = 0; first < output.Length; first += sums.Length)
        {
            Span<TAccumulator> block = sums.Slice(0, Math.Min(sums.Length, output.Length - first));
            block.Clear();
            // The block's first channel reads input channel firstInput, as the phase-th of that input channel's outputs.
            int firstInput = first / perGroup, firstPhase = first - firstInput * perGroup;
            for (int fy = fyStart; fy < fyEnd; fy++)
            {
                int row = (rowOrigin + dilationHeight * fy) * inputWidth + xOrigin;
                for (int fx = fxStart; fx < fxEnd; fx++)
                {
                    int x = (row + dilationWidth * fx) * inputDepth + firstInput;
                    int w = first * channelStride + (fy * filterWidth + fx) * tapStride;
                    for (int k = 0, phase = firstPhase; k < block.Length; k++, w += channelStride)
                    {
                        block[k] = arithmetic.MultiplyAdd(block[k], input[x], filter[w]);
                        if (++phase == perGroup)
                        {
                            phase = 0;
                            x++;
                        }
                    }
                }
            }
            for (int k = 0; k < block.Length; k++) output[first + k] = arithmetic.Finish(block[k], bias, first + k, scales);
        }
    }

    /// <summary>
    /// The sum over one filter tap's input channels. Out of line, so that the loop nest around it keeps its own indices in
    /// registers, and over slices, so that only the filter's index is checked per element.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TAccumulator Dot<TInput, TFilter, TAccumulator, TOutput, TBias, TArithmetic>(TArithmetic arithmetic, TAccumulator sum,
        ReadOnlySpan<TInput> input, ReadOnlySpan<TFilter> filter)
        where TArithmetic : struct, IConvolutionArithmetic<TInput, TFilter, TBias, TAccumulator, TOutput>
    {
        filter = filter.Slice(0, input.Length);
        int i = 0;
        // Four products a step, added one after another: the loop's own work shared by four, the order unchanged.
        for (; i < input.Length - 3; i += 4)
        {
            sum = arithmetic.MultiplyAdd(sum, input[i], filter[i]);
            sum = arithmetic.MultiplyAdd(sum, input[i + 1], filter[i + 1]);
            sum = arithmetic.MultiplyAdd(sum, input[i + 2], filter[i + 2]);
            sum = arithmetic.MultiplyAdd(sum, input[i + 3], filter[i + 3]);
        }
        for (; i < input.Length; i++) sum = arithmetic.MultiplyAdd(sum, input[i], filter[i]);
        return sum;
    }

    /// <summary>
    /// TRANSPOSE_CONV: every input pixel scatters input x filter into the stride-spaced window of the output at
    /// in * stride - padding + tap (taps outside the output are skipped), summed in <paramref name="sums"/> (which may be
    /// the output itself when the types agree), then each sum is finished into the output.
    /// </summary>
    public static void TransposeConvolve<TInput, TFilter, TBias, TAccumulator, TOutput, TArithmetic>(in ConvolutionParameters p, TArithmetic arithmetic,
        ReadOnlySpan<TInput> input, ReadOnlySpan<TFilter> filter, ReadOnlySpan<TBias> bias, ChannelRequantization scales,
        Span<TAccumulator> sums, Span<TOutput> output)
        where TArithmetic : struct, IConvolutionArithmetic<TInput, TFilter, TBias, TAccumulator, TOutput>
    {
        sums.Slice(0, output.Length).Clear();
        int depth = p.InputDepth, outputDepth = p.OutputDepth;
        for (int b = 0; b < p.Batches; b++)
        for (int iy = 0; iy < p.InputHeight; iy++)
        for (int ix = 0; ix < p.InputWidth; ix++)
        for (int ic = 0; ic < depth; ic++)
        {
            TInput x = input[((b * p.InputHeight + iy) * p.InputWidth + ix) * depth + ic];
            int oy0 = iy * p.StrideHeight - p.PadHeight;
            int ox0 = ix * p.StrideWidth - p.PadWidth;
            for (int fy = 0; fy < p.FilterHeight; fy++)
            {
                int oy = oy0 + fy;
                if ((uint)oy >= (uint)p.OutputHeight) continue;
                for (int fx = 0; fx < p.FilterWidth; fx++)
                {
                    int ox = ox0 + fx;
                    if ((uint)ox >= (uint)p.OutputWidth) continue;
                    int outBase = ((b * p.OutputHeight + oy) * p.OutputWidth + ox) * outputDepth;
                    for (int oc = 0; oc < outputDepth; oc++)
                        sums[outBase + oc] = arithmetic.MultiplyAdd(sums[outBase + oc], x, filter[((oc * p.FilterHeight + fy) * p.FilterWidth + fx) * depth + ic]);
                }
            }
        }
        for (int i = 0; i < output.Length; i++) output[i] = arithmetic.Finish(sums[i], bias, i % outputDepth, scales);
    }
}
