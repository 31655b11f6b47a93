using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The optimized paths of DEPTHWISE_CONV_2D, chosen in Prepare. Int8: vectors along the output channels,
/// (x + inputOffset) * w as exact 16-bit products summed in 32 bits, taps outside the input skipped as the reference
/// does, then vector requantization; output channel c reads input channel c / multiplier, so with a multiplier of one
/// the input pixel is loaded as it is, with one input channel it is broadcast, otherwise its channels are expanded by
/// a byte shuffle prepared per block of sixteen channels. Two taps per 16-bit multiply-add where it pays: a single
/// input channel with a multiple of eight outputs (<see cref="RunInt8Pairs"/>, x64), and, with a multiplier of one and
/// AVX2, output pixels whose window is inside the input (<see cref="InteriorBlock"/>). The rearranged filters are built
/// on the stack each Invoke, so the arena holds nothing beyond the per-channel scales. Float: four or eight channels at
/// a time in the reference's order of additions (multiplier one or one input channel). Same bytes as the reference
/// (float: the same values) on every level.
/// </summary>
internal sealed partial class DepthwiseConv2D : IPartitionedKernel
{
    // With InterpreterOptions.Threads: the output rows are split into this many bands, one per thread (1: not split).
    private int _parts = 1;

    private enum Gather { Direct, Broadcast, Expand }

    /// <summary>Stack budget (in 16-bit values) for the tap-pair path's padded input rows.</summary>
    private const int PairRowCapacity = 4096;

    /// <summary>Stack budget (in 16-bit values) for the filter arranged in tap pairs, and (in ints) for the folded biases.</summary>
    private const int PairWeightCapacity = 4096, InteriorBiasCapacity = 512;

    /// <summary>Most output channels the expansion patterns (one byte per channel, on the stack) serve.</summary>
    private const int ExpandCapacity = 2048;

    private SimdLevel _level;
    private bool _int8Optimized, _wide, _pairs;
    private Gather _gather;
        private int _pairCount, _pairRowWidth;
    private bool _interior;
    private int _interiorBlocks;
    private bool _eightChannelPixelPairs;

    /// <summary>Most taps the eight-channel pixel-pair path keeps its duplicated 16-bit filter for (on the stack).</summary>
    private const int PixelPairTapCapacity = 64;

    private bool _floatOptimized;

    /// <summary>Stack budget (bytes) for the zero-point-padded input rows of the row micro-kernel.</summary>
    private const int PaddedRowsCapacity = 32 * 1024;

    // The row micro-kernel (Int8DepthwiseRows): multiplier one, eight channels or a multiple of sixteen with AVX2, eight or more on Arm64.
    private bool _rows;
    private int _paddedColumns;
    // With InterpreterOptions.PrearrangeWeights: the arranged filter and folded biases, made once (persistent handles).
    private int _rowsTableHandle = -1, _rowsFoldedHandle = -1;

    private void PrepareOptimized(PrepareContext context)
    {
        _level = _p.WindowMatchesOutput ? Simd.For(context) : SimdLevel.Reference;
        _int8Optimized = _pairs = _interior = false;
        _wide = _level >= SimdLevel.Avx2 && Avx2.IsSupported;
        _gather = _p.DepthMultiplier == 1 ? Gather.Direct : _p.InputDepth == 1 ? Gather.Broadcast : Gather.Expand;
        if (_level == SimdLevel.Reference || !Vector128.IsHardwareAccelerated) { _floatOptimized = false; return; }
        _floatOptimized = _p.Type == TensorType.Float32 && _gather != Gather.Expand;
        // Every band keeps its rows and tables on its own thread's stack, so splitting asks for no arena.
        long multiplyAdds = (long)_p.Batches * _p.OutputHeight * _p.OutputWidth * _p.OutputDepth * _p.FilterHeight * _p.FilterWidth;
        _parts = _floatOptimized ? RowBands.Parts(context, (long)_p.Batches * _p.OutputHeight, multiplyAdds) : 1;
        if (_p.Type != TensorType.Int8) return;
        // A fused activation whose limit overflowed (a tiny output scale) gives a range the reference narrows by
        // truncation; the vector stores saturate, so such layers keep the reference loop.
        if (_p.QuantizedMin < sbyte.MinValue || _p.QuantizedMax > sbyte.MaxValue || _p.QuantizedMin > _p.QuantizedMax) return;
        if (!_p.ScalesFitVectors || (_wide && !Int8Requantizer.CanVectorize(_level, default, default))) return;
        // The 128-bit requantizer spreads a per-tensor multiplier over a table on the stack.
        if (!_wide && _p.Scales.Channels == 1 && _p.OutputDepth > ExpandCapacity) return;
        Tensor filter = context.Input(1);
        if (_p.UnpackedFilterScratch < 0 && filter.ByteCount < (long)_p.FilterHeight * _p.FilterWidth * _p.OutputDepth) return;
        if (_gather == Gather.Expand && _p.OutputDepth > ExpandCapacity) return;
        _int8Optimized = true;
        _parts = RowBands.Parts(context, (long)_p.Batches * _p.OutputHeight, multiplyAdds);
        PrepareQuads(context);
        PrepareArmQuads(context);
        PrepareRows(context);
        PreparePairs();
        PrepareInteriorPairs();
        // Eight channels fill half a 256-bit vector: two horizontally neighbouring output pixels share one instead.
        _eightChannelPixelPairs = _wide && _gather == Gather.Direct && _p.OutputDepth == 8 && _p.FilterHeight * _p.FilterWidth <= PixelPairTapCapacity;
    }

    // The quad kernel (Int8DepthwiseQuads): rows interleaved in fours, two output rows per interleave where they fit (AVX-VNNI),
    // or its Arm64 form (PrepareArmQuads, which sets the same fields: the kernel's footprint stays that of one choice).
    private bool _quads;
    private int _quadShift, _quadColumns;
    // With InterpreterOptions.PrearrangeWeights: the arranged quads and folded biases, made once (persistent handles).
    private int _quadTableHandle = -1, _quadFoldedHandle = -1;

    /// <summary>Stack budgets (bytes) of the quad kernel's interleaved rows and arranged filter, and (ints) its folded biases.</summary>
    private const int QuadRowsCapacity = 32 * 1024, QuadTableCapacity = 16 * 1024, QuadFoldedCapacity = 2048;

    /// <summary>AVX-VNNI, at most four filter rows, and the interleaved rows and arranged filter within their stack budgets.</summary>
    private void PrepareQuads(PrepareContext context)
    {
        _quads = false;
        _quadTableHandle = _quadFoldedHandle = -1;
        if (_gather == Gather.Expand || !Int8DepthwiseQuads.Applies(_level, _p.InputDepth, _p.OutputDepth, _p.FilterHeight, _p.FilterWidth) || _p.OutputWidth <= 0) return;
        long columns = Int8DepthwiseQuads.Columns(_p.OutputWidth, _p.StrideWidth, _p.FilterWidth, _p.DilationWidth);
        int shift = Int8DepthwiseQuads.SecondRowShift(_p.FilterHeight, _p.StrideHeight, _p.DilationHeight);
        if (columns * _p.InputDepth * 4 > QuadRowsCapacity || Int8DepthwiseQuads.TableBytes(_p.FilterHeight, _p.FilterWidth, _p.OutputDepth, shift) > QuadTableCapacity
            || _p.OutputDepth > QuadFoldedCapacity || (long)_p.PadWidth * _p.InputDepth > int.MaxValue)
            return;
        _quadColumns = (int)columns;
        _quadShift = shift;
        _quads = true;
        (_quadTableHandle, _quadFoldedHandle) = ArrangeOnce<byte, QuadFilter>(context, new QuadFilter(_p, _quadShift));
    }

    /// <summary>How a depthwise row kernel arranges its filter and folds its biases: once in Prepare, or on the stack per Invoke.</summary>
    private interface IFilterArrangement<T> where T : unmanaged
    {
        int TableLength { get; }
        void Arrange(ReadOnlySpan<sbyte> filter, ReadOnlySpan<int> bias, Span<T> table, Span<int> folded);
    }

    private readonly struct QuadFilter(in ConvolutionParameters p, int shift) : IFilterArrangement<byte>
    {
        private readonly int _height = p.FilterHeight, _width = p.FilterWidth, _channels = p.OutputDepth, _inputOffset = p.InputOffset, _shift = shift;

        // Within QuadTableCapacity: checked before the kernel is chosen.
        public int TableLength => (int)Int8DepthwiseQuads.TableBytes(_height, _width, _channels, _shift);

        public void Arrange(ReadOnlySpan<sbyte> filter, ReadOnlySpan<int> bias, Span<byte> table, Span<int> folded)
            => Int8DepthwiseQuads.Arrange(filter, bias, _inputOffset, _height, _width, _channels, _shift, table, folded);
    }

    private readonly struct RowFilter(in ConvolutionParameters p) : IFilterArrangement<short>
    {
        private readonly int _height = p.FilterHeight, _width = p.FilterWidth, _channels = p.OutputDepth, _inputOffset = p.InputOffset;

        // Within PairWeightCapacity: checked before the kernel is chosen.
        public int TableLength => (int)Int8DepthwiseRows.TableValues(_height, _width, _channels);

        public void Arrange(ReadOnlySpan<sbyte> filter, ReadOnlySpan<int> bias, Span<short> table, Span<int> folded)
            => Int8DepthwiseRows.Arrange(filter, bias, _inputOffset, _height, _width, _channels, table, folded);
    }

    /// <summary>With <see cref="InterpreterOptions.PrearrangeWeights"/> and constant weights: the arranged filter and folded biases in the persistent arena (their handles); else (-1, -1).</summary>
    private (int Table, int Folded) ArrangeOnce<T, TFilter>(PrepareContext context, TFilter arrangement)
        where T : unmanaged where TFilter : struct, IFilterArrangement<T>
    {
        if (!Prearranges(context, out Tensor filter, out Tensor? bias)) return (-1, -1);
        var table = new T[arrangement.TableLength];
        var folded = new int[_p.OutputDepth];
        arrangement.Arrange(filter.AsReadOnlySpan<sbyte>(), bias is null ? default : bias.AsReadOnlySpan<int>(), table, folded);
        return (context.AllocatePersistent<T>(table), context.AllocatePersistent<int>(folded));
    }

    /// <summary>The filter arranged in Prepare (its handles), or arranged now into <paramref name="table"/> and <paramref name="folded"/> (stack buffers).</summary>
    private static void ArrangedFilter<T, TFilter>(InvokeContext context, TFilter arrangement, int tableHandle, int foldedHandle,
        ReadOnlySpan<sbyte> filter, ReadOnlySpan<int> bias, ref Span<T> table, ref Span<int> folded)
        where T : unmanaged where TFilter : struct, IFilterArrangement<T>
    {
        if (tableHandle >= 0)
        {
            table = context.Persistent<T>(tableHandle);
            folded = context.Persistent<int>(foldedHandle);
        }
        else arrangement.Arrange(filter, bias, table, folded);
    }

    /// <summary>
    /// Every output row through the quad kernel: the filter's input rows interleaved in fours (the padding as the zero
    /// point), then all of the row's pixels, two rows at once where one interleave serves both (see <see cref="Int8DepthwiseQuads"/>).
    /// </summary>
    [SkipLocalsInit]
    private void RunInt8Quads(InvokeContext context, ReadOnlySpan<sbyte> filter, int firstRow, int endRow)
    {
        Int8Operands(context, filter, out ReadOnlySpan<sbyte> input, out ReadOnlySpan<int> bias, out Span<sbyte> output);
        int channels = _p.OutputDepth, depth = _p.InputDepth;
        Span<byte> table = stackalloc byte[QuadTableCapacity];
        Span<int> folded = stackalloc int[QuadFoldedCapacity];
        ArrangedFilter(context, new QuadFilter(_p, _quadShift), _quadTableHandle, _quadFoldedHandle, filter, bias, ref table, ref folded);
        var requantizer = _p.CreateInt8Requantizer(context, vector: true);
        Span<byte> quads = stackalloc byte[QuadRowsCapacity];
        sbyte zeroPoint = unchecked((sbyte)-_p.InputOffset);
        int inputRow = _p.InputWidth * depth, outputRow = _p.OutputWidth * channels, shift = _quadShift;
        int count = _quadColumns * depth, padBefore = _p.PadWidth * depth;
        if (firstRow < 0 || endRow > _p.Batches * _p.OutputHeight) throw new ArgumentOutOfRangeException(nameof(endRow), "rows outside the output");
        // Rows are counted over all batches (batch b's row y is b * OutputHeight + y); a pair never spans two batches.
        for (int row = firstRow; row < endRow;)
        {
            int b = row / _p.OutputHeight, oy = row - b * _p.OutputHeight;
            bool two = shift > 0 && row + 1 < endRow && oy + 1 < _p.OutputHeight;
            // Slot j: input row oy * stride - pad + j * dilation. One row uses slots [0, height); a pair, [0, shift + height).
            int first = oy * _p.StrideHeight - _p.PadHeight, used = two ? shift + _p.FilterHeight : _p.FilterHeight;
            Int8DepthwiseQuads.Interleave(QuadSource(input, b, first, 0, used, inputRow), QuadSource(input, b, first, 1, used, inputRow),
                QuadSource(input, b, first, 2, used, inputRow), QuadSource(input, b, first, 3, used, inputRow), padBefore, count, zeroPoint, 0x80, quads);
            ref sbyte y0 = ref MemoryMarshal.GetReference(output.Slice(row * outputRow, outputRow));
            ref sbyte y1 = ref two ? ref MemoryMarshal.GetReference(output.Slice((row + 1) * outputRow, outputRow)) : ref y0;
            Int8DepthwiseQuads.Run(ref MemoryMarshal.GetReference(quads), _p.OutputWidth, _p.StrideWidth, _p.DilationWidth, _p.FilterWidth, depth, channels,
                ref MemoryMarshal.GetReference(table), ref MemoryMarshal.GetReference(folded), requantizer, ref y0, ref y1, two);
            row += two ? 2 : 1;
        }
    }

    /// <summary>Input row first + slot * dilation of batch <paramref name="b"/>, or nothing (the zero point) outside the input or past the used slots.</summary>
    private ReadOnlySpan<sbyte> QuadSource(ReadOnlySpan<sbyte> input, int b, int first, int slot, int used, int inputRow)
    {
        int iy = first + slot * _p.DilationHeight;
        return slot < used && (uint)iy < (uint)_p.InputHeight ? input.Slice((b * _p.InputHeight + iy) * inputRow, inputRow) : default;
    }

    /// <summary>The int8 operands (the filter unpacked before the bands began), checked to be as long as the shapes say (what every unchecked loop below relies on).</summary>
    private void Int8Operands(InvokeContext context, ReadOnlySpan<sbyte> filter, out ReadOnlySpan<sbyte> input, out ReadOnlySpan<int> bias, out Span<sbyte> output)
    {
        input = context.Input<sbyte>(0);
        bias = _p.HasBias ? context.Input<int>(2) : default;
        output = context.Output<sbyte>(0);
        int channels = _p.OutputDepth;
        if (input.Length < (long)_p.Batches * _p.InputHeight * _p.InputWidth * _p.InputDepth || filter.Length < (long)_p.FilterHeight * _p.FilterWidth * channels
            || output.Length < (long)_p.Batches * _p.OutputHeight * _p.OutputWidth * channels || (!bias.IsEmpty && bias.Length < channels))
            throw context.Error("tensor data is shorter than its shape");
    }

    /// <summary>Whether the filter and bias are arranged once in Prepare: asked for, and both constant (the filter int8, not packed).</summary>
    private static bool Prearranges(PrepareContext context, out Tensor filter, out Tensor? bias)
    {
        filter = context.Input(1);
        bias = context.OptionalInput(2);
        return context.PrearrangeWeights && filter is { IsConstant: true, Type: TensorType.Int8 } && (bias is null || bias.IsConstant);
    }

    /// <summary>
    /// Multiplier one, eight channels or a multiple of sixteen with AVX2 (eight or more on Arm64), and the arranged filter, folded biases and padded rows
    /// within their stack budgets: every output row goes through <see cref="Int8DepthwiseRows"/>.
    /// </summary>
    private void PrepareRows(PrepareContext context)
    {
        _rows = false;
        // The quad kernel takes the layer: no second arranged filter in the arena.
        if (_quads || _gather == Gather.Expand || !Int8DepthwiseRows.Applies(_level, _p.InputDepth, _p.OutputDepth) || _p.OutputWidth <= 0) return;
        long columns = Int8DepthwiseRows.PaddedColumns(_p.OutputWidth, _p.StrideWidth, _p.FilterWidth, _p.DilationWidth);
        if (Int8DepthwiseRows.TableValues(_p.FilterHeight, _p.FilterWidth, _p.OutputDepth) > PairWeightCapacity || _p.OutputDepth > InteriorBiasCapacity
            || columns * _p.InputDepth * _p.FilterHeight > PaddedRowsCapacity)
            return;
        _paddedColumns = (int)columns;
        _rows = true;
        (_rowsTableHandle, _rowsFoldedHandle) = ArrangeOnce<short, RowFilter>(context, new RowFilter(_p));
    }

    /// <summary>
    /// Every output row through the row micro-kernel: the filter's input rows copied with the padding as the zero point,
    /// then all of the row's pixels at once (see <see cref="Int8DepthwiseRows"/>).
    /// </summary>
    [SkipLocalsInit]
    private void RunInt8Rows(InvokeContext context, ReadOnlySpan<sbyte> filter, int firstRow, int endRow)
    {
        Int8Operands(context, filter, out ReadOnlySpan<sbyte> input, out ReadOnlySpan<int> bias, out Span<sbyte> output);
        int channels = _p.OutputDepth, depth = _p.InputDepth;
        Span<short> table = stackalloc short[PairWeightCapacity];
        Span<int> folded = stackalloc int[InteriorBiasCapacity];
        ArrangedFilter(context, new RowFilter(_p), _rowsTableHandle, _rowsFoldedHandle, filter, bias, ref table, ref folded);
        var requantizer = _p.CreateInt8Requantizer(context, vector: true);
        int rowBytes = _paddedColumns * depth;
        Span<sbyte> rows = stackalloc sbyte[PaddedRowsCapacity];
        sbyte zeroPoint = unchecked((sbyte)-_p.InputOffset);
        int inputRow = _p.InputWidth * depth, outputRow = _p.OutputWidth * channels;
        for (int line = firstRow; line < endRow; line++)
        {
            int b = line / _p.OutputHeight, oy = line % _p.OutputHeight;
            int yOrigin = oy * _p.StrideHeight - _p.PadHeight;
            for (int fy = 0; fy < _p.FilterHeight; fy++)
            {
                int iy = yOrigin + fy * _p.DilationHeight;
                ReadOnlySpan<sbyte> source = (uint)iy < (uint)_p.InputHeight ? input.Slice((b * _p.InputHeight + iy) * inputRow, inputRow) : default;
                Int8DepthwiseRows.PadRow(source, depth, _p.PadWidth, _paddedColumns, zeroPoint, rows.Slice(fy * rowBytes, rowBytes));
            }
            Int8DepthwiseRows.Run(ref MemoryMarshal.GetReference(rows), _p.OutputWidth, _p.StrideWidth * depth, _p.DilationWidth * depth, rowBytes,
                _p.FilterHeight, _p.FilterWidth, channels, depth != channels, ref MemoryMarshal.GetReference(table), ref MemoryMarshal.GetReference(folded), requantizer,
                ref MemoryMarshal.GetReference(output.Slice((b * _p.OutputHeight + oy) * outputRow, outputRow)));
        }
    }

    /// <summary>
    /// Multiplier one with AVX2: for output pixels whose whole window lies inside the input, blocks of sixteen channels
    /// take two taps per 16-bit multiply-add. The filter is arranged (on the stack, each Invoke) as 16-bit pairs of
    /// horizontally adjacent taps in the lane order of the 16-bit interleave (channels 0-3 and 8-11, then 4-7 and 12-15),
    /// and inputOffset * (sum of a channel's taps) is folded into its bias, so the input is only sign-extended.
    /// </summary>
    private void PrepareInteriorPairs()
    {
        _interiorBlocks = _p.OutputDepth / 16;
        long size = (long)_p.FilterHeight * ((_p.FilterWidth + 1) / 2) * _interiorBlocks * 32;
        _interior = _wide && _gather == Gather.Direct && _interiorBlocks > 0 && size <= PairWeightCapacity && _interiorBlocks * 16 <= InteriorBiasCapacity;
    }

    private void BuildInteriorPairs(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, Span<short> table, Span<int> folded)
    {
        int channels = _p.OutputDepth, blocks = _interiorBlocks, pairs = (_p.FilterWidth + 1) / 2;
        for (int fy = 0; fy < _p.FilterHeight; fy++)
            for (int p = 0; p < pairs; p++)
                for (int k = 0; k < blocks; k++)
                    for (int j = 0; j < 8; j++)
                    {
                        // Pair j of the low half is channel (j / 4) * 8 + j % 4, of the high half that plus four.
                        int channel = k * 16 + (j / 4) * 8 + j % 4;
                        int at = ((fy * pairs + p) * blocks + k) * 32 + 2 * j;
                        int first = (fy * _p.FilterWidth + 2 * p) * channels + channel;
                        bool hasSecond = 2 * p + 1 < _p.FilterWidth;
                        table[at] = weights[first];
                        table[at + 1] = hasSecond ? weights[first + channels] : (short)0;
                        table[at + 16] = weights[first + 4];
                        table[at + 17] = hasSecond ? weights[first + channels + 4] : (short)0;
                    }
        for (int c = 0; c < blocks * 16; c++)
        {
            int sum = 0;
            for (int t = 0; t < _p.FilterHeight * _p.FilterWidth; t++) sum += weights[t * channels + c];
            folded[c] = unchecked((bias.IsEmpty ? 0 : bias[c]) + _p.InputOffset * sum);
        }
    }

    /// <summary>
    /// One input channel, outputs in blocks of eight, unit dilation across, a constant filter: the filter is stored as
    /// 16-bit pairs of horizontally adjacent taps so that one multiply-add of 16-bit pairs covers two taps of eight channels.
    /// </summary>
    private void PreparePairs()
    {
        if (_p.InputDepth != 1 || _p.OutputDepth % 8 != 0 || _p.DilationWidth != 1 || !Sse2.IsSupported) return;
        _pairCount = (_p.FilterWidth + 1) / 2;
        long rowWidth = (long)(_p.OutputWidth - 1) * _p.StrideWidth + _p.FilterWidth + 1;
        if (_p.OutputWidth <= 0 || rowWidth * _p.FilterHeight > PairRowCapacity || (long)_p.FilterHeight * _pairCount * _p.OutputDepth * 2 > PairWeightCapacity) return;
        _pairRowWidth = (int)rowWidth;
        _pairs = true;
    }

    /// <summary>
    /// The filter as 16-bit pairs of horizontally adjacent taps ([fy][pair][channel][2], a missing odd tap zero), built
    /// on the stack each Invoke rather than kept in the arena.
    /// </summary>
    private void BuildPairWeights(ReadOnlySpan<sbyte> weights, Span<short> pairs)
    {
        int channels = _p.OutputDepth, count = _pairCount;
        for (int fy = 0; fy < _p.FilterHeight; fy++)
            for (int p = 0; p < count; p++)
            {
                int first = (fy * _p.FilterWidth + 2 * p) * channels;
                bool hasSecond = 2 * p + 1 < _p.FilterWidth;
                Span<short> destination = pairs.Slice((fy * count + p) * channels * 2, channels * 2);
                for (int c = 0; c < channels; c++)
                {
                    destination[2 * c] = weights[first + c];
                    destination[2 * c + 1] = hasSecond ? weights[first + channels + c] : (short)0;
                }
            }
    }

    private void RunInt8Optimized(InvokeContext context)
    {
        ReadOnlySpan<sbyte> filter = _p.Int8Filter(context);
        if (_parts > 1) context.RunParts(this, _parts);
        else RunInt8Band(context, filter, 0, _p.Batches * _p.OutputHeight);
    }

    private void RunFloatOptimized(InvokeContext context)
    {
        if (_parts > 1) context.RunParts(this, _parts);
        else RunFloatRows(context, 0, _p.Batches * _p.OutputHeight);
    }

    /// <summary>One band of output rows, on whichever thread runs it (the filter was unpacked before the bands began).</summary>
    void IPartitionedKernel.InvokePart(InvokeContext context, int part, int parts)
    {
        RowBands.Range(_p.Batches * _p.OutputHeight, part, parts, out int start, out int end);
        if (start == end) return;
        if (_p.Type == TensorType.Float32) RunFloatRows(context, start, end);
        else RunInt8Band(context, _p.UnpackedInt8Filter(context), start, end);
    }

    /// <summary>Output rows [<paramref name="firstRow"/>, <paramref name="endRow"/>) counted over all batches (batch b's row y is b * OutputHeight + y).</summary>
    private void RunInt8Band(InvokeContext context, ReadOnlySpan<sbyte> filter, int firstRow, int endRow)
    {
        if (_quads && AdvSimd.Arm64.IsSupported) RunInt8ArmQuads(context, filter, firstRow, endRow);
        else if (_quads) RunInt8Quads(context, filter, firstRow, endRow);
        else if (_rows) RunInt8Rows(context, filter, firstRow, endRow);
        else if (_pairs) RunInt8Pairs(context, filter, firstRow, endRow);
        else RunInt8Pixels(context, filter, firstRow, endRow);
    }

    [SkipLocalsInit]
    private void RunInt8Pixels(InvokeContext context, ReadOnlySpan<sbyte> filter, int firstRow, int endRow)
    {
        Int8Operands(context, filter, out ReadOnlySpan<sbyte> input, out ReadOnlySpan<int> bias, out Span<sbyte> output);
        int channels = _p.OutputDepth;
        Gather gather = _gather;
        int depth = _p.InputDepth, multiplier = _p.DepthMultiplier, inputLength = input.Length;
        ref sbyte x = ref MemoryMarshal.GetReference(input);
        ref sbyte w = ref MemoryMarshal.GetReference(filter);
        ref int biasRef = ref MemoryMarshal.GetReference(bias);
        // Block [16k, 16k + 16) reads input channels from 16k / multiplier on; lane j takes the one (16k + j) / multiplier.
        Span<byte> patterns = gather == Gather.Expand ? stackalloc byte[ExpandCapacity + 16] : default;
        if (gather == Gather.Expand)
        {
            patterns.Clear();
            for (int k = 0; k < channels; k++) patterns[k] = (byte)(k / multiplier - (k & ~15) / multiplier);
        }
        ref byte pattern = ref MemoryMarshal.GetReference(patterns);
        bool hasBias = !bias.IsEmpty, wide = _wide;
        var requantizer = _p.CreateInt8Requantizer(context, vector: wide);
        Span<int> spreadScales = !wide && _p.Scales.Channels == 1 ? stackalloc int[2 * _p.OutputDepth] : default;
        var requantizer4 = wide ? default : _p.CreateVector128Requantizer(context, spreadScales);
        // The last pixels' expanded loads would read past the input: those go through this copy.
        Span<sbyte> tail = stackalloc sbyte[16];
        ref sbyte tailRef = ref MemoryMarshal.GetReference(tail);
        short inputOffset = (short)_p.InputOffset;
        Vector256<short> offset16 = Vector256.Create(inputOffset);
        bool interior = _interior;
        Span<short> interiorTable = interior ? stackalloc short[PairWeightCapacity] : default;
        Span<int> interiorFolded = interior ? stackalloc int[InteriorBiasCapacity] : default;
        if (interior) BuildInteriorPairs(filter, bias, interiorTable, interiorFolded);
        ref short interiorW = ref MemoryMarshal.GetReference(interiorTable);
        ref int interiorBias = ref MemoryMarshal.GetReference(interiorFolded);
        // Eight-channel pixel pairs: each tap's eight weights widened to 16 bits, twice (one copy per pixel).
        bool pixelPairs = _eightChannelPixelPairs;
        Span<short> pairedTaps = pixelPairs ? stackalloc short[PixelPairTapCapacity * 16] : default;
        if (pixelPairs)
            for (int t = 0; t < _p.FilterHeight * _p.FilterWidth; t++)
                for (int k = 0; k < 16; k++) pairedTaps[t * 16 + k] = filter[t * 8 + (k & 7)];
        ref short pairedTapsRef = ref MemoryMarshal.GetReference(pairedTaps);
        Vector256<int> pairBias = pixelPairs && hasBias ? Vector256.LoadUnsafe(ref biasRef) : default;
        int nextPixel = _p.StrideWidth * depth;
        var operands = new Int8PixelOperands(ref x, inputLength, ref w, gather, ref pattern, ref tailRef, hasBias, ref biasRef, requantizer, requantizer4);
        int o = firstRow * _p.OutputWidth * channels;
        for (int line = firstRow; line < endRow; line++)
        {
            Window row = RowWindow(line);
            for (int ox = 0; ox < _p.OutputWidth; ox++, o += channels)
            {
                Window window = ColumnWindow(row, ox);
                ref sbyte destination = ref MemoryMarshal.GetReference(output.Slice(o, channels));
                int xStep = _p.DilationWidth * depth;
                if (pixelPairs && ox + 1 < _p.OutputWidth && window.FxStart == 0 && window.FxEnd == _p.FilterWidth
                    && window.XOrigin + _p.StrideWidth + (_p.FilterWidth - 1) * _p.DilationWidth < _p.InputWidth)
                {
                    // This pixel and the next, both with every horizontal tap inside the input: lanes 0-7 and 8-15.
                    Vector256<int> first = pairBias, second = pairBias;
                    for (int fy = window.FyStart; fy < window.FyEnd; fy++)
                    {
                        int pixel = ((window.Row + _p.DilationHeight * fy) * _p.InputWidth + window.XOrigin) * depth;
                        ref short taps = ref Unsafe.Add(ref pairedTapsRef, fy * _p.FilterWidth * 16);
                        for (int fx = 0; fx < _p.FilterWidth; fx++)
                        {
                            ref sbyte at = ref Unsafe.Add(ref x, pixel + fx * xStep);
                            Vector128<sbyte> both = Vector128.Create(
                                Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref at)),
                                Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref at, nextPixel)))).AsSByte();
                            Vector256<short> p = Avx2.MultiplyLow(Avx2.ConvertToVector256Int16(both) + offset16, Vector256.LoadUnsafe(ref taps, (nuint)(fx * 16)));
                            first = Avx2.Add(first, Avx2.ConvertToVector256Int32(p.GetLower()));
                            second = Avx2.Add(second, Avx2.ConvertToVector256Int32(p.GetUpper()));
                        }
                    }
                    Int8Requantizer.Store8(requantizer.Apply8(first, 0), ref destination);
                    Int8Requantizer.Store8(requantizer.Apply8(second, 0), ref Unsafe.Add(ref destination, 8));
                    ox++;
                    o += channels;
                    continue;
                }
                int c = 0;
                if (interior && window.FyStart == 0 && window.FyEnd == _p.FilterHeight && window.FxStart == 0 && window.FxEnd == _p.FilterWidth)
                {
                    int pixel = (window.Row * _p.InputWidth + window.XOrigin) * depth;
                    for (; c + 16 <= channels; c += 16)
                        InteriorBlock(ref Unsafe.Add(ref x, pixel + c), xStep, _p.DilationHeight * _p.InputWidth * depth, ref interiorW, c / 16,
                            ref interiorBias, c, in requantizer, ref Unsafe.Add(ref destination, c));
                }
                if (wide)
                    c = Int8Blocks<Int8Lanes16, Vector256<short>, (Vector256<int>, Vector256<int>)>(new(inputOffset), c, window, operands, ref destination);
                c = Int8Blocks<Int8Lanes8, Vector128<short>, (Vector128<int>, Vector128<int>)>(new(inputOffset, wide), c, window, operands, ref destination);
                for (; c < channels; c++)
                {
                    int acc = hasBias ? Unsafe.Add(ref biasRef, c) : 0;
                    for (int fy = window.FyStart; fy < window.FyEnd; fy++)
                    {
                        int pixel = ((window.Row + _p.DilationHeight * fy) * _p.InputWidth + window.XOrigin) * depth + c / multiplier;
                        int weight = fy * _p.FilterWidth * channels + c;
                        for (int fx = window.FxStart; fx < window.FxEnd; fx++)
                            acc += Unsafe.Add(ref w, weight + fx * channels) * (Unsafe.Add(ref x, pixel + fx * xStep) + inputOffset);
                    }
                    Unsafe.Add(ref destination, c) = requantizer.Apply1(acc, c);
                }
            }
        }
    }

    /// <summary>
    /// Channels <paramref name="c"/>.. of one output pixel, <c>TLanes.Count</c> at a time while a whole block fits: each
    /// block's sums start from the bias, every tap inside the input adds its exact 16-bit products (x + inputOffset) * w,
    /// then the block is requantized. Returns the first channel left. An expanded gather reads the pattern of the block
    /// of sixteen that holds <paramref name="c"/> (its upper half for the second eight); a broadcast input gives its one
    /// value to every lane.
    /// </summary>
    private int Int8Blocks<TLanes, TInputs, TSums>(TLanes lanes, int c, in Window window, in Int8PixelOperands operands, ref sbyte destination)
        where TLanes : struct, IInt8Lanes<TInputs, TSums> where TInputs : struct where TSums : struct
    {
        ref sbyte x = ref operands.Input, w = ref operands.Filter;
        Gather gather = operands.Gather;
        int channels = _p.OutputDepth, depth = _p.InputDepth, xStep = _p.DilationWidth * depth;
        short inputOffset = (short)_p.InputOffset;
        for (; c + TLanes.Count <= channels; c += TLanes.Count)
        {
            int block = c & ~15;
            int source = gather == Gather.Direct ? c : gather == Gather.Expand ? block / _p.DepthMultiplier : 0;
            Vector128<byte> pick = gather == Gather.Expand ? Vector128.LoadUnsafe(ref operands.Pattern, (nuint)block) : default;
            if (gather == Gather.Expand && (c & 8) != 0) pick = Vector128.Create(pick.GetUpper(), pick.GetUpper());
            TSums sums = operands.HasBias ? TLanes.Bias(ref Unsafe.Add(ref operands.Bias, c)) : default;
            for (int fy = window.FyStart; fy < window.FyEnd; fy++)
            {
                int pixel = ((window.Row + _p.DilationHeight * fy) * _p.InputWidth + window.XOrigin) * depth + source;
                int weight = fy * _p.FilterWidth * channels + c;
                for (int fx = window.FxStart; fx < window.FxEnd; fx++)
                {
                    int at = pixel + fx * xStep;
                    TInputs inputs = gather == Gather.Broadcast ? TLanes.Broadcast((short)(Unsafe.Add(ref x, at) + inputOffset))
                        : lanes.Widen(gather == Gather.Direct ? TLanes.Load(ref x, at) : Load16(ref x, at, gather, pick, operands.InputLength, ref operands.Tail));
                    sums = TLanes.MultiplyAdd(sums, inputs, TLanes.Load(ref w, weight + fx * channels));
                }
            }
            lanes.Store(sums, operands.Requantizer, operands.Requantizer4, c, ref Unsafe.Add(ref destination, c));
        }
        return c;
    }

    /// <summary>What the blocks of every output pixel of a band read (gathered so that a pixel's call passes few arguments).</summary>
    private readonly ref struct Int8PixelOperands(ref sbyte input, int inputLength, ref sbyte filter, Gather gather, ref byte pattern, ref sbyte tail,
        bool hasBias, ref int bias, Int8Requantizer requantizer, Vector128Requantizer requantizer4)
    {
        public readonly ref sbyte Input = ref input, Filter = ref filter, Tail = ref tail;
        public readonly ref byte Pattern = ref pattern;
        public readonly ref int Bias = ref bias;
        public readonly int InputLength = inputLength;
        public readonly Gather Gather = gather;
        public readonly bool HasBias = hasBias;
        public readonly Int8Requantizer Requantizer = requantizer;
        public readonly Vector128Requantizer Requantizer4 = requantizer4;
    }

    /// <summary>What differs between the widths of <see cref="Int8Blocks"/>: the loads, the widening, the multiply-add and the store.</summary>
    private interface IInt8Lanes<TInputs, TSums> where TInputs : struct where TSums : struct
    {
        static abstract int Count { get; }

        /// <summary>The block's <c>Count</c> bytes at <paramref name="p"/> + <paramref name="offset"/> in the low lanes.</summary>
        static abstract Vector128<sbyte> Load(ref sbyte p, int offset);

        static abstract TSums Bias(ref int bias);

        /// <summary>The low <c>Count</c> bytes widened to 16 bits, plus the input offset.</summary>
        TInputs Widen(Vector128<sbyte> bytes);

        static abstract TInputs Broadcast(short value);

        /// <summary>sums + inputs * weights (the low <c>Count</c> bytes of <paramref name="weights"/>), the products exact in 16 bits.</summary>
        static abstract TSums MultiplyAdd(TSums sums, TInputs inputs, Vector128<sbyte> weights);

        void Store(TSums sums, in Int8Requantizer requantizer, in Vector128Requantizer requantizer4, int c, ref sbyte destination);
    }

    /// <summary>Sixteen channels (AVX2): 16-bit products summed in two vectors of eight 32-bit lanes.</summary>
    private readonly struct Int8Lanes16(short inputOffset) : IInt8Lanes<Vector256<short>, (Vector256<int> Low, Vector256<int> High)>
    {
        private readonly Vector256<short> _offset = Vector256.Create(inputOffset);

        public static int Count => 16;
        public static Vector128<sbyte> Load(ref sbyte p, int offset) => Vector128.LoadUnsafe(ref p, (nuint)offset);
        public static (Vector256<int> Low, Vector256<int> High) Bias(ref int bias) => (Vector256.LoadUnsafe(ref bias), Vector256.LoadUnsafe(ref bias, 8));
        public Vector256<short> Widen(Vector128<sbyte> bytes) => Avx2.ConvertToVector256Int16(bytes) + _offset;
        public static Vector256<short> Broadcast(short value) => Vector256.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector256<int> Low, Vector256<int> High) MultiplyAdd((Vector256<int> Low, Vector256<int> High) sums, Vector256<short> inputs, Vector128<sbyte> weights)
        {
            Vector256<short> products = Avx2.MultiplyLow(inputs, Avx2.ConvertToVector256Int16(weights));
            return (Avx2.Add(sums.Low, Avx2.ConvertToVector256Int32(products.GetLower())), Avx2.Add(sums.High, Avx2.ConvertToVector256Int32(products.GetUpper())));
        }

        public void Store((Vector256<int> Low, Vector256<int> High) sums, in Int8Requantizer requantizer, in Vector128Requantizer requantizer4, int c, ref sbyte destination)
        {
            Int8Requantizer.Store8(requantizer.Apply8(sums.Low, c), ref destination);
            Int8Requantizer.Store8(requantizer.Apply8(sums.High, c + 8), ref Unsafe.Add(ref destination, 8));
        }
    }

    /// <summary>
    /// Eight channels in portable 128-bit vectors (the whole row below AVX2, Arm64 included; the last eight after AVX2's
    /// sixteens): 16-bit products summed in two vectors of four 32-bit lanes, requantized with AVX2 where the row runs
    /// <paramref name="wide"/>, else four lanes at a time.
    /// </summary>
    private readonly struct Int8Lanes8(short inputOffset, bool wide) : IInt8Lanes<Vector128<short>, (Vector128<int> Low, Vector128<int> High)>
    {
        private readonly Vector128<short> _offset = Vector128.Create(inputOffset);

        public static int Count => 8;
        public static Vector128<sbyte> Load(ref sbyte p, int offset) => PartialLoad.Load8(ref p, offset);
        public static (Vector128<int> Low, Vector128<int> High) Bias(ref int bias) => (Vector128.LoadUnsafe(ref bias), Vector128.LoadUnsafe(ref bias, 4));
        public Vector128<short> Widen(Vector128<sbyte> bytes) => Vector128.WidenLower(bytes) + _offset;
        public static Vector128<short> Broadcast(short value) => Vector128.Create(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector128<int> Low, Vector128<int> High) MultiplyAdd((Vector128<int> Low, Vector128<int> High) sums, Vector128<short> inputs, Vector128<sbyte> weights)
        {
            Vector128<short> products = inputs * Vector128.WidenLower(weights);
            return (sums.Low + Vector128.WidenLower(products), sums.High + Vector128.WidenUpper(products));
        }

        public void Store((Vector128<int> Low, Vector128<int> High) sums, in Int8Requantizer requantizer, in Vector128Requantizer requantizer4, int c, ref sbyte destination)
        {
            if (wide) Int8Requantizer.Store8(requantizer.Apply8(Vector256.Create(sums.Low, sums.High), c), ref destination);
            else Vector128Requantizer.Store8(requantizer4.Apply4(sums.Low, c), requantizer4.Apply4(sums.High, c + 4), ref destination);
        }
    }

    /// <summary>Sixteen channels of one output pixel whose window is inside the input (see <see cref="PrepareInteriorPairs"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void InteriorBlock(ref sbyte x, int tapStep, int rowStep, ref short weights, int block, ref int bias, int c,
        in Int8Requantizer requantizer, ref sbyte destination)
    {
        int pairs = (_p.FilterWidth + 1) / 2, full = _p.FilterWidth / 2, blocks = _interiorBlocks;
        Vector256<int> low = default, high = default;
        for (int fy = 0; fy < _p.FilterHeight; fy++)
        {
            ref sbyte row = ref Unsafe.Add(ref x, fy * rowStep);
            ref short wRow = ref Unsafe.Add(ref weights, (fy * pairs * blocks + block) * 32);
            int p = 0;
            for (; p < full; p++)
            {
                Vector256<short> a = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref row, (nuint)(2 * p * tapStep)));
                Vector256<short> bv = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref row, (nuint)((2 * p + 1) * tapStep)));
                ref short wp = ref Unsafe.Add(ref wRow, p * blocks * 32);
                low += Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(a, bv), Vector256.LoadUnsafe(ref wp));
                high += Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(a, bv), Vector256.LoadUnsafe(ref wp, 16));
            }
            if (p < pairs)
            {
                Vector256<short> a = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref row, (nuint)(2 * p * tapStep)));
                ref short wp = ref Unsafe.Add(ref wRow, p * blocks * 32);
                low += Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(a, Vector256<short>.Zero), Vector256.LoadUnsafe(ref wp));
                high += Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(a, Vector256<short>.Zero), Vector256.LoadUnsafe(ref wp, 16));
            }
        }
        // low holds channels 0-3 and 8-11, high 4-7 and 12-15.
        Vector256<int> first = Avx2.Permute2x128(low, high, 0x20) + Vector256.LoadUnsafe(ref bias, (nuint)c);
        Vector256<int> second = Avx2.Permute2x128(low, high, 0x31) + Vector256.LoadUnsafe(ref bias, (nuint)(c + 8));
        Int8Requantizer.Store8(requantizer.Apply8(first, c), ref destination);
        Int8Requantizer.Store8(requantizer.Apply8(second, c + 8), ref Unsafe.Add(ref destination, 8));
    }

    /// <summary>
    /// One input channel, eight output channels per block: for each output row the filter's input rows are converted
    /// once to 16-bit (x + inputOffset) with zeros where the reference skips taps (a zero adds nothing, so the sums are
    /// the same), then two output pixels at a time take two taps per 16-bit multiply-add against the prepared pairs.
    /// </summary>
    private void RunInt8Pairs(InvokeContext context, ReadOnlySpan<sbyte> filter, int firstRow, int endRow)
    {
        ReadOnlySpan<sbyte> input = context.Input<sbyte>(0);
        ReadOnlySpan<int> bias = _p.HasBias ? context.Input<int>(2) : default;
        if (filter.Length < _p.FilterHeight * _p.FilterWidth * _p.OutputDepth) throw context.Error("tensor data is shorter than its shape");
        Span<short> pairWeights = stackalloc short[PairWeightCapacity];
        BuildPairWeights(filter, pairWeights);
        Span<sbyte> output = context.Output<sbyte>(0);
        int channels = _p.OutputDepth, pairs = _pairCount, rowWidth = _pairRowWidth, strideWidth = _p.StrideWidth;
        if (input.Length < _p.Batches * _p.InputHeight * _p.InputWidth || pairWeights.Length < _p.FilterHeight * pairs * channels * 2
            || output.Length < _p.Batches * _p.OutputHeight * _p.OutputWidth * channels || (!bias.IsEmpty && bias.Length < channels))
            throw context.Error("tensor data is shorter than its shape");
        Span<short> rows = stackalloc short[PairRowCapacity];
        ref short rowsRef = ref MemoryMarshal.GetReference(rows);
        ref short wRef = ref MemoryMarshal.GetReference(pairWeights);
        ref int biasRef = ref MemoryMarshal.GetReference(bias);
        bool hasBias = !bias.IsEmpty, wide = _wide;
        var requantizer = _p.CreateInt8Requantizer(context, vector: wide);
        Span<int> spreadScales = !wide && _p.Scales.Channels == 1 ? stackalloc int[2 * _p.OutputDepth] : default;
        var requantizer4 = wide ? default : _p.CreateVector128Requantizer(context, spreadScales);
        int pairStride = channels * 2, rowStride = pairs * pairStride;
        for (int line = firstRow; line < endRow; line++)
        {
            Window window = RowWindow(line);
            int fyStart = window.FyStart, fyEnd = window.FyEnd;
            for (int fy = fyStart; fy < fyEnd; fy++)
                FillRow(input.Slice((window.Row + _p.DilationHeight * fy) * _p.InputWidth, _p.InputWidth), rows.Slice(fy * rowWidth, rowWidth));
            ref sbyte outRow = ref MemoryMarshal.GetReference(output.Slice(line * _p.OutputWidth * channels, _p.OutputWidth * channels));
            for (int c = 0; c < channels; c += 8)
            {
                ref short wBlock = ref Unsafe.Add(ref wRef, c * 2);
                int ox = 0;
                if (wide)
                {
                    Vector256<int> start = hasBias ? Vector256.LoadUnsafe(ref biasRef, (nuint)c) : default;
                    for (; ox + 2 <= _p.OutputWidth; ox += 2)
                    {
                        Vector256<int> a0 = start, a1 = start;
                        for (int fy = fyStart; fy < fyEnd; fy++)
                        {
                            ref short row = ref Unsafe.Add(ref rowsRef, fy * rowWidth + ox * strideWidth);
                            ref short wRow = ref Unsafe.Add(ref wBlock, fy * rowStride);
                            for (int p = 0; p < pairs; p++)
                            {
                                Vector256<short> wv = Vector256.LoadUnsafe(ref wRow, (nuint)(p * pairStride));
                                a0 += Avx2.MultiplyAddAdjacent(Pair256(ref row, 2 * p), wv);
                                a1 += Avx2.MultiplyAddAdjacent(Pair256(ref row, 2 * p + strideWidth), wv);
                            }
                        }
                        Int8Requantizer.Store8(requantizer.Apply8(a0, c), ref Unsafe.Add(ref outRow, ox * channels + c));
                        Int8Requantizer.Store8(requantizer.Apply8(a1, c), ref Unsafe.Add(ref outRow, (ox + 1) * channels + c));
                    }
                    for (; ox < _p.OutputWidth; ox++)
                    {
                        Vector256<int> a0 = start;
                        for (int fy = fyStart; fy < fyEnd; fy++)
                        {
                            ref short row = ref Unsafe.Add(ref rowsRef, fy * rowWidth + ox * strideWidth);
                            ref short wRow = ref Unsafe.Add(ref wBlock, fy * rowStride);
                            for (int p = 0; p < pairs; p++)
                                a0 += Avx2.MultiplyAddAdjacent(Pair256(ref row, 2 * p), Vector256.LoadUnsafe(ref wRow, (nuint)(p * pairStride)));
                        }
                        Int8Requantizer.Store8(requantizer.Apply8(a0, c), ref Unsafe.Add(ref outRow, ox * channels + c));
                    }
                }
                else
                {
                    Vector128<int> low = hasBias ? Vector128.LoadUnsafe(ref biasRef, (nuint)c) : default;
                    Vector128<int> high = hasBias ? Vector128.LoadUnsafe(ref biasRef, (nuint)(c + 4)) : default;
                    for (; ox < _p.OutputWidth; ox++)
                    {
                        Vector128<int> a0 = low, a1 = high;
                        for (int fy = fyStart; fy < fyEnd; fy++)
                        {
                            ref short row = ref Unsafe.Add(ref rowsRef, fy * rowWidth + ox * strideWidth);
                            ref short wRow = ref Unsafe.Add(ref wBlock, fy * rowStride);
                            for (int p = 0; p < pairs; p++)
                            {
                                Vector128<short> xv = Vector128.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<short, byte>(ref Unsafe.Add(ref row, 2 * p)))).AsInt16();
                                a0 += Sse2.MultiplyAddAdjacent(xv, Vector128.LoadUnsafe(ref wRow, (nuint)(p * pairStride)));
                                a1 += Sse2.MultiplyAddAdjacent(xv, Vector128.LoadUnsafe(ref wRow, (nuint)(p * pairStride + 8)));
                            }
                        }
                        Vector128Requantizer.Store8(requantizer4.Apply4(a0, c), requantizer4.Apply4(a1, c + 4), ref Unsafe.Add(ref outRow, ox * channels + c));
                    }
                }
            }
        }
    }

    /// <summary>Two adjacent 16-bit values of a padded row, repeated in every 32-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Pair256(ref short row, int at)
        => Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<short, byte>(ref Unsafe.Add(ref row, at)))).AsInt16();

    /// <summary>destination[j] = source[j - padWidth] + inputOffset inside the input row, zero outside it.</summary>
    private void FillRow(ReadOnlySpan<sbyte> source, Span<short> destination)
    {
        int start = Math.Clamp(_p.PadWidth, 0, destination.Length);
        int end = Math.Clamp(_p.PadWidth + source.Length, start, destination.Length);
        destination.Slice(0, start).Clear();
        destination.Slice(end).Clear();
        if (end == start) return;
        int first = start - _p.PadWidth;
        Span<short> inside = destination.Slice(start, end - start);
        ReadOnlySpan<sbyte> values = source.Slice(first, inside.Length);
        short offset = (short)_p.InputOffset;
        int j = 0;
        Vector128<short> offsetVector = Vector128.Create(offset);
        for (; j + 16 <= values.Length; j += 16)
        {
            Vector128<sbyte> v = Vector128.Create(values.Slice(j, 16));
            (Vector128.WidenLower(v) + offsetVector).CopyTo(inside.Slice(j, 8));
            (Vector128.WidenUpper(v) + offsetVector).CopyTo(inside.Slice(j + 8, 8));
        }
        for (; j < values.Length; j++) inside[j] = (short)(values[j] + offset);
    }

    /// <summary>Sixteen bytes of the input at <paramref name="at"/>, expanded by <paramref name="lanes"/> when the multiplier is above one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Load16(ref sbyte x, int at, Gather gather, Vector128<byte> lanes, int length, ref sbyte tail)
    {
        if (gather == Gather.Direct) return Vector128.LoadUnsafe(ref x, (nuint)at);
        Vector128<sbyte> v;
        if (at <= length - 16) v = Vector128.LoadUnsafe(ref x, (nuint)at);
        else
        {
            // Only lanes below length - at are selected by the pattern; the rest of the copy is never used.
            for (int k = 0; k < 16; k++) Unsafe.Add(ref tail, k) = at + k < length ? Unsafe.Add(ref x, at + k) : (sbyte)0;
            v = Vector128.LoadUnsafe(ref tail);
        }
        return Shuffle(v, lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Shuffle(Vector128<sbyte> v, Vector128<byte> lanes) => ByteLookup.Shuffle(v.AsByte(), lanes).AsSByte();

    /// <summary>
    /// Float: eight, then four, then one channel at a time (<see cref="FloatChannels"/> over a lane step), each
    /// channel's taps added in the reference's order with separate multiply and add, then the bias: the reference's
    /// exact sums.
    /// </summary>
    private void RunFloatRows(InvokeContext context, int firstRow, int endRow)
    {
        ReadOnlySpan<float> input = context.Input<float>(0);
        ReadOnlySpan<float> filter = context.Input<float>(1);
        ReadOnlySpan<float> bias = _p.HasBias ? context.Input<float>(2) : default;
        Span<float> output = context.Output<float>(0);
        int channels = _p.OutputDepth;
        // A single input channel is broadcast to all output channels (pixel stride 1, no channel offset).
        bool broadcast = _p.InputDepth == 1 && channels > 1;
        int stride = broadcast ? 1 : channels;
        if (input.Length < _p.Batches * _p.InputHeight * _p.InputWidth * _p.InputDepth || filter.Length < _p.FilterHeight * _p.FilterWidth * channels
            || output.Length < _p.Batches * _p.OutputHeight * _p.OutputWidth * channels || (!bias.IsEmpty && bias.Length < channels))
            throw context.Error("tensor data is shorter than its shape");
        bool wide = Vector256.IsHardwareAccelerated && _wide;
        int o = firstRow * _p.OutputWidth * channels;
        for (int line = firstRow; line < endRow; line++)
        {
            Window row = RowWindow(line);
            for (int ox = 0; ox < _p.OutputWidth; ox++, o += channels)
            {
                var window = new FloatWindow(ColumnWindow(row, ox), stride, broadcast);
                Span<float> destination = output.Slice(o, channels);
                int c = 0;
                if (wide)
                {
                    c = FloatChannels<Float8Lanes, Vector256<float>, FourVectors<Float8Lanes, Vector256<float>>>(c, window, input, filter, bias, destination);
                    c = FloatChannels<Float8Lanes, Vector256<float>, OneVector<Float8Lanes, Vector256<float>>>(c, window, input, filter, bias, destination);
                }
                c = FloatChannels<Float4Lanes, Vector128<float>, OneVector<Float4Lanes, Vector128<float>>>(c, window, input, filter, bias, destination);
                FloatChannels<Float1Lane, float, OneVector<Float1Lane, float>>(c, window, input, filter, bias, destination);
            }
        }
    }

    /// <summary>The taps of one output pixel inside the input, and how its input pixels are laid out (a broadcast input's one channel serves every lane).</summary>
    private readonly record struct FloatWindow(Window Taps, int PixelStride, bool Broadcast);

    /// <summary>
    /// Channels <paramref name="c"/>.. of one output pixel, <typeparamref name="TSums"/>' vectors of <c>TLanes</c> at a
    /// time while a whole group fits; returns the first channel left. Each channel's taps are added in the reference's order.
    /// </summary>
    private int FloatChannels<TLanes, TVector, TSums>(int c, in FloatWindow window, ReadOnlySpan<float> input, ReadOnlySpan<float> filter,
        ReadOnlySpan<float> bias, Span<float> destination)
        where TLanes : struct, IFloatLanes<TVector> where TVector : struct where TSums : struct, IFloatSums<TLanes, TVector>
    {
        ref float x = ref MemoryMarshal.GetReference(input);
        ref float w = ref MemoryMarshal.GetReference(filter);
        ref float y = ref MemoryMarshal.GetReference(destination);
        int channels = destination.Length, count = Unsafe.SizeOf<TVector>() / sizeof(float), group = TSums.Vectors * count;
        int dilationHeight = _p.DilationHeight, dilationWidth = _p.DilationWidth, inputWidth = _p.InputWidth, filterWidth = _p.FilterWidth;
        for (; c + group <= channels; c += group)
        {
            TSums sums = default;
            for (int fy = window.Taps.FyStart; fy < window.Taps.FyEnd; fy++)
            {
                int pixel = ((window.Taps.Row + dilationHeight * fy) * inputWidth + window.Taps.XOrigin) * window.PixelStride + (window.Broadcast ? 0 : c);
                int weight = fy * filterWidth * channels + c;
                // With a broadcast input the pixel stride is one: the same index, one value for every lane.
                for (int fx = window.Taps.FxStart; fx < window.Taps.FxEnd; fx++)
                    sums.MultiplyAdd(ref x, pixel + dilationWidth * fx * window.PixelStride, window.Broadcast, ref w, weight + fx * channels, count);
            }
            var store = new FloatStore(bias, c, count, _p.FloatMin, _p.FloatMax);
            sums.Store(store, ref y);
        }
        return c;
    }

    /// <summary>Where a group of sums goes, from its first channel on: plus the bias, clamped, into the output pixel.</summary>
    private readonly ref struct FloatStore(ReadOnlySpan<float> bias, int first, int count, float min, float max)
    {
        private readonly ReadOnlySpan<float> _bias = bias;

        /// <summary>Vector <paramref name="k"/> of the group: plus the bias, clamped, written to the pixel.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Write<TLanes, TVector>(TVector acc, int k, ref float y) where TLanes : struct, IFloatLanes<TVector> where TVector : struct
        {
            int c = first + k * count;
            if (!_bias.IsEmpty) acc = TLanes.Add(acc, LoadFloats<TVector>(ref MemoryMarshal.GetReference(_bias), c));
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref y, c)), TLanes.Clamp(acc, min, max));
        }
    }

    /// <summary>
    /// The running sums of a group of channel vectors: one, or four, whose additions do not wait on one another (a sum
    /// depends on the one before it, so one vector at a time leaves the adder idle between taps).
    /// </summary>
    private interface IFloatSums<TLanes, TVector> where TLanes : struct, IFloatLanes<TVector> where TVector : struct
    {
        static abstract int Vectors { get; }

        /// <summary>Adds one tap: input at <paramref name="at"/> (one value for every lane when broadcast) times the weights at <paramref name="tap"/>.</summary>
        void MultiplyAdd(ref float x, int at, bool broadcast, ref float w, int tap, int count);

        void Store(in FloatStore store, ref float y);
    }

    private struct OneVector<TLanes, TVector> : IFloatSums<TLanes, TVector> where TLanes : struct, IFloatLanes<TVector> where TVector : struct
    {
        private TVector _s0;

        public static int Vectors => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void MultiplyAdd(ref float x, int at, bool broadcast, ref float w, int tap, int count)
        {
            TVector value = broadcast ? TLanes.Splat(Unsafe.Add(ref x, at)) : LoadFloats<TVector>(ref x, at);
            // acc + x * w, unfused: the reference rounds the product before the sum.
            _s0 = TLanes.Add(_s0, TLanes.Multiply(value, LoadFloats<TVector>(ref w, tap)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Store(in FloatStore store, ref float y) => store.Write<TLanes, TVector>(_s0, 0, ref y);
    }

    private struct FourVectors<TLanes, TVector> : IFloatSums<TLanes, TVector> where TLanes : struct, IFloatLanes<TVector> where TVector : struct
    {
        private TVector _s0, _s1, _s2, _s3;

        public static int Vectors => 4;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void MultiplyAdd(ref float x, int at, bool broadcast, ref float w, int tap, int count)
        {
            TVector x0, x1, x2, x3;
            if (broadcast)
            {
                x0 = x1 = x2 = x3 = TLanes.Splat(Unsafe.Add(ref x, at));
            }
            else
            {
                x0 = LoadFloats<TVector>(ref x, at);
                x1 = LoadFloats<TVector>(ref x, at + count);
                x2 = LoadFloats<TVector>(ref x, at + 2 * count);
                x3 = LoadFloats<TVector>(ref x, at + 3 * count);
            }
            _s0 = TLanes.Add(_s0, TLanes.Multiply(x0, LoadFloats<TVector>(ref w, tap)));
            _s1 = TLanes.Add(_s1, TLanes.Multiply(x1, LoadFloats<TVector>(ref w, tap + count)));
            _s2 = TLanes.Add(_s2, TLanes.Multiply(x2, LoadFloats<TVector>(ref w, tap + 2 * count)));
            _s3 = TLanes.Add(_s3, TLanes.Multiply(x3, LoadFloats<TVector>(ref w, tap + 3 * count)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Store(in FloatStore store, ref float y)
        {
            store.Write<TLanes, TVector>(_s0, 0, ref y);
            store.Write<TLanes, TVector>(_s1, 1, ref y);
            store.Write<TLanes, TVector>(_s2, 2, ref y);
            store.Write<TLanes, TVector>(_s3, 3, ref y);
        }
    }

    /// <summary>The <typeparamref name="TVector"/> (a vector of floats, or one float) at <paramref name="source"/>[<paramref name="at"/>].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LoadFloats<TVector>(ref float source, int at) where TVector : struct
        => Unsafe.ReadUnaligned<TVector>(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref source, at)));

    /// <summary>
    /// The operations of one step of the float loop at one width (a vector of floats, or one float); loads and stores
    /// are the same at every width (<see cref="LoadFloats{TVector}"/>).
    /// </summary>
    private interface IFloatLanes<TVector> where TVector : struct
    {
        static abstract TVector Splat(float value);
        static abstract TVector Add(TVector a, TVector b);
        static abstract TVector Multiply(TVector a, TVector b);
        static abstract TVector Clamp(TVector value, float min, float max);
    }

    private readonly struct Float8Lanes : IFloatLanes<Vector256<float>>
    {
        public static Vector256<float> Splat(float value) => Vector256.Create(value);
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
        public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
        public static Vector256<float> Clamp(Vector256<float> value, float min, float max) => Vector256.Min(Vector256.Max(value, Splat(min)), Splat(max));
    }

    private readonly struct Float4Lanes : IFloatLanes<Vector128<float>>
    {
        public static Vector128<float> Splat(float value) => Vector128.Create(value);
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
        public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
        public static Vector128<float> Clamp(Vector128<float> value, float min, float max) => Vector128.Min(Vector128.Max(value, Splat(min)), Splat(max));
    }

    private readonly struct Float1Lane : IFloatLanes<float>
    {
        public static float Splat(float value) => value;
        public static float Add(float a, float b) => a + b;
        public static float Multiply(float a, float b) => a * b;
        public static float Clamp(float value, float min, float max) => Math.Min(Math.Max(value, min), max);
    }

    /// <summary>
    /// The taps of one output pixel inside the input: the window's first input row counted over all batches (batch b's
    /// row y is b * InputHeight + y, which may be negative or past the batch where padding is), its first input column,
    /// and the filter rows and columns whose input coordinates are inside.
    /// </summary>
    private readonly record struct Window(int Row, int XOrigin, int FyStart, int FyEnd, int FxStart, int FxEnd);

    /// <summary>The rows of the windows of output row <paramref name="line"/> (counted over all batches); the columns left empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Window RowWindow(int line)
    {
        int b = line / _p.OutputHeight, yOrigin = line % _p.OutputHeight * _p.StrideHeight - _p.PadHeight;
        return new Window(b * _p.InputHeight + yOrigin, 0, FirstInside(yOrigin, _p.DilationHeight),
            EndInside(yOrigin, _p.DilationHeight, _p.FilterHeight, _p.InputHeight), 0, 0);
    }

    /// <summary>The window of output pixel <paramref name="ox"/> of the row whose windows' rows <paramref name="row"/> holds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Window ColumnWindow(in Window row, int ox)
    {
        int xOrigin = ox * _p.StrideWidth - _p.PadWidth;
        return row with { XOrigin = xOrigin, FxStart = FirstInside(xOrigin, _p.DilationWidth), FxEnd = EndInside(xOrigin, _p.DilationWidth, _p.FilterWidth, _p.InputWidth) };
    }

    /// <summary>The first filter tap whose input coordinate origin + dilation * tap is not negative.</summary>
    /// <remarks>In 64 bits: a padding near the dilation of a huge dilation would wrap the sum in 32.</remarks>
    private static int FirstInside(int origin, int dilation) => origin >= 0 ? 0 : (int)((-(long)origin + dilation - 1) / dilation);

    /// <summary>One past the last filter tap whose input coordinate is below <paramref name="size"/>.</summary>
    private static int EndInside(int origin, int dilation, int taps, int size)
    {
        if (origin >= size) return 0;
        long end = ((long)size - 1 - origin) / dilation + 1;
        return (int)Math.Min(end, taps);
    }
}
