using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;

namespace TfLiteMicro.Kernels;

/// <summary>
/// DEPTHWISE_CONV_2D on Arm64 with a depth multiplier above one or one input channel, or with the dot product and a
/// multiplier of one: every output row through the Arm64 quad kernel (<see cref="Int8DepthwiseQuads.RunArm"/>).
/// </summary>
internal sealed partial class DepthwiseConv2D
{
    /// <summary>
    /// Bytes of the Arm64 quad kernel's rows: every group's interleaved quads (one per output channel unless one input
    /// channel is broadcast), and, for the expansion, one interleave at the input depth; each with its slack.
    /// </summary>
    private long ArmQuadRowBytes(long columns)
    {
        bool expand = _gather == Gather.Expand;
        long groupBytes = columns * (_gather == Gather.Broadcast ? 1 : _p.OutputDepth) * 4;
        return Int8DepthwiseQuads.Groups(_p.FilterHeight) * groupBytes + Int8DepthwiseQuads.ExpandSlack
               + (expand ? columns * _p.InputDepth * 4 + Int8DepthwiseQuads.ExpandSlack : 0);
    }

    /// <summary>Arm64, the layers <see cref="Int8DepthwiseQuads.ArmApplies"/> names, and the interleaved rows and arranged filter within the quad kernel's stack budgets.</summary>
    /// <remarks>It sets the x64 kernel's fields (<c>_quads</c>, the columns and the handles), which the other architecture leaves unused.</remarks>
    private void PrepareArmQuads(PrepareContext context)
    {
        if (!AdvSimd.Arm64.IsSupported) return;
        _quads = false;
        _quadTableHandle = _quadFoldedHandle = -1;
        if (!Int8DepthwiseQuads.ArmApplies(_level, _p.InputDepth, _p.OutputDepth, _p.FilterHeight, _p.FilterWidth)
            || _p.OutputWidth <= 0)
            return;
        long columns = Int8DepthwiseQuads.Columns(_p.OutputWidth, _p.StrideWidth, _p.FilterWidth, _p.DilationWidth);
        if (ArmQuadRowBytes(columns) > QuadRowsCapacity || Int8DepthwiseQuads.TableBytes(_p.FilterHeight, _p.FilterWidth, _p.OutputDepth, 0) > QuadTableCapacity
            || _p.OutputDepth > Math.Min(QuadFoldedCapacity, ExpandCapacity) || (long)_p.PadWidth * _p.InputDepth > int.MaxValue)
            return;
        _quadColumns = (int)columns;
        _quadShift = 0;
        _quads = true;
        (_quadTableHandle, _quadFoldedHandle) = ArrangeOnce<byte, QuadFilter>(context, new QuadFilter(_p, 0));
    }

    /// <summary>
    /// Every output row through the Arm64 quad kernel: each group of four filter rows' input rows interleaved (the padding
    /// as the zero point) and, with a multiplier above one, expanded to the output channels; then all of the row's pixels.
    /// </summary>
    [SkipLocalsInit]
    private void RunInt8ArmQuads(InvokeContext context, ReadOnlySpan<sbyte> filter, int firstRow, int endRow)
    {
        Int8Operands(context, filter, out ReadOnlySpan<sbyte> input, out ReadOnlySpan<int> bias, out Span<sbyte> output);
        int channels = _p.OutputDepth, depth = _p.InputDepth, groups = Int8DepthwiseQuads.Groups(_p.FilterHeight);
        Span<byte> table = stackalloc byte[QuadTableCapacity];
        Span<int> folded = stackalloc int[QuadFoldedCapacity];
        ArrangedFilter(context, new QuadFilter(_p, 0), _quadTableHandle, _quadFoldedHandle, filter, bias, ref table, ref folded);
        var requantizer = _p.CreateInt8Requantizer(context, vector: true);
        bool expand = _gather == Gather.Expand, broadcast = _gather == Gather.Broadcast;
        int columns = _quadColumns, count = columns * depth, groupBytes = columns * (broadcast ? 1 : channels) * 4;
        Span<byte> rows = stackalloc byte[QuadRowsCapacity];
        Span<byte> quads = rows.Slice(0, groups * groupBytes + Int8DepthwiseQuads.ExpandSlack);
        Span<byte> interleaved = expand ? rows.Slice(quads.Length, count * 4 + Int8DepthwiseQuads.ExpandSlack) : quads;
        Span<byte> patterns = expand ? stackalloc byte[ExpandCapacity * 4] : default;
        Span<int> sources = expand ? stackalloc int[ExpandCapacity / 4] : default;
        if (expand) Int8DepthwiseQuads.ExpandPatterns(channels, _p.DepthMultiplier, patterns, sources);
        sbyte zeroPoint = unchecked((sbyte)-_p.InputOffset);
        int inputRow = _p.InputWidth * depth, outputRow = _p.OutputWidth * channels, padBefore = _p.PadWidth * depth;
        if (firstRow < 0 || endRow > _p.Batches * _p.OutputHeight) throw new ArgumentOutOfRangeException(nameof(endRow), "rows outside the output");
        for (int row = firstRow; row < endRow; row++)
        {
            int b = row / _p.OutputHeight, oy = row - b * _p.OutputHeight;
            // Group g's slot j: input row oy * stride - pad + (4g + j) * dilation.
            int first = oy * _p.StrideHeight - _p.PadHeight, height = _p.FilterHeight;
            for (int g = 0; g < groups; g++)
            {
                int slot = g * Int8DepthwiseQuads.MaxFilterHeight;
                Span<byte> target = expand ? interleaved : quads.Slice(g * groupBytes);
                Int8DepthwiseQuads.Interleave(QuadSource(input, b, first, slot, height, inputRow), QuadSource(input, b, first, slot + 1, height, inputRow),
                    QuadSource(input, b, first, slot + 2, height, inputRow), QuadSource(input, b, first, slot + 3, height, inputRow), padBefore, count, zeroPoint, 0,
                    target);
                if (expand) Int8DepthwiseQuads.Expand(interleaved, columns, depth, channels, patterns, sources, quads.Slice(g * groupBytes));
            }
            Int8DepthwiseQuads.RunArm(_level, ref MemoryMarshal.GetReference(quads), _p.OutputWidth, _p.StrideWidth, _p.DilationWidth, _p.FilterWidth, groups,
                groupBytes, broadcast, channels, ref MemoryMarshal.GetReference(table), ref MemoryMarshal.GetReference(folded), requantizer,
                ref MemoryMarshal.GetReference(output.Slice(row * outputRow, outputRow)));
        }
    }
}
