using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The optimized int16x8 path of FULLY_CONNECTED (int16 activations, int8 weights), chosen in Prepare; same bytes as the
/// reference. The exact 64-bit sums of w * x come from <see cref="Int16Dot"/>; zero points enter by expansion:
/// sum (w + wo)(x + io) = sum w x + io sum w + wo (sum x + depth io), where sum w is known in Prepare.
/// </summary>
public sealed partial class FullyConnected
{
    /// <summary>Zero points up to these magnitudes keep every reference product and sum exact (see PrepareInt16Optimized).</summary>
    private const int MaxInt16InputOffset = 1 << 16, MaxInt16WeightsOffset = 1 << 8;

    private SimdLevel _int16Level;
    private bool _int16Optimized;
    private int _int16RowSumsHandle = -1;
    private int _int16SumScratch = -1;

    private void PrepareInt16Optimized(PrepareContext context)
    {
        _int16Optimized = false;
        if (_inputType != TensorType.Int16 || _weightsType != TensorType.Int8) return;
        _int16Level = Simd.For(context);
        if (_int16Level == SimdLevel.Reference) return;
        int weightsOffset = _perChannel ? 0 : _weightsOffset;
        // With these bounds the reference's (w + wo) * (x + io) is at most 384 * 98304 < 2^31 and its sum over
        // fewer than 2^31 terms fits in 64 bits, so the expansion gives the same integer (the same low 32 bits when
        // the reference sums in int32). Other zero points keep the reference loop.
        if (Math.Abs((long)_inputOffset) > MaxInt16InputOffset || Math.Abs((long)weightsOffset) > MaxInt16WeightsOffset) return;
        _int16RowSumsHandle = -1;
        if (_inputOffset != 0)
        {
            Tensor weights = context.Input(WeightsIndex);
            if (!weights.IsConstant || weights.AsReadOnlySpan<byte>().Length < (long)_outputDepth * _accumDepth) return;
            // The weight row sums live in the arena's persistent part.
            _int16RowSumsHandle = context.AllocatePersistent<int>(Int8Dot.RowSums(weights.AsReadOnlySpan<sbyte>(), _accumDepth, _outputDepth));
        }
        _int16Optimized = true;
        _int16SumScratch = _outputDepth > Int16Dot.StackSums ? context.RequestScratch(2 * _outputDepth * sizeof(long)) : -1;
    }

    [System.Runtime.CompilerServices.SkipLocalsInit] // the sums are written before they are read
    private void InvokeInt16Optimized(InvokeContext context)
    {
        ReadOnlySpan<short> input = context.Input<short>(InputIndex);
        ReadOnlySpan<sbyte> weights = context.Input<sbyte>(WeightsIndex);
        ReadOnlySpan<int> bias32 = _hasBias && _biasType == TensorType.Int32 ? context.Input<int>(BiasIndex) : default;
        ReadOnlySpan<long> bias64 = _hasBias && _biasType == TensorType.Int64 ? context.Input<long>(BiasIndex) : default;
        Span<short> output = context.Output<short>(0);
        ReadOnlySpan<int> multipliers = _perChannel ? _channelScales.Multipliers(context) : default;
        ReadOnlySpan<int> shifts = _perChannel ? _channelScales.Shifts(context) : default;
        ReadOnlySpan<int> rowSums = _int16RowSumsHandle >= 0 ? context.Persistent<int>(_int16RowSumsHandle) : default;
        // Two batches at a time share each weight load: two sets of sums.
        Span<long> sums = _int16SumScratch < 0 ? stackalloc long[2 * Int16Dot.StackSums] : context.Scratch<long>(_int16SumScratch);
        Span<long> sums0 = sums.Slice(0, _outputDepth), sums1 = sums.Slice(_outputDepth, _outputDepth);
        for (int b = 0; b < _batches; b += 2)
        {
            ReadOnlySpan<short> x0 = input.Slice(b * _accumDepth, _accumDepth);
            if (b + 1 < _batches)
            {
                ReadOnlySpan<short> x1 = input.Slice((b + 1) * _accumDepth, _accumDepth);
                Int16Dot.Rows2(_int16Level, x0, x1, weights, _accumDepth, _outputDepth, sums0, sums1);
                RequantizeInt16(x1, sums1, output.Slice((b + 1) * _outputDepth, _outputDepth), rowSums, multipliers, shifts, bias64, bias32);
            }
            else
            {
                Int16Dot.Rows(_int16Level, x0, weights, _accumDepth, _outputDepth, sums0);
            }
            RequantizeInt16(x0, sums0, output.Slice(b * _outputDepth, _outputDepth), rowSums, multipliers, shifts, bias64, bias32);
        }
    }

    /// <summary>Adds the zero-point terms and the bias to one batch's sums of w * x and requantizes them.</summary>
    private void RequantizeInt16(ReadOnlySpan<short> x, ReadOnlySpan<long> sums, Span<short> result, ReadOnlySpan<int> rowSums,
        ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, ReadOnlySpan<long> bias64, ReadOnlySpan<int> bias32)
    {
        bool perChannel = _perChannel, wide = !_int32Accumulator;
        long inputOffset = _inputOffset;
        long weightsOffset = perChannel ? 0 : _weightsOffset;
        long rowAdd = weightsOffset == 0 ? 0 : weightsOffset * (Int16Dot.Sum(x) + _accumDepth * inputOffset);
        for (int o = 0; o < result.Length; o++)
        {
            long total = sums[o] + rowAdd;
            if (!rowSums.IsEmpty) total += inputOffset * rowSums[o];
            int multiplier = perChannel ? multipliers[o] : _outputMultiplier;
            int shift = perChannel ? shifts[o] : _outputShift;
            int scaled;
            if (wide)
            {
                // The accumulator follows the bias type: a wide sum has an int64 bias or none.
                if (_hasBias) total += bias64[o];
                scaled = FixedPoint.MultiplyByQuantizedMultiplier(total, multiplier, shift);
            }
            else
            {
                // The reference's int32 sum wraps: the low 32 bits of the exact sum are its value.
                int acc = unchecked((int)total);
                if (_hasBias) acc = unchecked(acc + bias32[o]);
                scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, multiplier, shift);
            }
            scaled += _outputOffset;
            result[o] = (short)Math.Min(Math.Max(scaled, _activationMin), _activationMax);
        }
    }
}
