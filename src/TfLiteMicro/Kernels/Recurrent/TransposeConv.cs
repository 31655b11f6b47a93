using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// TRANSPOSE_CONV (the gradient of CONV_2D with respect to its input, used to upsample): every input pixel scatters
/// input x filter into a stride-spaced window of the output. Inputs: output shape, filter [out_c, h, w, in_c], input
/// (NHWC), optional bias. float32; int8 with per-channel filters and int32 bias; int16 activations with int8 filters
/// and an int64 (or int16, widened) bias.
/// </summary>
public sealed class TransposeConv : IKernel
{
    private const int OutputShapeIndex = 0, FilterIndex = 1, InputIndex = 2, BiasIndex = 3;

    private TensorType _type;
    private TensorType _biasType;
    private bool _hasBias;
    private int _batches, _inHeight, _inWidth, _inDepth, _outHeight, _outWidth, _outDepth, _filterHeight, _filterWidth;
    private int _strideHeight, _strideWidth, _padHeight, _padWidth;
    private float _floatMin, _floatMax;
    private int _min, _max, _inputOffset, _outputOffset;
    private int[] _multipliers = [], _shifts = [];
    private int _scratch = -1;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(3, 4, 1);
        TransposeConvOptions options = TransposeConvOptions.Read(context);
        PaddingKind padding = options.Padding;
        _strideWidth = options.StrideW;
        _strideHeight = options.StrideH;
        FusedActivation activation = options.FusedActivationFunction;

        Tensor filter = context.Input(FilterIndex);
        Tensor input = context.Input(InputIndex);
        Tensor? bias = context.OptionalInput(BiasIndex);
        Tensor output = context.Output(0);
        ConvolutionSetup.ExpectRank(context, input, "input", 4);
        ConvolutionSetup.ExpectRank(context, filter, "filter", 4);
        ConvolutionSetup.ExpectRank(context, output, "output", 4);
        ConvolutionSetup.CheckConstantSize(context, filter, "filter");
        _type = input.Type;
        if (output.Type != _type) throw context.Error($"output type {TensorTypes.GetName(output.Type)} differs from input type {TensorTypes.GetName(_type)}");
        bool filterOk = _type switch
        {
            TensorType.Float32 => filter.Type == TensorType.Float32,
            TensorType.Int8 or TensorType.Int16 => filter.Type == TensorType.Int8,
            _ => throw context.UnsupportedType("input", _type),
        };
        if (!filterOk) throw context.UnsupportedType($"filter (with {TensorTypes.GetName(_type)} input)", filter.Type);

        _batches = input.Dim(0);
        _inHeight = input.Dim(1);
        _inWidth = input.Dim(2);
        _inDepth = input.Dim(3);
        _outDepth = filter.Dim(0);
        _filterHeight = filter.Dim(1);
        _filterWidth = filter.Dim(2);
        _outHeight = output.Dim(1);
        _outWidth = output.Dim(2);
        if (output.Dim(0) != _batches) throw context.Error($"output batch {output.Dim(0)} differs from input batch {_batches}");
        if (filter.Dim(3) != _inDepth) throw context.Error($"filter depth {filter.Dim(3)} differs from input depth {_inDepth}");
        if (output.Dim(3) != _outDepth) throw context.Error($"output depth {output.Dim(3)} differs from the filter's {_outDepth} output channels");

        // Padding is that of the forward convolution from the output back to the input.
        _padHeight = WindowGeometry.Compute(context, "height", padding, _outHeight, _filterHeight, _strideHeight, 1).Padding;
        _padWidth = WindowGeometry.Compute(context, "width", padding, _outWidth, _filterWidth, _strideWidth, 1).Padding;

        _hasBias = bias is not null;
        if (bias is not null)
        {
            if (bias.ElementCount != _outDepth) throw context.Error($"bias holds {bias.ElementCount} values, expected {_outDepth}");
            ConvolutionSetup.CheckConstantSize(context, bias, "bias");
            _biasType = bias.Type;
            TensorType expected = _type switch { TensorType.Float32 => TensorType.Float32, TensorType.Int8 => TensorType.Int32, _ => TensorType.Int64 };
            if (bias.Type != expected && !(_type == TensorType.Int16 && bias.Type == TensorType.Int16))
                throw context.UnsupportedType("bias", bias.Type);
        }

        if (_type == TensorType.Float32)
        {
            (_floatMin, _floatMax) = ActivationRange.Float(activation);
            return;
        }

        (_multipliers, _shifts) = ConvolutionSetup.PerChannelMultipliers(context, input, filter, output, _outDepth, 0);
        (_min, _max) = ActivationRange.Quantized(activation, output);
        _inputOffset = -input.ZeroPoint;
        _outputOffset = output.ZeroPoint;
        long elements = (long)_batches * _outHeight * _outWidth * _outDepth;
        int accumulatorSize = _type == TensorType.Int8 ? sizeof(int) : sizeof(long);
        if (elements * accumulatorSize > int.MaxValue) throw context.Error("the output is too large");
        _scratch = context.RequestScratch((int)(elements * accumulatorSize));
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32: InvokeFloat(context); break;
            case TensorType.Int8: InvokeInt8(context); break;
            default: InvokeInt16(context); break;
        }
    }

    private void InvokeFloat(InvokeContext context)
    {
        ReadOnlySpan<float> input = context.Input<float>(InputIndex);
        ReadOnlySpan<float> filter = context.Input<float>(FilterIndex);
        ReadOnlySpan<float> bias = _hasBias ? context.Input<float>(BiasIndex) : default;
        Span<float> output = context.Output<float>(0);
        output.Clear();
        for (int b = 0; b < _batches; b++)
        for (int iy = 0; iy < _inHeight; iy++)
        for (int ix = 0; ix < _inWidth; ix++)
        for (int ic = 0; ic < _inDepth; ic++)
        {
            float value = input[((b * _inHeight + iy) * _inWidth + ix) * _inDepth + ic];
            int oy0 = iy * _strideHeight - _padHeight;
            int ox0 = ix * _strideWidth - _padWidth;
            for (int fy = 0; fy < _filterHeight; fy++)
            {
                int oy = oy0 + fy;
                if ((uint)oy >= (uint)_outHeight) continue;
                for (int fx = 0; fx < _filterWidth; fx++)
                {
                    int ox = ox0 + fx;
                    if ((uint)ox >= (uint)_outWidth) continue;
                    int outBase = ((b * _outHeight + oy) * _outWidth + ox) * _outDepth;
                    for (int oc = 0; oc < _outDepth; oc++)
                        output[outBase + oc] += value * filter[((oc * _filterHeight + fy) * _filterWidth + fx) * _inDepth + ic];
                }
            }
        }
        for (int i = 0; i < output.Length; i++)
        {
            float acc = output[i];
            if (_hasBias) acc += bias[i % _outDepth];
            output[i] = MathF.Min(MathF.Max(acc, _floatMin), _floatMax);
        }
    }

    private void InvokeInt8(InvokeContext context)
    {
        ReadOnlySpan<sbyte> input = context.Input<sbyte>(InputIndex);
        ReadOnlySpan<sbyte> filter = context.Input<sbyte>(FilterIndex);
        ReadOnlySpan<int> bias = _hasBias ? context.Input<int>(BiasIndex) : default;
        Span<sbyte> output = context.Output<sbyte>(0);
        Span<int> acc = context.Scratch<int>(_scratch);
        acc.Clear();
        for (int b = 0; b < _batches; b++)
        for (int iy = 0; iy < _inHeight; iy++)
        for (int ix = 0; ix < _inWidth; ix++)
        for (int ic = 0; ic < _inDepth; ic++)
        {
            int value = input[((b * _inHeight + iy) * _inWidth + ix) * _inDepth + ic] + _inputOffset;
            int oy0 = iy * _strideHeight - _padHeight;
            int ox0 = ix * _strideWidth - _padWidth;
            for (int fy = 0; fy < _filterHeight; fy++)
            {
                int oy = oy0 + fy;
                if ((uint)oy >= (uint)_outHeight) continue;
                for (int fx = 0; fx < _filterWidth; fx++)
                {
                    int ox = ox0 + fx;
                    if ((uint)ox >= (uint)_outWidth) continue;
                    int outBase = ((b * _outHeight + oy) * _outWidth + ox) * _outDepth;
                    for (int oc = 0; oc < _outDepth; oc++)
                        acc[outBase + oc] = unchecked(acc[outBase + oc] + value * filter[((oc * _filterHeight + fy) * _filterWidth + fx) * _inDepth + ic]);
                }
            }
        }
        for (int i = 0; i < output.Length; i++)
        {
            int oc = i % _outDepth;
            int sum = _hasBias ? unchecked(acc[i] + bias[oc]) : acc[i];
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(sum, _multipliers[oc], _shifts[oc]) + _outputOffset;
            output[i] = (sbyte)Math.Clamp(scaled, _min, _max);
        }
    }

    private void InvokeInt16(InvokeContext context)
    {
        ReadOnlySpan<short> input = context.Input<short>(InputIndex);
        ReadOnlySpan<sbyte> filter = context.Input<sbyte>(FilterIndex);
        ReadOnlySpan<long> bias64 = _hasBias && _biasType == TensorType.Int64 ? context.Input<long>(BiasIndex) : default;
        ReadOnlySpan<short> bias16 = _hasBias && _biasType == TensorType.Int16 ? context.Input<short>(BiasIndex) : default;
        Span<short> output = context.Output<short>(0);
        Span<long> acc = context.Scratch<long>(_scratch);
        acc.Clear();
        for (int b = 0; b < _batches; b++)
        for (int iy = 0; iy < _inHeight; iy++)
        for (int ix = 0; ix < _inWidth; ix++)
        for (int ic = 0; ic < _inDepth; ic++)
        {
            int value = input[((b * _inHeight + iy) * _inWidth + ix) * _inDepth + ic] + _inputOffset;
            int oy0 = iy * _strideHeight - _padHeight;
            int ox0 = ix * _strideWidth - _padWidth;
            for (int fy = 0; fy < _filterHeight; fy++)
            {
                int oy = oy0 + fy;
                if ((uint)oy >= (uint)_outHeight) continue;
                for (int fx = 0; fx < _filterWidth; fx++)
                {
                    int ox = ox0 + fx;
                    if ((uint)ox >= (uint)_outWidth) continue;
                    int outBase = ((b * _outHeight + oy) * _outWidth + ox) * _outDepth;
                    for (int oc = 0; oc < _outDepth; oc++)
                        acc[outBase + oc] += value * filter[((oc * _filterHeight + fy) * _filterWidth + fx) * _inDepth + ic];
                }
            }
        }
        for (int i = 0; i < output.Length; i++)
        {
            int oc = i % _outDepth;
            long sum = acc[i];
            if (_hasBias) sum += _biasType == TensorType.Int64 ? bias64[oc] : bias16[oc];
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(sum, _multipliers[oc], _shifts[oc]);
            output[i] = (short)Math.Clamp(scaled, _min, _max);
        }
    }
}
