using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The optimized int16x8 path of CONV_2D (int16 activations, int8 weights), chosen in Prepare: each output pixel's
/// receptive field is gathered into one row per group (padding as zeros, which the reference skips and which add
/// nothing) and multiplied with the filter rows in exact 64-bit sums. Same bytes as the reference.
/// </summary>
internal sealed partial class Conv2D
{
    private SimdLevel _int16Level;
    private bool _int16Optimized;
    private int _int16RowScratch = -1, _int16SumScratch = -1;

    private void PrepareInt16Optimized(PrepareContext context)
    {
        _int16Optimized = false;
        if (_mode is not (Mode.Int16Accumulate64 or Mode.Int16Accumulate32)) return;
        _int16Level = _p.WindowMatchesOutput ? Simd.For(context) : SimdLevel.Reference;
        if (_int16Level == SimdLevel.Reference) return;
        int depth = _p.FilterHeight * _p.FilterWidth * _p.FilterDepth;
        _int16Optimized = true;
        // Small buffers live on the stack in Invoke, so the arena is no larger than with the reference kernels.
        _int16RowScratch = depth > Int16Dot.StackRowValues ? context.RequestScratch(2 * depth * sizeof(short)) : -1;
        _int16SumScratch = _p.OutputDepth > Int16Dot.StackSums ? context.RequestScratch(2 * _p.OutputDepth * sizeof(long)) : -1;
    }

    [System.Runtime.CompilerServices.SkipLocalsInit] // the row and sums are written before they are read
    private void RunInt16Optimized(InvokeContext context)
    {
        ReadOnlySpan<short> input = context.Input<short>(0);
        ReadOnlySpan<sbyte> filter = context.Input<sbyte>(1);
        bool wide = _mode == Mode.Int16Accumulate64;
        ReadOnlySpan<long> bias64 = _p.HasBias && wide ? context.Input<long>(2) : default;
        ReadOnlySpan<int> bias32 = _p.HasBias && !wide ? context.Input<int>(2) : default;
        ChannelRequantization scales = _p.Requantization(context);
        Span<short> output = context.Output<short>(0);
        int depth = _p.FilterHeight * _p.FilterWidth * _p.FilterDepth;
        // Two output pixels at a time share each weight load: two rows and two sets of sums.
        Span<short> rows = _int16RowScratch < 0 ? stackalloc short[2 * Int16Dot.StackRowValues] : context.Scratch<short>(_int16RowScratch);
        Span<long> sums = _int16SumScratch < 0 ? stackalloc long[2 * Int16Dot.StackSums] : context.Scratch<long>(_int16SumScratch);
        Span<short> row0 = rows.Slice(0, depth), row1 = rows.Slice(depth, depth);
        Span<long> sums0 = sums.Slice(0, _p.OutputDepth), sums1 = sums.Slice(_p.OutputDepth, _p.OutputDepth);
        int groups = _p.OutputDepth / _p.ChannelsPerGroup;
        int o = 0;
        for (int b = 0; b < _p.Batches; b++)
        {
            for (int oy = 0; oy < _p.OutputHeight; oy++)
            {
                int yOrigin = oy * _p.StrideHeight - _p.PadHeight;
                for (int ox = 0; ox < _p.OutputWidth; ox += 2)
                {
                    bool pair = ox + 1 < _p.OutputWidth;
                    int xOrigin0 = ox * _p.StrideWidth - _p.PadWidth, xOrigin1 = xOrigin0 + _p.StrideWidth;
                    for (int g = 0; g < groups; g++)
                    {
                        ReadOnlySpan<short> gathered0 = Receptive(input, row0, b, yOrigin, xOrigin0, g, groups, depth);
                        ReadOnlySpan<sbyte> weights = filter.Slice(g * _p.ChannelsPerGroup * depth);
                        if (pair)
                        {
                            ReadOnlySpan<short> gathered1 = Receptive(input, row1, b, yOrigin, xOrigin1, g, groups, depth);
                            Int16Dot.Rows2(_int16Level, gathered0, gathered1, weights, depth, _p.ChannelsPerGroup,
                                sums0.Slice(g * _p.ChannelsPerGroup), sums1.Slice(g * _p.ChannelsPerGroup));
                        }
                        else
                        {
                            Int16Dot.Rows(_int16Level, gathered0, weights, depth, _p.ChannelsPerGroup, sums0.Slice(g * _p.ChannelsPerGroup));
                        }
                    }
                    RequantizeInt16(sums0, output.Slice(o, _p.OutputDepth), scales, bias64, bias32, wide);
                    o += _p.OutputDepth;
                    if (pair)
                    {
                        RequantizeInt16(sums1, output.Slice(o, _p.OutputDepth), scales, bias64, bias32, wide);
                        o += _p.OutputDepth;
                    }
                }
            }
        }
    }

    private void RequantizeInt16(ReadOnlySpan<long> sums, Span<short> pixel, ChannelRequantization scales,
        ReadOnlySpan<long> bias64, ReadOnlySpan<int> bias32, bool wide)
    {
        // Everything the loop reads besides the sums in locals: the stores to the pixel would otherwise reload them.
        ReadOnlySpan<int> multipliers = scales.Multipliers, shifts = scales.Shifts;
        int channelStep = scales.PerTensor ? 0 : 1, min = _p.QuantizedMin, max = _p.QuantizedMax;
        sums = sums.Slice(0, pixel.Length);
        if (wide)
        {
            for (int c = 0; c < sums.Length; c++)
            {
                long acc = sums[c] + (bias64.IsEmpty ? 0 : bias64[c]);
                int k = c * channelStep;
                pixel[c] = (short)Math.Min(Math.Max(FixedPoint.MultiplyByQuantizedMultiplier(acc, multipliers[k], shifts[k]), min), max);
            }
            return;
        }
        for (int c = 0; c < sums.Length; c++)
        {
            // The reference's int32 sum wraps: the low 32 bits of the exact sum are its value.
            int acc = unchecked((int)sums[c] + (bias32.IsEmpty ? 0 : bias32[c]));
            int k = c * channelStep;
            pixel[c] = (short)Math.Min(Math.Max(FixedPoint.MultiplyByQuantizedMultiplier(acc, multipliers[k], shifts[k]), min), max);
        }
    }

    /// <summary>
    /// One output pixel's receptive field for group <paramref name="g"/>: the input pixel itself for a 1x1 window of one
    /// group inside the input, otherwise gathered into <paramref name="row"/>.
    /// </summary>
    private ReadOnlySpan<short> Receptive(ReadOnlySpan<short> input, Span<short> row, int b, int yOrigin, int xOrigin, int g, int groups, int depth)
    {
        if (groups == 1 && _p.FilterHeight == 1 && _p.FilterWidth == 1 && (uint)yOrigin < (uint)_p.InputHeight && (uint)xOrigin < (uint)_p.InputWidth)
            return input.Slice(((b * _p.InputHeight + yOrigin) * _p.InputWidth + xOrigin) * _p.InputDepth, depth);
        Gather(input, row, b, yOrigin, xOrigin, g * _p.FilterDepth, groups == 1);
        return row;
    }

    /// <summary>Copies one output pixel's receptive field (one group's channels) into <paramref name="row"/>, zeros outside the input.</summary>
    private void Gather(ReadOnlySpan<short> input, Span<short> row, int b, int yOrigin, int xOrigin, int channelBase, bool allChannels)
    {
        int tap = _p.FilterDepth;
        int lineLength = _p.FilterWidth * tap;
        int r = 0;
        for (int fy = 0; fy < _p.FilterHeight; fy++, r += lineLength)
        {
            int iy = yOrigin + _p.DilationHeight * fy;
            if ((uint)iy >= (uint)_p.InputHeight)
            {
                row.Slice(r, lineLength).Clear();
                continue;
            }
            int lineBase = (b * _p.InputHeight + iy) * _p.InputWidth;
            if (allChannels && _p.DilationWidth == 1 && xOrigin >= 0 && xOrigin + _p.FilterWidth <= _p.InputWidth)
            {
                // The whole filter line lies inside the input and is contiguous there.
                input.Slice((lineBase + xOrigin) * _p.InputDepth, lineLength).CopyTo(row.Slice(r));
                continue;
            }
            for (int fx = 0; fx < _p.FilterWidth; fx++)
            {
                int ix = xOrigin + _p.DilationWidth * fx;
                Span<short> slot = row.Slice(r + fx * tap, tap);
                if ((uint)ix >= (uint)_p.InputWidth) slot.Clear();
                else input.Slice((lineBase + ix) * _p.InputDepth + channelBase, tap).CopyTo(slot);
            }
        }
    }
}
