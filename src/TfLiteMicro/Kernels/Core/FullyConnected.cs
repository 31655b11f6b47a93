using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// FULLY_CONNECTED: output[b, o] = activation(sum_d input[b, d] * weights[o, d] + bias[o]).
/// float32; int8 activations with int8 (or packed int4) weights, per-tensor or per-channel; int16 activations with
/// int8 weights and an int64 (or int32) bias. Integer results follow TFLM's reference kernels exactly.
/// </summary>
public sealed partial class FullyConnected : IKernel
{
    private const int InputIndex = 0, WeightsIndex = 1, BiasIndex = 2;

    private TensorType _inputType;
    private TensorType _weightsType;
    private TensorType _biasType;
    private bool _hasBias;
    private int _batches, _outputDepth, _accumDepth;
    private float _floatMin, _floatMax;
    private int _inputOffset, _weightsOffset, _outputOffset;
    private int _activationMin, _activationMax;
    private int _outputMultiplier, _outputShift;
    private bool _perChannel;
    private PersistentChannelScales _channelScales;
    private bool _int32Accumulator;
    private int _unpackedWeightsScratch = -1;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 3, 1);
        FullyConnectedOptions options = FullyConnectedOptions.Read(context);
        FusedActivation activation = options.FusedActivationFunction;
        if (options.WeightsFormat != FullyConnectedOptionsWeightsFormat.Default)
            throw context.Error("the shuffled weights format is not supported (TFLM supports only the default format)");

        Tensor input = context.Input(InputIndex);
        Tensor weights = context.Input(WeightsIndex);
        Tensor? bias = context.OptionalInput(BiasIndex);
        Tensor output = context.Output(0);

        _inputType = input.Type;
        _weightsType = weights.Type;
        if (output.Type != input.Type)
            throw context.Error($"output type {TensorTypes.GetName(output.Type)} differs from input type {TensorTypes.GetName(input.Type)}");
        bool typesOk = input.Type switch
        {
            TensorType.Float32 => weights.Type == TensorType.Float32,
            TensorType.Int8 => weights.Type is TensorType.Int8 or TensorType.Int4,
            TensorType.Int16 => weights.Type == TensorType.Int8,
            _ => throw context.UnsupportedType("input", input.Type),
        };
        if (!typesOk)
            throw context.Error($"input type {TensorTypes.GetName(input.Type)} with weights type {TensorTypes.GetName(weights.Type)} is not supported");

        if (weights.Rank < 2) throw context.Error($"weights must have at least 2 dimensions, got {weights.Rank}");
        if (output.Rank < 1) throw context.Error("output must have at least 1 dimension");
        // Hostile-model check (belongs to the shared matrix-product parameters): an output dimension left at -1
        // would make the batch count and the row sums negative sizes.
        foreach (int d in output.Shape)
            if (d < 0) throw context.Error($"output shape [{string.Join(",", output.ShapeArray)}] has an unknown dimension");
        _accumDepth = weights.Dim(-1);
        _outputDepth = output.Dim(-1);
        _batches = _outputDepth == 0 ? 0 : output.ElementCount / _outputDepth;
        if (_outputDepth > weights.Dim(-2))
            throw context.Error($"output depth {_outputDepth} exceeds the weights' {weights.Dim(-2)} rows");
        if ((long)_batches * _accumDepth > input.ElementCount)
            throw context.Error($"input has {input.ElementCount} elements, fewer than {_batches} batches x depth {_accumDepth}");

        _hasBias = bias is not null;
        if (bias is not null)
        {
            _biasType = bias.Type;
            TensorType expectedBias = input.Type switch
            {
                TensorType.Float32 => TensorType.Float32,
                TensorType.Int8 => TensorType.Int32,
                _ => bias.Type == TensorType.Int32 ? TensorType.Int32 : TensorType.Int64,
            };
            if (bias.Type != expectedBias) throw context.UnsupportedType("bias", bias.Type);
            if (bias.ElementCount < _outputDepth)
                throw context.Error($"bias has {bias.ElementCount} elements, fewer than the output depth {_outputDepth}");
        }

        if (input.Type == TensorType.Float32)
        {
            (_floatMin, _floatMax) = ActivationRange.Float(activation);
            PrepareOptimized(context, null, null);
            return;
        }

        _inputOffset = -input.ZeroPoint;
        _weightsOffset = -weights.ZeroPoint;
        _outputOffset = output.ZeroPoint;
        (_activationMin, _activationMax) = ActivationRange.Quantized(activation, output);
        _int32Accumulator = input.Type == TensorType.Int8
            || (bias is not null ? bias.Type == TensorType.Int32 : options.QuantizedBiasType == TensorType.Int32);

        ReadOnlySpan<float> scales = weights.Quantization.Scales;
        int[]? channelMultipliers = null, channelShifts = null;
        _perChannel = false;
        if (scales.Length == 0) throw context.Error("weights are not quantized");
        if (scales.Length > 1)
        {
            if (weights.Type == TensorType.Int4) throw context.Error("per-channel quantization is not supported with int4 weights");
            int dimension = weights.Quantization.QuantizedDimension;
            if (dimension >= weights.Rank || weights.Dim(dimension) != scales.Length)
                throw context.Error($"weights have {scales.Length} scales, which does not match dimension {dimension}");
            if (scales.Length < _outputDepth)
                throw context.Error($"weights have {scales.Length} scales for {_outputDepth} output channels");
            channelMultipliers = new int[_outputDepth];
            channelShifts = new int[_outputDepth];
            for (int c = 0; c < _outputDepth; c++)
                (channelMultipliers[c], channelShifts[c]) = FixedPoint.QuantizeMultiplier((double)input.Scale * scales[c] / output.Scale);
            _perChannel = true;
            _channelScales = PersistentChannelScales.Allocate(context, channelMultipliers, channelShifts);
        }
        else
        {
            double inputProductScale = (double)input.Scale * weights.Scale;
            if (bias is not null && bias.Quantization.IsQuantized)
            {
                double biasScale = bias.Scale;
                if (Math.Abs(inputProductScale - biasScale) > 1e-6 * Math.Min(inputProductScale, biasScale))
                    throw context.Error($"bias scale {biasScale} does not equal input scale x weights scale {inputProductScale}");
            }
            (_outputMultiplier, _outputShift) = FixedPoint.QuantizeMultiplier(inputProductScale / output.Scale);
        }

        if (weights.Type == TensorType.Int4)
            _unpackedWeightsScratch = context.RequestScratch(weights.ElementCount);
        PrepareOptimized(context, channelMultipliers, channelShifts);
        PrepareInt16Optimized(context);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_inputType)
        {
            case TensorType.Float32 when _floatOptimized:
                InvokeFloatOptimized(context);
                break;
            case TensorType.Float32:
                InvokeFloat(context);
                break;
            case TensorType.Int8 when _int8Optimized:
                InvokeInt8Optimized(context);
                break;
            case TensorType.Int8:
                ReadOnlySpan<sbyte> weights = context.Input<sbyte>(WeightsIndex);
                if (_weightsType == TensorType.Int4)
                {
                    Span<sbyte> unpacked = context.Scratch<sbyte>(_unpackedWeightsScratch);
                    Int4.Unpack(weights, unpacked);
                    weights = unpacked;
                }
                InvokeInt8(context, weights);
                break;
            case TensorType.Int16 when _int16Optimized:
                InvokeInt16Optimized(context);
                break;
            default:
                InvokeInt16(context);
                break;
        }
    }

    private void InvokeFloat(InvokeContext context)
    {
        ReadOnlySpan<float> input = context.Input<float>(InputIndex);
        ReadOnlySpan<float> weights = context.Input<float>(WeightsIndex);
        ReadOnlySpan<float> bias = _hasBias ? context.Input<float>(BiasIndex) : default;
        Span<float> output = context.Output<float>(0);
        for (int b = 0; b < _batches; b++)
        {
            ReadOnlySpan<float> row = input.Slice(b * _accumDepth, _accumDepth);
            for (int o = 0; o < _outputDepth; o++)
            {
                ReadOnlySpan<float> w = weights.Slice(o * _accumDepth, _accumDepth);
                float total = 0f;
                for (int d = 0; d < row.Length; d++) total += row[d] * w[d];
                float value = total + (_hasBias ? bias[o] : 0f);
                output[b * _outputDepth + o] = Math.Min(Math.Max(value, _floatMin), _floatMax);
            }
        }
    }

    private void InvokeInt8(InvokeContext context, ReadOnlySpan<sbyte> weights)
    {
        ReadOnlySpan<sbyte> input = context.Input<sbyte>(InputIndex);
        ReadOnlySpan<int> bias = _hasBias ? context.Input<int>(BiasIndex) : default;
        Span<sbyte> output = context.Output<sbyte>(0);
        bool perChannel = _perChannel;
        ReadOnlySpan<int> multipliers = perChannel ? _channelScales.Multipliers(context) : default;
        ReadOnlySpan<int> shifts = perChannel ? _channelScales.Shifts(context) : default;
        // The per-channel reference ignores the weights' zero point (weights are symmetric there).
        int weightsOffset = perChannel ? 0 : _weightsOffset;
        for (int b = 0; b < _batches; b++)
        {
            ReadOnlySpan<sbyte> row = input.Slice(b * _accumDepth, _accumDepth);
            for (int o = 0; o < _outputDepth; o++)
            {
                ReadOnlySpan<sbyte> w = weights.Slice(o * _accumDepth, _accumDepth);
                int acc = 0;
                for (int d = 0; d < row.Length; d++) acc += (w[d] + weightsOffset) * (row[d] + _inputOffset);
                if (_hasBias) acc += bias[o];
                int scaled = perChannel
                    ? FixedPoint.MultiplyByQuantizedMultiplier(acc, multipliers[o], shifts[o])
                    : FixedPoint.MultiplyByQuantizedMultiplier(acc, _outputMultiplier, _outputShift);
                scaled += _outputOffset;
                output[b * _outputDepth + o] = (sbyte)Math.Min(Math.Max(scaled, _activationMin), _activationMax);
            }
        }
    }

    private void InvokeInt16(InvokeContext context)
    {
        ReadOnlySpan<short> input = context.Input<short>(InputIndex);
        ReadOnlySpan<sbyte> weights = context.Input<sbyte>(WeightsIndex);
        ReadOnlySpan<int> bias32 = _hasBias && _biasType == TensorType.Int32 ? context.Input<int>(BiasIndex) : default;
        ReadOnlySpan<long> bias64 = _hasBias && _biasType == TensorType.Int64 ? context.Input<long>(BiasIndex) : default;
        Span<short> output = context.Output<short>(0);
        bool perChannel = _perChannel;
        ReadOnlySpan<int> multipliers = perChannel ? _channelScales.Multipliers(context) : default;
        ReadOnlySpan<int> shifts = perChannel ? _channelScales.Shifts(context) : default;
        int weightsOffset = perChannel ? 0 : _weightsOffset;
        for (int b = 0; b < _batches; b++)
        {
            ReadOnlySpan<short> row = input.Slice(b * _accumDepth, _accumDepth);
            for (int o = 0; o < _outputDepth; o++)
            {
                ReadOnlySpan<sbyte> w = weights.Slice(o * _accumDepth, _accumDepth);
                int multiplier = perChannel ? multipliers[o] : _outputMultiplier;
                int shift = perChannel ? shifts[o] : _outputShift;
                int scaled;
                if (_int32Accumulator)
                {
                    int acc = 0;
                    for (int d = 0; d < row.Length; d++) acc += (w[d] + weightsOffset) * (row[d] + _inputOffset);
                    if (_hasBias) acc += bias32[o];
                    scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, multiplier, shift);
                }
                else
                {
                    long acc = 0;
                    for (int d = 0; d < row.Length; d++) acc += (long)(w[d] + weightsOffset) * (row[d] + _inputOffset);
                    if (_hasBias) acc += bias64[o];
                    scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, multiplier, shift);
                }
                scaled += _outputOffset;
                output[b * _outputDepth + o] = (short)Math.Min(Math.Max(scaled, _activationMin), _activationMax);
            }
        }
    }
}
