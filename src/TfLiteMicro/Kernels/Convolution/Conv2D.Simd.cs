namespace TfLiteMicro.Kernels;

/// <summary>
/// The optimized int8 path of CONV_2D, chosen in Prepare: each output pixel's receptive field is gathered into one row
/// (padding filled with the input zero point, which contributes nothing) and multiplied with the filter, whose
/// [out, height, width, in] layout already stores each output channel as one contiguous row. Same bytes as the reference.
/// </summary>
public sealed partial class Conv2D
{
    private SimdLevel _level;
    private bool _int8Optimized, _requantizeVector, _pointwise;
    private int _sumInitialHandle = -1;
    private bool _addBiasAtInvoke;
    private int _rowScratch = -1, _sumScratch = -1;

    private bool _floatOptimized;
    private int _floatRowScratch = -1;

    // The GEMM core (Int8Gemm): its shape, the weights arranged once (persistent, when asked for) and its scratch.
    private bool _gemm;
    private Int8GemmShape _gemmShape;
    private int _gemmArrangedHandle = -1, _gemmScratch = -1, _gemmScratchBytes;

    /// <summary>Fewest output pixels for which arranging a layer's weights in every Invoke pays (else the dot products read them in place).</summary>
    private const int GemmMinPixels = 32;

    /// <summary>Largest GEMM scratch (panel and gathered rows) kept on the stack rather than in the arena.</summary>
    private const int GemmStackBytes = 32 * 1024;

    private void PrepareOptimized(PrepareContext context, int[] multipliers, int[] shifts, sbyte[]? unpackedFilter)
    {
        _level = _windowMatchesOutput ? Simd.For(context) : SimdLevel.Reference;
        _int8Optimized = false;
        _pointwise = false;
        _floatOptimized = false;
        // Padded taps enter the fast float path as 0 * w, which the reference skips: equal unless a weight is inf or
        // NaN (0 * inf is NaN), so such filters, and filters not known until Invoke, keep the reference loop.
        if (_level != SimdLevel.Reference && _mode == Mode.Float32 && _filtersPerGroup == _outputDepth
            && context.Input(1) is { IsConstant: true } floatFilter && AllFinite(floatFilter.AsReadOnlySpan<float>()))
        {
            _floatOptimized = true;
            int floatDepth = _filterHeight * _filterWidth * _filterDepth;
            _floatRowScratch = floatDepth > Int8Dot.StackRowBytes / sizeof(float) ? context.RequestScratch(floatDepth * sizeof(float)) : -1;
            return;
        }
        if (_level == SimdLevel.Reference || _mode != Mode.Int8 || _filtersPerGroup != _outputDepth) return;
        Tensor filter = context.Input(1);
        Tensor? bias = context.OptionalInput(2);
        int depth = _filterHeight * _filterWidth * _filterDepth;
        ReadOnlySpan<sbyte> weights;
        if (unpackedFilter is not null) weights = unpackedFilter;
        else if (filter.IsConstant) weights = filter.AsReadOnlySpan<sbyte>();
        else return;
        if (weights.Length < (long)depth * _outputDepth) return;

        // Rows enter as x + 128: sum w * (x + inputOffset) = sum w * (x + 128) + (inputOffset - 128) * sum w.
        int[] rowSums = Int8Dot.RowSums(weights, depth, _outputDepth);
        bool constantBias = bias is not null && bias.IsConstant;
        ReadOnlySpan<int> biasValues = constantBias ? bias!.AsReadOnlySpan<int>() : default;
        var initial = new int[_outputDepth];
        for (int o = 0; o < _outputDepth; o++)
            initial[o] = unchecked((_inputOffset - 128) * rowSums[o] + (constantBias ? biasValues[o] : 0));
        // The folded sums live in the arena's persistent part, next to the multipliers.
        _sumInitialHandle = context.AllocatePersistent<int>(initial);
        _addBiasAtInvoke = bias is not null && !constantBias;
        _requantizeVector = Int8Requantizer.CanVectorize(_level, multipliers, shifts);
        _int8Optimized = true;
        PrepareGemm(context, weights);
        // A 1x1 filter over few input channels: one lane per output channel instead of one dot product per channel.
        // Past 64 input channels (16 without VNNI, where each lane takes pairs, not quads) the dot products are long
        // enough that the per-row form is as fast (measured on person_detect's layers).
        const int pointwiseMaxDepth = 64;
        _pointwise = _filterHeight == 1 && _filterWidth == 1 && _padHeight == 0 && _padWidth == 0 && !_addBiasAtInvoke && _requantizeVector
            && _filterDepth == _inputDepth && _filterDepth <= (_level == SimdLevel.AvxVnni ? pointwiseMaxDepth : 16) && Int8PointwiseConv.Applies(_level, _filterDepth, _outputDepth)
            && (_outputHeight - 1L) * _strideHeight < _inputHeight && (_outputWidth - 1L) * _strideWidth < _inputWidth;
        // Small buffers live on the stack in Invoke, so the arena is no larger than with the reference kernels.
        _rowScratch = depth + 32 > Int8Dot.StackRowBytes ? context.RequestScratch(depth + 32) : -1;
        _sumScratch = _outputDepth > Int8Dot.StackSums ? context.RequestScratch(_outputDepth * sizeof(int)) : -1;
    }

    private void PrepareGemm(PrepareContext context, ReadOnlySpan<sbyte> weights)
    {
        _gemm = false;
        _gemmShape = new Int8GemmShape(_batches, _inputHeight, _inputWidth, _inputDepth, _outputHeight, _outputWidth, _outputDepth,
            _filterHeight, _filterWidth, _strideHeight, _strideWidth, _dilationHeight, _dilationWidth, _padHeight, _padWidth);
        if (!Int8Gemm.Applies(_level, _gemmShape) || _addBiasAtInvoke || !_requantizeVector || _filterDepth != _inputDepth) return;
        bool arrangeOnce = context.PrearrangeWeights;
        if (!arrangeOnce && _gemmShape.Pixels < GemmMinPixels) return;
        if (arrangeOnce)
        {
            long bytes = Int8Gemm.ArrangedBytes(_level, _gemmShape);
            if (bytes > int.MaxValue) return;
            var arranged = new byte[bytes];
            Int8Gemm.ArrangeAll(_level, weights, _gemmShape, arranged);
            _gemmArrangedHandle = context.AllocatePersistent<byte>(arranged);
        }
        _gemmScratchBytes = Int8Gemm.ScratchBytes(_level, _gemmShape, arrangeOnce);
        _gemmScratch = _gemmScratchBytes > GemmStackBytes ? context.RequestScratch(_gemmScratchBytes) : -1;
        _gemm = true;
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
            if (!float.IsFinite(v)) return false;
        return true;
    }

    [System.Runtime.CompilerServices.SkipLocalsInit] // the row and sums are written before they are read
    private void RunInt8Optimized(InvokeContext context)
    {
        ReadOnlySpan<sbyte> input = context.Input<sbyte>(0);
        ReadOnlySpan<sbyte> filter = ConvolutionSetup.Filter(context, 1, _unpackedFilterScratch);
        Span<sbyte> output = context.Output<sbyte>(0);
        ReadOnlySpan<int> sumInitial = context.Persistent<int>(_sumInitialHandle);
        var requantizer = new Int8Requantizer(_scales.Multipliers(context), _scales.Shifts(context), _outputOffset, _quantizedMin, _quantizedMax, _requantizeVector);
        if (_gemm)
        {
            Span<byte> scratch = _gemmScratch < 0 ? stackalloc byte[GemmStackBytes] : context.Scratch<byte>(_gemmScratch);
            ReadOnlySpan<byte> arranged = _gemmArrangedHandle < 0 ? default : context.Persistent<byte>(_gemmArrangedHandle);
            Int8Gemm.Run(_level, _gemmShape, input, unchecked((sbyte)-_inputOffset), filter, arranged, sumInitial, requantizer, output, scratch.Slice(0, _gemmScratchBytes));
            return;
        }
        if (_pointwise)
        {
            Int8PointwiseConv.Run(_level, input, filter, sumInitial, requantizer, output, _batches, _inputHeight, _inputWidth, _inputDepth,
                _outputHeight, _outputWidth, _strideHeight, _strideWidth, _outputDepth);
            return;
        }
        ReadOnlySpan<int> bias = _addBiasAtInvoke ? context.Input<int>(2) : default;
        int depth = _filterHeight * _filterWidth * _filterDepth;
        Span<byte> row = (_rowScratch < 0 ? stackalloc byte[Int8Dot.StackRowBytes] : context.Scratch<byte>(_rowScratch)).Slice(0, depth);
        Span<int> sums = (_sumScratch < 0 ? stackalloc int[Int8Dot.StackSums] : context.Scratch<int>(_sumScratch)).Slice(0, _outputDepth);
        // The input zero point as an unsigned activation: its term w * (x + inputOffset) is zero.
        byte padding = unchecked((byte)(128 - _inputOffset));
        int tap = _filterDepth;
        int o = 0;
        for (int b = 0; b < _batches; b++)
        {
            for (int oy = 0; oy < _outputHeight; oy++)
            {
                int yOrigin = oy * _strideHeight - _padHeight;
                for (int ox = 0; ox < _outputWidth; ox++)
                {
                    int xOrigin = ox * _strideWidth - _padWidth;
                    int r = 0;
                    for (int fy = 0; fy < _filterHeight; fy++)
                    {
                        int iy = yOrigin + _dilationHeight * fy;
                        if ((uint)iy >= (uint)_inputHeight)
                        {
                            row.Slice(r, _filterWidth * tap).Fill(padding);
                            r += _filterWidth * tap;
                            continue;
                        }
                        int lineBase = (b * _inputHeight + iy) * _inputWidth;
                        if (_dilationWidth == 1 && xOrigin >= 0 && xOrigin + _filterWidth <= _inputWidth)
                        {
                            // The whole filter row lies inside the input and is contiguous there.
                            Int8Dot.ToUnsigned(input.Slice((lineBase + xOrigin) * _inputDepth, _filterWidth * tap), row.Slice(r));
                            r += _filterWidth * tap;
                            continue;
                        }
                        for (int fx = 0; fx < _filterWidth; fx++, r += tap)
                        {
                            int ix = xOrigin + _dilationWidth * fx;
                            if ((uint)ix >= (uint)_inputWidth) row.Slice(r, tap).Fill(padding);
                            else Int8Dot.ToUnsigned(input.Slice((lineBase + ix) * _inputDepth, tap), row.Slice(r));
                        }
                    }
                    Int8Dot.Rows(_level, row, filter, depth, _outputDepth, sumInitial, sums);
                    if (_addBiasAtInvoke)
                        for (int c = 0; c < _outputDepth; c++) sums[c] = unchecked(sums[c] + bias[c]);
                    requantizer.Apply(sums, 0, output.Slice(o, _outputDepth));
                    o += _outputDepth;
                }
            }
        }
    }

    /// <summary>
    /// Float: the same gathering (zeros outside the input) and a vectorized dot product per output channel; sums round
    /// differently from the reference's sequential order.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    private void RunFloatOptimized(InvokeContext context)
    {
        ReadOnlySpan<float> input = context.Input<float>(0);
        ReadOnlySpan<float> filter = context.Input<float>(1);
        ReadOnlySpan<float> bias = _hasBias ? context.Input<float>(2) : default;
        Span<float> output = context.Output<float>(0);
        int depth = _filterHeight * _filterWidth * _filterDepth;
        Span<float> row = (_floatRowScratch < 0 ? stackalloc float[Int8Dot.StackRowBytes / sizeof(float)] : context.Scratch<float>(_floatRowScratch)).Slice(0, depth);
        int tap = _filterDepth;
        bool pointwise = _filterHeight == 1 && _filterWidth == 1 && _padHeight == 0 && _padWidth == 0;
        int o = 0;
        for (int b = 0; b < _batches; b++)
        {
            for (int oy = 0; oy < _outputHeight; oy++)
            {
                int yOrigin = oy * _strideHeight - _padHeight;
                for (int ox = 0; ox < _outputWidth; ox++, o += _outputDepth)
                {
                    int xOrigin = ox * _strideWidth - _padWidth;
                    ReadOnlySpan<float> gathered = row;
                    if (pointwise)
                    {
                        gathered = input.Slice(((b * _inputHeight + yOrigin) * _inputWidth + xOrigin) * _inputDepth, depth);
                    }
                    else
                    {
                        int r = 0;
                        for (int fy = 0; fy < _filterHeight; fy++)
                        {
                            int iy = yOrigin + _dilationHeight * fy;
                            if ((uint)iy >= (uint)_inputHeight)
                            {
                                row.Slice(r, _filterWidth * tap).Clear();
                                r += _filterWidth * tap;
                                continue;
                            }
                            int lineBase = (b * _inputHeight + iy) * _inputWidth;
                            for (int fx = 0; fx < _filterWidth; fx++, r += tap)
                            {
                                int ix = xOrigin + _dilationWidth * fx;
                                if ((uint)ix >= (uint)_inputWidth) row.Slice(r, tap).Clear();
                                else input.Slice((lineBase + ix) * _inputDepth, tap).CopyTo(row.Slice(r));
                            }
                        }
                        gathered = row;
                    }
                    FloatDot.Rows(_level, gathered, filter, depth, _outputDepth, bias, _floatMin, _floatMax, output.Slice(o, _outputDepth));
                }
            }
        }
    }
}
