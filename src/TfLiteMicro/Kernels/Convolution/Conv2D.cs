using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// CONV_2D: a 2-D convolution over NHWC input with an [out_channels, height, width, in_channels / groups] filter.
/// Types as TFLM's reference kernel: float32; int8 input with int8 or packed int4 per-channel weights and int32 bias;
/// int16 input with int8 weights and int64 (or int32) bias. Grouped convolution when the input depth is a multiple of
/// the filter's input depth.
/// </summary>
public sealed partial class Conv2D : IKernel
{
    private enum Mode { Float32, Int8, Int16Accumulate64, Int16Accumulate32 }

    private Mode _mode;
    private bool _hasBias;
    private int _batches, _inputHeight, _inputWidth, _inputDepth;
    private int _filterHeight, _filterWidth, _filterDepth, _outputDepth, _filtersPerGroup;
    private int _outputHeight, _outputWidth;
    private int _strideHeight, _strideWidth, _dilationHeight, _dilationWidth, _padHeight, _padWidth;
    private float _floatMin, _floatMax;
    private int _quantizedMin, _quantizedMax, _inputOffset, _outputOffset;
    private PersistentChannelScales _scales;
    private int _unpackedFilterScratch = -1;
    private bool _windowMatchesOutput;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 3, 1);
        Tensor input = context.Input(0);
        Tensor filter = context.Input(1);
        Tensor? bias = context.OptionalInput(2);
        Tensor output = context.Output(0);

        Conv2DOptions options = Conv2DOptions.Read(context);
        PaddingKind padding = options.Padding;
        _strideWidth = options.StrideW;
        _strideHeight = options.StrideH;
        FusedActivation activation = options.FusedActivationFunction;
        _dilationWidth = options.DilationWFactor;
        _dilationHeight = options.DilationHFactor;
        TensorType quantizedBiasType = options.QuantizedBiasType;

        if (input.Type != output.Type)
            throw context.Error($"input type {TensorTypes.GetName(input.Type)} differs from output type {TensorTypes.GetName(output.Type)}");
        _mode = (input.Type, filter.Type) switch
        {
            (TensorType.Float32, TensorType.Float32) => Mode.Float32,
            (TensorType.Int8, TensorType.Int8 or TensorType.Int4) => Mode.Int8,
            (TensorType.Int16, TensorType.Int8) => Mode.Int16Accumulate64,
            (TensorType.Float32 or TensorType.Int8 or TensorType.Int16, _) => throw context.UnsupportedType($"filter (for {TensorTypes.GetName(input.Type)} input)", filter.Type),
            _ => throw context.UnsupportedType("input", input.Type),
        };

        ConvolutionSetup.ExpectRank(context, input, "input", 4);
        ConvolutionSetup.ExpectRank(context, filter, "filter", 4);
        ConvolutionSetup.ExpectRank(context, output, "output", 4);
        ConvolutionSetup.CheckConstantSize(context, filter, "filter");

        _batches = input.Dim(0);
        _inputHeight = input.Dim(1);
        _inputWidth = input.Dim(2);
        _inputDepth = input.Dim(3);
        _outputDepth = filter.Dim(0);
        _filterHeight = filter.Dim(1);
        _filterWidth = filter.Dim(2);
        _filterDepth = filter.Dim(3);
        if (_filterDepth <= 0 || _inputDepth % _filterDepth != 0)
            throw context.Error($"input depth {_inputDepth} is not a multiple of the filter depth {_filterDepth}");
        int groups = _inputDepth / _filterDepth;
        if (groups == 0 || _outputDepth % groups != 0)
            throw context.Error($"{_outputDepth} output channels cannot be split into {groups} groups");
        _filtersPerGroup = _outputDepth / groups;

        WindowGeometry height = WindowGeometry.Compute(context, "height", padding, _inputHeight, _filterHeight, _strideHeight, _dilationHeight);
        WindowGeometry width = WindowGeometry.Compute(context, "width", padding, _inputWidth, _filterWidth, _strideWidth, _dilationWidth);
        _padHeight = height.Padding;
        _padWidth = width.Padding;
        _outputHeight = output.Dim(1);
        _outputWidth = output.Dim(2);
        // Like TFLM, the padding follows the computed output size while the loops cover the model's output shape;
        // when the two differ only the reference loops run (they check every input position).
        _windowMatchesOutput = height.CheckExtent(context, "height", _outputHeight, _filterHeight, _strideHeight, _dilationHeight)
            & width.CheckExtent(context, "width", _outputWidth, _filterWidth, _strideWidth, _dilationWidth);
        if (output.Dim(0) != _batches || output.Dim(3) != _outputDepth)
            throw context.Error($"output shape [{string.Join(",", output.ShapeArray)}] should be [{_batches},{height.OutputSize},{width.OutputSize},{_outputDepth}]");

        _hasBias = bias is not null;
        if (bias is not null)
        {
            if (bias.ElementCount != _outputDepth)
                throw context.Error($"bias has {bias.ElementCount} values for {_outputDepth} output channels");
            ConvolutionSetup.CheckConstantSize(context, bias, "bias");
            TensorType expected = _mode switch
            {
                Mode.Float32 => TensorType.Float32,
                Mode.Int8 => TensorType.Int32,
                _ => bias.Type == TensorType.Int32 ? TensorType.Int32 : TensorType.Int64,
            };
            if (bias.Type != expected) throw context.UnsupportedType($"bias (for {TensorTypes.GetName(input.Type)} input)", bias.Type);
            if (_mode == Mode.Int16Accumulate64 && bias.Type == TensorType.Int32) _mode = Mode.Int16Accumulate32;
        }
        else if (_mode == Mode.Int16Accumulate64 && quantizedBiasType == TensorType.Int32)
        {
            _mode = Mode.Int16Accumulate32;
        }

        if (_mode == Mode.Float32)
        {
            (_floatMin, _floatMax) = ActivationRange.Float(activation);
            PrepareOptimized(context, [], [], null);
            return;
        }

        (int[] multipliers, int[] shifts) = ConvolutionSetup.PerChannelMultipliers(context, input, filter, output, _outputDepth, 0);
        _scales = PersistentChannelScales.Allocate(context, multipliers, shifts);
        (_quantizedMin, _quantizedMax) = ActivationRange.Quantized(activation, output);
        _inputOffset = -input.ZeroPoint;
        _outputOffset = output.ZeroPoint;
        sbyte[]? unpacked = null;
        if (filter.Type == TensorType.Int4)
        {
            unpacked = ConvolutionSetup.UnpackInt4Filter(context, filter);
            _unpackedFilterScratch = context.RequestScratch(unpacked.Length);
        }
        PrepareOptimized(context, multipliers, shifts, unpacked);
        PrepareInt16Optimized(context);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_mode)
        {
            case Mode.Float32 when _floatOptimized:
                RunFloatOptimized(context);
                break;
            case Mode.Float32:
                RunFloat(context.Input<float>(0), context.Input<float>(1), _hasBias ? context.Input<float>(2) : default, context.Output<float>(0));
                break;
            case Mode.Int8 when _int8Optimized:
                RunInt8Optimized(context);
                break;
            case Mode.Int8:
                RunInt8(context.Input<sbyte>(0), ConvolutionSetup.Filter(context, 1, _unpackedFilterScratch), _hasBias ? context.Input<int>(2) : default,
                    context.Output<sbyte>(0), _scales.Multipliers(context), _scales.Shifts(context));
                break;
            case Mode.Int16Accumulate64 or Mode.Int16Accumulate32 when _int16Optimized:
                RunInt16Optimized(context);
                break;
            case Mode.Int16Accumulate64:
                RunInt16(context.Input<short>(0), context.Input<sbyte>(1), _hasBias ? context.Input<long>(2) : default, context.Output<short>(0),
                    _scales.Multipliers(context), _scales.Shifts(context));
                break;
            case Mode.Int16Accumulate32:
                RunInt16(context.Input<short>(0), context.Input<sbyte>(1), _hasBias ? context.Input<int>(2) : default, context.Output<short>(0),
                    _scales.Multipliers(context), _scales.Shifts(context));
                break;
        }
    }

    private void RunFloat(ReadOnlySpan<float> input, ReadOnlySpan<float> filter, ReadOnlySpan<float> bias, Span<float> output)
    {
        int o = 0;
        for (int b = 0; b < _batches; b++)
        {
            for (int oy = 0; oy < _outputHeight; oy++)
            {
                int yOrigin = oy * _strideHeight - _padHeight;
                for (int ox = 0; ox < _outputWidth; ox++)
                {
                    int xOrigin = ox * _strideWidth - _padWidth;
                    for (int oc = 0; oc < _outputDepth; oc++)
                    {
                        int channelBase = oc / _filtersPerGroup * _filterDepth;
                        float total = 0f;
                        for (int fy = 0; fy < _filterHeight; fy++)
                        {
                            int iy = yOrigin + _dilationHeight * fy;
                            if ((uint)iy >= (uint)_inputHeight) continue;
                            for (int fx = 0; fx < _filterWidth; fx++)
                            {
                                int ix = xOrigin + _dilationWidth * fx;
                                if ((uint)ix >= (uint)_inputWidth) continue;
                                ReadOnlySpan<float> x = input.Slice(((b * _inputHeight + iy) * _inputWidth + ix) * _inputDepth + channelBase, _filterDepth);
                                ReadOnlySpan<float> w = filter.Slice(((oc * _filterHeight + fy) * _filterWidth + fx) * _filterDepth, _filterDepth);
                                for (int ic = 0; ic < x.Length; ic++) total += x[ic] * w[ic];
                            }
                        }
                        float value = total + (bias.IsEmpty ? 0f : bias[oc]);
                        output[o++] = Math.Min(Math.Max(value, _floatMin), _floatMax);
                    }
                }
            }
        }
    }

    private void RunInt8(ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> filter, ReadOnlySpan<int> bias, Span<sbyte> output,
        ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts)
    {
        int inputOffset = _inputOffset;
        int o = 0;
        for (int b = 0; b < _batches; b++)
        {
            for (int oy = 0; oy < _outputHeight; oy++)
            {
                int yOrigin = oy * _strideHeight - _padHeight;
                for (int ox = 0; ox < _outputWidth; ox++)
                {
                    int xOrigin = ox * _strideWidth - _padWidth;
                    for (int oc = 0; oc < _outputDepth; oc++)
                    {
                        int channelBase = oc / _filtersPerGroup * _filterDepth;
                        int acc = 0;
                        for (int fy = 0; fy < _filterHeight; fy++)
                        {
                            int iy = yOrigin + _dilationHeight * fy;
                            if ((uint)iy >= (uint)_inputHeight) continue;
                            for (int fx = 0; fx < _filterWidth; fx++)
                            {
                                int ix = xOrigin + _dilationWidth * fx;
                                if ((uint)ix >= (uint)_inputWidth) continue;
                                ReadOnlySpan<sbyte> x = input.Slice(((b * _inputHeight + iy) * _inputWidth + ix) * _inputDepth + channelBase, _filterDepth);
                                ReadOnlySpan<sbyte> w = filter.Slice(((oc * _filterHeight + fy) * _filterWidth + fx) * _filterDepth, _filterDepth);
                                for (int ic = 0; ic < x.Length; ic++) acc += w[ic] * (x[ic] + inputOffset);
                            }
                        }
                        if (!bias.IsEmpty) acc += bias[oc];
                        acc = FixedPoint.MultiplyByQuantizedMultiplier(acc, multipliers[oc], shifts[oc]) + _outputOffset;
                        output[o++] = (sbyte)Math.Min(Math.Max(acc, _quantizedMin), _quantizedMax);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The int16 reference: int64 sums with an int64 bias, or, for an int32 bias, int32 sums that wrap (two's complement)
    /// on overflow. Each product (at most 2^22) is formed in int and summed in a long; for an int32 bias the low 32 bits
    /// of that sum are exactly the wrapped int32 sum.
    /// </summary>
    private void RunInt16<TAccumulator>(ReadOnlySpan<short> input, ReadOnlySpan<sbyte> filter, ReadOnlySpan<TAccumulator> bias, Span<short> output,
        ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts)
        where TAccumulator : unmanaged
    {
        int o = 0;
        for (int b = 0; b < _batches; b++)
        {
            for (int oy = 0; oy < _outputHeight; oy++)
            {
                int yOrigin = oy * _strideHeight - _padHeight;
                for (int ox = 0; ox < _outputWidth; ox++)
                {
                    int xOrigin = ox * _strideWidth - _padWidth;
                    for (int oc = 0; oc < _outputDepth; oc++)
                    {
                        int channelBase = oc / _filtersPerGroup * _filterDepth;
                        long acc = 0;
                        for (int fy = 0; fy < _filterHeight; fy++)
                        {
                            int iy = yOrigin + _dilationHeight * fy;
                            if ((uint)iy >= (uint)_inputHeight) continue;
                            for (int fx = 0; fx < _filterWidth; fx++)
                            {
                                int ix = xOrigin + _dilationWidth * fx;
                                if ((uint)ix >= (uint)_inputWidth) continue;
                                ReadOnlySpan<short> x = input.Slice(((b * _inputHeight + iy) * _inputWidth + ix) * _inputDepth + channelBase, _filterDepth);
                                ReadOnlySpan<sbyte> w = filter.Slice(((oc * _filterHeight + fy) * _filterWidth + fx) * _filterDepth, _filterDepth);
                                for (int ic = 0; ic < x.Length; ic++) acc += w[ic] * x[ic];
                            }
                        }
                        if (!bias.IsEmpty) acc += Scalar.ToInt64(bias[oc]);
                        int scaled = typeof(TAccumulator) == typeof(long)
                            ? FixedPoint.MultiplyByQuantizedMultiplier(acc, multipliers[oc], shifts[oc])
                            : FixedPoint.MultiplyByQuantizedMultiplier(unchecked((int)acc), multipliers[oc], shifts[oc]);
                        output[o++] = (short)Math.Min(Math.Max(scaled, _quantizedMin), _quantizedMax);
                    }
                }
            }
        }
    }
}
