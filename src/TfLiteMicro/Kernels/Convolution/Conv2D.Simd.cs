namespace TfLiteMicro.Kernels;

/// <summary>
/// The optimized int8 path of CONV_2D, chosen in Prepare: each output pixel's receptive field is gathered into one row
/// (padding filled with the input zero point, which contributes nothing) and multiplied with the filter, whose
/// [out, height, width, in] layout already stores each output channel as one contiguous row. Same bytes as the reference.
/// </summary>
internal sealed partial class Conv2D : IPartitionedKernel
{
    // With InterpreterOptions.Threads: the layer is split into this many parts, one per thread (1: not split), bands of
    // output rows or, for the GEMM core, runs of its blocks of output channels (each part then arranges only its own).
    private int _parts = 1;
    private bool _channelParts;

    private SimdLevel _level;
    private bool _int8Optimized, _requantizeVector, _pointwise;
    private int _sumInitialHandle = -1;
    private bool _addBiasAtInvoke;
    private int _rowScratch = -1, _sumScratch = -1;

    private bool _floatOptimized;
    private int _floatRowScratch = -1;

    // The GEMM core (Int8Gemm): the weights arranged once (persistent, when asked for) and its scratch; its shape is
    // made from the parameters when needed rather than kept on the kernel object.
    private bool _gemm;
    private int _gemmArrangedHandle = -1, _gemmScratch = -1;

    private Int8GemmShape GemmShape => new(_p.Batches, _p.InputHeight, _p.InputWidth, _p.InputDepth, _p.OutputHeight, _p.OutputWidth, _p.OutputDepth,
        _p.FilterHeight, _p.FilterWidth, _p.StrideHeight, _p.StrideWidth, _p.DilationHeight, _p.DilationWidth, _p.PadHeight, _p.PadWidth);

    /// <summary>Fewest output pixels for which arranging a layer's weights in every Invoke pays (else the dot products read them in place).</summary>
    private const int GemmMinPixels = 32;

    /// <summary>Largest GEMM scratch (panel and gathered rows) kept on the stack rather than in the arena.</summary>
    private const int GemmStackBytes = 32 * 1024;

    private void PrepareOptimized(PrepareContext context, sbyte[]? unpackedFilter)
    {
        _level = _p.WindowMatchesOutput ? Simd.For(context) : SimdLevel.Reference;
        _int8Optimized = false;
        _pointwise = false;
        _floatOptimized = false;
        _parts = 1;
        _channelParts = false;
        // Bands of output rows: every window reaches into the input (true of every padding TFLite computes), so each band
        // is a convolution of the same kind over the input rows it reads.
        long multiplyAdds = (long)_p.Batches * _p.OutputHeight * _p.OutputWidth * _p.OutputDepth * _p.FilterHeight * _p.FilterWidth * _p.FilterDepth;
        bool bandsFit = (_p.OutputHeight - 1L) * _p.StrideHeight - _p.PadHeight < _p.InputHeight
                        && _p.PadHeight < (_p.FilterHeight - 1L) * _p.DilationHeight + 1;
        // Padded taps enter the fast float path as 0 * w, which the reference skips: equal unless a weight is inf or
        // NaN (0 * inf is NaN), so such filters, and filters not known until Invoke, keep the reference loop.
        if (_level != SimdLevel.Reference && _mode == Mode.Float32 && _p.ChannelsPerGroup == _p.OutputDepth
            && context.Input(1) is { IsConstant: true } floatFilter && AllFinite(floatFilter.AsReadOnlySpan<float>()))
        {
            _floatOptimized = true;
            _parts = RowBands.Parts(context, (long)_p.Batches * _p.OutputHeight, multiplyAdds);
            int floatDepth = _p.FilterHeight * _p.FilterWidth * _p.FilterDepth;
            _floatRowScratch = floatDepth > Int8Dot.StackRowBytes / sizeof(float) ? RowBands.RequestScratch(context, floatDepth * sizeof(float), _parts) : -1;
            return;
        }
        if (_level == SimdLevel.Reference || _mode != Mode.Int8 || _p.ChannelsPerGroup != _p.OutputDepth) return;
        Tensor filter = context.Input(1);
        Tensor? bias = context.OptionalInput(2);
        int depth = _p.FilterHeight * _p.FilterWidth * _p.FilterDepth;
        ReadOnlySpan<sbyte> weights;
        if (unpackedFilter is not null) weights = unpackedFilter;
        else if (filter.IsConstant) weights = filter.AsReadOnlySpan<sbyte>();
        else return;
        if (weights.Length < (long)depth * _p.OutputDepth) return;

        // Rows enter as x + 128: sum w * (x + inputOffset) = sum w * (x + 128) + (inputOffset - 128) * sum w.
        int[] rowSums = Int8Dot.RowSums(weights, depth, _p.OutputDepth);
        bool constantBias = bias is not null && bias.IsConstant;
        ReadOnlySpan<int> biasValues = constantBias ? bias!.AsReadOnlySpan<int>() : default;
        var initial = new int[_p.OutputDepth];
        for (int o = 0; o < _p.OutputDepth; o++)
            initial[o] = unchecked((_p.InputOffset - 128) * rowSums[o] + (constantBias ? biasValues[o] : 0));
        // The folded sums live in the arena's persistent part, next to the multipliers.
        _sumInitialHandle = context.AllocatePersistent<int>(initial);
        _addBiasAtInvoke = bias is not null && !constantBias;
        _requantizeVector = _p.ScalesFitVectors && Int8Requantizer.CanVectorize(_level, default, default);
        _int8Optimized = true;
        PrepareGemm(context, weights, bandsFit ? (long)_p.Batches * _p.OutputHeight : 0, multiplyAdds);
        // A 1x1 filter over few input channels: one lane per output channel instead of one dot product per channel.
        // Past 64 input channels (16 without VNNI, where each lane takes pairs, not quads) the dot products are long
        // enough that the per-row form is as fast (measured on person_detect's layers).
        const int pointwiseMaxDepth = 64;
        _pointwise = _p.FilterHeight == 1 && _p.FilterWidth == 1 && _p.PadHeight == 0 && _p.PadWidth == 0 && !_addBiasAtInvoke && _requantizeVector
            && _p.FilterDepth == _p.InputDepth && _p.FilterDepth <= (_level == SimdLevel.AvxVnni ? pointwiseMaxDepth : 16) && Int8PointwiseConv.Applies(_level, _p.FilterDepth, _p.OutputDepth)
            && (_p.OutputHeight - 1L) * _p.StrideHeight < _p.InputHeight && (_p.OutputWidth - 1L) * _p.StrideWidth < _p.InputWidth;
        // Small buffers live on the stack in Invoke, so the arena is no larger than with the reference kernels.
        _rowScratch = depth + 32 > Int8Dot.StackRowBytes ? RowBands.RequestScratch(context, depth + 32, _parts) : -1;
        _sumScratch = _p.OutputDepth > Int8Dot.StackSums ? RowBands.RequestScratch(context, _p.OutputDepth * sizeof(int), _parts) : -1;
    }

    /// <summary>The GEMM core where it applies, and the layer's split (<paramref name="rows"/> 0: rows cannot be split).</summary>
    private void PrepareGemm(PrepareContext context, ReadOnlySpan<sbyte> weights, long rows, long multiplyAdds)
    {
        _gemm = false;
        Int8GemmShape shape = GemmShape;
        bool arrangeOnce = context.PrearrangeWeights;
        if (!Int8Gemm.Applies(_level, shape) || _addBiasAtInvoke || !_requantizeVector || _p.FilterDepth != _p.InputDepth
            || (!arrangeOnce && shape.Pixels < GemmMinPixels) || (arrangeOnce && Int8Gemm.ArrangedBytes(_level, shape) > int.MaxValue))
        {
            _parts = RowBands.Parts(context, rows, multiplyAdds);
            return;
        }
        if (arrangeOnce)
        {
            var arranged = new byte[Int8Gemm.ArrangedBytes(_level, shape)];
            Int8Gemm.ArrangeAll(_level, weights, shape, arranged);
            _gemmArrangedHandle = context.AllocatePersistent<byte>(arranged);
        }
        // Arranged per Invoke, a filter larger than the layer's activations is better arranged once, a share per part.
        bool channelsOnTie = !arrangeOnce && shape.Depth * shape.OutputDepth > (long)_p.Batches * (_p.InputHeight * _p.InputWidth * _p.InputDepth + _p.OutputHeight * _p.OutputWidth * _p.OutputDepth);
        _parts = RowBands.Parts(context, rows, shape.Blocks, multiplyAdds, channelsOnTie, out _channelParts);
        int scratchBytes = Int8Gemm.ScratchBytes(_level, shape, arrangeOnce);
        _gemmScratch = scratchBytes > GemmStackBytes ? RowBands.RequestScratch(context, scratchBytes, _parts) : -1;
        _gemm = true;
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }

    private void RunInt8Optimized(InvokeContext context)
    {
        ReadOnlySpan<sbyte> filter = _p.Int8Filter(context);
        if (_parts > 1) context.RunParts(this, _parts);
        else RunInt8Rows(context, filter, 0, _p.Batches * _p.OutputHeight, 0, int.MaxValue, 0);
    }

    private void RunFloatOptimized(InvokeContext context)
    {
        if (_parts > 1) context.RunParts(this, _parts);
        else RunFloatRows(context, 0, _p.Batches * _p.OutputHeight, 0);
    }

    /// <summary>One band of output rows or run of channel blocks, on whichever thread runs it (the filter was unpacked before the parts began).</summary>
    void IPartitionedKernel.InvokePart(InvokeContext context, int part, int parts)
    {
        int rows = _p.Batches * _p.OutputHeight;
        if (_channelParts)
        {
            RowBands.Range(GemmShape.Blocks, part, parts, out int firstBlock, out int endBlock);
            if (firstBlock < endBlock) RunInt8Rows(context, _p.UnpackedInt8Filter(context), 0, rows, firstBlock, endBlock, part);
            return;
        }
        RowBands.Range(rows, part, parts, out int start, out int end);
        if (start == end) return;
        if (_mode == Mode.Float32) RunFloatRows(context, start, end, part);
        else RunInt8Rows(context, _p.UnpackedInt8Filter(context), start, end, 0, int.MaxValue, part);
    }

    /// <summary>
    /// Output rows [<paramref name="start"/>, <paramref name="end"/>) counted over all batches (batch b's row y is
    /// b * OutputHeight + y), the GEMM core's channel blocks [<paramref name="firstBlock"/>, <paramref name="endBlock"/>)
    /// of them, with part <paramref name="part"/>'s scratch buffers.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // the row and sums are written before they are read
    private void RunInt8Rows(InvokeContext context, ReadOnlySpan<sbyte> filter, int start, int end, int firstBlock, int endBlock, int part)
    {
        ReadOnlySpan<sbyte> input = context.Input<sbyte>(0);
        Span<sbyte> output = context.Output<sbyte>(0);
        ReadOnlySpan<int> sumInitial = context.Persistent<int>(_sumInitialHandle);
        var requantizer = _p.CreateInt8Requantizer(context, _requantizeVector);
        if (_gemm)
        {
            Span<byte> scratch = _gemmScratch < 0 ? stackalloc byte[GemmStackBytes] : context.Scratch<byte>(RowBands.Handle(_gemmScratch, part));
            ReadOnlySpan<byte> arranged = _gemmArrangedHandle < 0 ? default : context.Persistent<byte>(_gemmArrangedHandle);
            sbyte zeroPoint = unchecked((sbyte)-_p.InputOffset);
            if (start == 0 && end == _p.Batches * _p.OutputHeight)
            {
                Int8GemmShape shape = GemmShape;
                Int8Gemm.Run(_level, shape, input, zeroPoint, filter, arranged, sumInitial, requantizer, output, scratch.Slice(0, Int8Gemm.ScratchBytes(_level, shape, !arranged.IsEmpty)),
                    firstBlock: firstBlock, endBlock: endBlock);
                return;
            }
            for (int b = start / _p.OutputHeight; b * _p.OutputHeight < end; b++)
            {
                Int8GemmShape band = Band(b, start, end, out int inputStart, out int inputLength, out int outputStart, out int outputLength);
                Int8Gemm.Run(_level, band, input.Slice(inputStart, inputLength), zeroPoint, filter, arranged, sumInitial, requantizer,
                    output.Slice(outputStart, outputLength), scratch.Slice(0, Int8Gemm.ScratchBytes(_level, band, !arranged.IsEmpty)));
            }
            return;
        }
        if (_pointwise)
        {
            for (int b = start / _p.OutputHeight; b * _p.OutputHeight < end; b++)
            {
                // No padding: the band's rows read input rows from firstRow * stride on.
                int firstRow = Math.Max(start - b * _p.OutputHeight, 0), endRow = Math.Min(end - b * _p.OutputHeight, _p.OutputHeight);
                int inputRows = _p.InputHeight - firstRow * _p.StrideHeight, inputRowValues = _p.InputWidth * _p.InputDepth, outputRowValues = _p.OutputWidth * _p.OutputDepth;
                Int8PointwiseConv.Run(_level, input.Slice((b * _p.InputHeight + firstRow * _p.StrideHeight) * inputRowValues, inputRows * inputRowValues),
                    filter, sumInitial, requantizer, output.Slice((b * _p.OutputHeight + firstRow) * outputRowValues, (endRow - firstRow) * outputRowValues),
                    1, inputRows, _p.InputWidth, _p.InputDepth, endRow - firstRow, _p.OutputWidth, _p.StrideHeight, _p.StrideWidth, _p.OutputDepth);
            }
            return;
        }
        ReadOnlySpan<int> bias = _addBiasAtInvoke ? context.Input<int>(2) : default;
        int depth = _p.FilterHeight * _p.FilterWidth * _p.FilterDepth;
        Span<byte> row = (_rowScratch < 0 ? stackalloc byte[Int8Dot.StackRowBytes] : context.Scratch<byte>(RowBands.Handle(_rowScratch, part))).Slice(0, depth);
        Span<int> sums = (_sumScratch < 0 ? stackalloc int[Int8Dot.StackSums] : context.Scratch<int>(RowBands.Handle(_sumScratch, part))).Slice(0, _p.OutputDepth);
        // The input zero point as an unsigned activation: its term w * (x + inputOffset) is zero.
        byte padding = unchecked((byte)(128 - _p.InputOffset));
        int tap = _p.FilterDepth;
        int o = start * _p.OutputWidth * _p.OutputDepth;
        for (int outputRow = start; outputRow < end; outputRow++)
        {
            int b = outputRow / _p.OutputHeight, oy = outputRow % _p.OutputHeight;
            int yOrigin = oy * _p.StrideHeight - _p.PadHeight;
            for (int ox = 0; ox < _p.OutputWidth; ox++)
            {
                int xOrigin = ox * _p.StrideWidth - _p.PadWidth;
                int r = 0;
                for (int fy = 0; fy < _p.FilterHeight; fy++)
                {
                    int iy = yOrigin + _p.DilationHeight * fy;
                    if ((uint)iy >= (uint)_p.InputHeight)
                    {
                        row.Slice(r, _p.FilterWidth * tap).Fill(padding);
                        r += _p.FilterWidth * tap;
                        continue;
                    }
                    int lineBase = (b * _p.InputHeight + iy) * _p.InputWidth;
                    if (_p.DilationWidth == 1 && xOrigin >= 0 && xOrigin + _p.FilterWidth <= _p.InputWidth)
                    {
                        // The whole filter row lies inside the input and is contiguous there.
                        Int8Dot.ToUnsigned(input.Slice((lineBase + xOrigin) * _p.InputDepth, _p.FilterWidth * tap), row.Slice(r));
                        r += _p.FilterWidth * tap;
                        continue;
                    }
                    for (int fx = 0; fx < _p.FilterWidth; fx++, r += tap)
                    {
                        int ix = xOrigin + _p.DilationWidth * fx;
                        if ((uint)ix >= (uint)_p.InputWidth) row.Slice(r, tap).Fill(padding);
                        else Int8Dot.ToUnsigned(input.Slice((lineBase + ix) * _p.InputDepth, tap), row.Slice(r));
                    }
                }
                Int8Dot.Rows(_level, row, filter, depth, _p.OutputDepth, sumInitial, sums);
                if (_addBiasAtInvoke)
                    for (int c = 0; c < _p.OutputDepth; c++) sums[c] = unchecked(sums[c] + bias[c]);
                requantizer.Apply(sums, 0, output.Slice(o, _p.OutputDepth));
                o += _p.OutputDepth;
            }
        }
    }

    /// <summary>
    /// Rows [start, end) of batch <paramref name="batch"/>'s output as a convolution of their own for the GEMM core: one
    /// batch, the input from the first row the band's windows read (the padding above it only for the first rows) to the
    /// last, and the spans' places in the layer's input and output.
    /// </summary>
    private Int8GemmShape Band(int batch, int start, int end, out int inputStart, out int inputLength, out int outputStart, out int outputLength)
    {
        int firstRow = Math.Max(start - batch * _p.OutputHeight, 0), endRow = Math.Min(end - batch * _p.OutputHeight, _p.OutputHeight);
        int top = firstRow * _p.StrideHeight - _p.PadHeight;
        int skipped = Math.Max(top, 0);
        int lastRead = (endRow - 1) * _p.StrideHeight - _p.PadHeight + (_p.FilterHeight - 1) * _p.DilationHeight;
        int inputRows = Math.Min(_p.InputHeight - skipped, lastRead - skipped + 1);
        int inputRowValues = _p.InputWidth * _p.InputDepth, outputRowValues = _p.OutputWidth * _p.OutputDepth;
        inputStart = (batch * _p.InputHeight + skipped) * inputRowValues;
        inputLength = inputRows * inputRowValues;
        outputStart = (batch * _p.OutputHeight + firstRow) * outputRowValues;
        outputLength = (endRow - firstRow) * outputRowValues;
        return GemmShape with { Batches = 1, InputHeight = inputRows, OutputHeight = endRow - firstRow, PadHeight = skipped - top };
    }

    /// <summary>
    /// Float: the same gathering (zeros outside the input) and a vectorized dot product per output channel; sums round
    /// differently from the reference's sequential order.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    private void RunFloatRows(InvokeContext context, int start, int end, int part)
    {
        ReadOnlySpan<float> input = context.Input<float>(0);
        ReadOnlySpan<float> filter = context.Input<float>(1);
        ReadOnlySpan<float> bias = _p.HasBias ? context.Input<float>(2) : default;
        Span<float> output = context.Output<float>(0);
        int depth = _p.FilterHeight * _p.FilterWidth * _p.FilterDepth;
        Span<float> row = (_floatRowScratch < 0 ? stackalloc float[Int8Dot.StackRowBytes / sizeof(float)] : context.Scratch<float>(RowBands.Handle(_floatRowScratch, part))).Slice(0, depth);
        int tap = _p.FilterDepth;
        bool pointwise = _p.FilterHeight == 1 && _p.FilterWidth == 1 && _p.PadHeight == 0 && _p.PadWidth == 0;
        int o = start * _p.OutputWidth * _p.OutputDepth;
        for (int outputRow = start; outputRow < end; outputRow++)
        {
            int b = outputRow / _p.OutputHeight, oy = outputRow % _p.OutputHeight;
            int yOrigin = oy * _p.StrideHeight - _p.PadHeight;
            for (int ox = 0; ox < _p.OutputWidth; ox++, o += _p.OutputDepth)
            {
                int xOrigin = ox * _p.StrideWidth - _p.PadWidth;
                ReadOnlySpan<float> gathered = row;
                if (pointwise)
                {
                    gathered = input.Slice(((b * _p.InputHeight + yOrigin) * _p.InputWidth + xOrigin) * _p.InputDepth, depth);
                }
                else
                {
                    int r = 0;
                    for (int fy = 0; fy < _p.FilterHeight; fy++)
                    {
                        int iy = yOrigin + _p.DilationHeight * fy;
                        if ((uint)iy >= (uint)_p.InputHeight)
                        {
                            row.Slice(r, _p.FilterWidth * tap).Clear();
                            r += _p.FilterWidth * tap;
                            continue;
                        }
                        int lineBase = (b * _p.InputHeight + iy) * _p.InputWidth;
                        for (int fx = 0; fx < _p.FilterWidth; fx++, r += tap)
                        {
                            int ix = xOrigin + _p.DilationWidth * fx;
                            if ((uint)ix >= (uint)_p.InputWidth) row.Slice(r, tap).Clear();
                            else input.Slice((lineBase + ix) * _p.InputDepth, tap).CopyTo(row.Slice(r));
                        }
                    }
                    gathered = row;
                }
                FloatDot.Rows(_level, gathered, filter, depth, _p.OutputDepth, bias, _p.FloatMin, _p.FloatMax, output.Slice(o, _p.OutputDepth));
            }
        }
    }
}
