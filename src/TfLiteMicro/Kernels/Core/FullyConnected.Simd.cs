using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>The optimized int8 path of FULLY_CONNECTED, chosen in Prepare; same bytes as the reference.</summary>
public sealed partial class FullyConnected
{
    private SimdLevel _level;
    private bool _int8Optimized, _requantizeVector;
    private PersistentChannelScales _requantizeScales;
    private int _sumInitialHandle = -1;
    private bool _addBiasAtInvoke;
    private int _rowScratch = -1, _sumScratch = -1;

    private bool _floatOptimized;

    private void PrepareOptimized(PrepareContext context, int[]? channelMultipliers, int[]? channelShifts)
    {
        _level = Simd.For(context);
        _int8Optimized = false;
        _floatOptimized = _level != SimdLevel.Reference && _inputType == TensorType.Float32;
        if (_level == SimdLevel.Reference || _inputType != TensorType.Int8 || _weightsType != TensorType.Int8) return;
        Tensor weights = context.Input(WeightsIndex);
        if (!weights.IsConstant || weights.AsReadOnlySpan<byte>().Length < (long)_outputDepth * _accumDepth) return;
        Tensor? bias = context.OptionalInput(BiasIndex);

        // Activations enter the dot product as x + 128 (unsigned); sum w * (x + inputOffset) is then
        // sum w * (x + 128) + (inputOffset - 128) * sum w, and the second term is known now.
        int[] rowSums = Int8Dot.RowSums(weights.AsReadOnlySpan<sbyte>(), _accumDepth, _outputDepth);
        var initial = new int[_outputDepth];
        bool constantBias = bias is not null && bias.IsConstant;
        ReadOnlySpan<int> biasValues = constantBias ? bias!.AsReadOnlySpan<int>() : default;
        if (constantBias && biasValues.Length < _outputDepth) return;
        for (int o = 0; o < _outputDepth; o++)
        {
            // A weights zero point adds weightsOffset * sum (x + inputOffset), which depends on the input (see Invoke).
            initial[o] = unchecked((_inputOffset - 128) * rowSums[o] + (constantBias ? biasValues[o] : 0));
        }
        // The folded sums and the multipliers live in the arena's persistent part; a per-tensor multiplier is spread
        // over the channels so that the requantization reads eight channels at a time either way.
        _sumInitialHandle = context.AllocatePersistent<int>(initial);
        _addBiasAtInvoke = bias is not null && !constantBias;
        if (channelMultipliers is not null && channelShifts is not null)
        {
            _requantizeScales = _channelScales;
        }
        else
        {
            channelMultipliers = new int[_outputDepth];
            channelShifts = new int[_outputDepth];
            Array.Fill(channelMultipliers, _outputMultiplier);
            Array.Fill(channelShifts, _outputShift);
            _requantizeScales = PersistentChannelScales.Allocate(context, channelMultipliers, channelShifts);
        }
        _requantizeVector = Int8Requantizer.CanVectorize(_level, channelMultipliers, channelShifts);
        _int8Optimized = true;
        // Small buffers live on the stack in Invoke, so the arena is no larger than with the reference kernels.
        _rowScratch = _accumDepth + 32 > Int8Dot.StackRowBytes ? context.RequestScratch(_accumDepth + 32) : -1;
        _sumScratch = _outputDepth > Int8Dot.StackSums ? context.RequestScratch(_outputDepth * sizeof(int)) : -1;
    }

    [System.Runtime.CompilerServices.SkipLocalsInit] // the row and sums are written before they are read
    private void InvokeInt8Optimized(InvokeContext context)
    {
        ReadOnlySpan<sbyte> input = context.Input<sbyte>(InputIndex);
        ReadOnlySpan<sbyte> weights = context.Input<sbyte>(WeightsIndex);
        ReadOnlySpan<int> bias = _addBiasAtInvoke ? context.Input<int>(BiasIndex) : default;
        Span<sbyte> output = context.Output<sbyte>(0);
        Span<byte> row = (_rowScratch < 0 ? stackalloc byte[Int8Dot.StackRowBytes] : context.Scratch<byte>(_rowScratch));
        Span<int> sums = (_sumScratch < 0 ? stackalloc int[Int8Dot.StackSums] : context.Scratch<int>(_sumScratch)).Slice(0, _outputDepth);
        int weightsOffset = _perChannel ? 0 : _weightsOffset;
        ReadOnlySpan<int> sumInitial = context.Persistent<int>(_sumInitialHandle);
        var requantizer = new Int8Requantizer(_requantizeScales.Multipliers(context), _requantizeScales.Shifts(context),
            _outputOffset, _activationMin, _activationMax, _requantizeVector);
        for (int b = 0; b < _batches; b++)
        {
            ReadOnlySpan<sbyte> x = input.Slice(b * _accumDepth, _accumDepth);
            Int8Dot.ToUnsigned(x, row);
            Int8Dot.Rows(_level, row, weights, _accumDepth, _outputDepth, sumInitial, sums);
            int rowAdd = 0;
            if (weightsOffset != 0)
            {
                // weightsOffset * sum (x + inputOffset), the input-dependent part of a non-zero weights zero point.
                int total = 0;
                foreach (sbyte v in x) total += v;
                rowAdd = unchecked(weightsOffset * (total + _accumDepth * _inputOffset));
            }
            if (_addBiasAtInvoke)
                for (int o = 0; o < _outputDepth; o++) sums[o] = unchecked(sums[o] + bias[o]);
            requantizer.Apply(sums, rowAdd, output.Slice(b * _outputDepth, _outputDepth));
        }
    }

    private void InvokeFloatOptimized(InvokeContext context)
    {
        ReadOnlySpan<float> input = context.Input<float>(InputIndex);
        ReadOnlySpan<float> weights = context.Input<float>(WeightsIndex);
        ReadOnlySpan<float> bias = _hasBias ? context.Input<float>(BiasIndex) : default;
        Span<float> output = context.Output<float>(0);
        for (int b = 0; b < _batches; b++)
            FloatDot.Rows(_level, input.Slice(b * _accumDepth, _accumDepth), weights, _accumDepth, _outputDepth, bias,
                _floatMin, _floatMax, output.Slice(b * _outputDepth, _outputDepth));
    }
}
