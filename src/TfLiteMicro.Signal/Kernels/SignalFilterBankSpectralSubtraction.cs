namespace TfLiteMicro.Signal;

/// <summary>
/// SignalFilterBankSpectralSubtraction: tracks a per-channel noise estimate with a one-pole low-pass filter
/// (alternate coefficients on odd channels) and subtracts it, keeping at least "min_signal_remaining" of the
/// signal. Output 0 is the cleaned signal, output 1 a copy of the noise estimate. The estimate is state: it
/// lives in the arena and is zeroed when the interpreter is allocated or reset.
/// </summary>
public sealed class SignalFilterBankSpectralSubtraction : IKernel, IResettableKernel
{
    private int _channels;
    private uint _smoothing;
    private uint _oneMinusSmoothing;
    private uint _alternateSmoothing;
    private uint _alternateOneMinusSmoothing;
    private uint _minSignalRemaining;
    private int _smoothingBits;
    private int _spectralSubtractionBits;
    private bool _clamping;
    private int _noiseCount;
    private int _stateHandle;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 2);
        SignalOptions options = SignalOptions.Read(context);
        _channels = options.Int("num_channels", 0, 1 << 16);
        _smoothing = unchecked((uint)options.Int("smoothing"));
        _oneMinusSmoothing = unchecked((uint)options.Int("one_minus_smoothing"));
        _alternateSmoothing = unchecked((uint)options.Int("alternate_smoothing"));
        _alternateOneMinusSmoothing = unchecked((uint)options.Int("alternate_one_minus_smoothing"));
        _minSignalRemaining = unchecked((uint)options.Int("min_signal_remaining"));
        _smoothingBits = options.Int("smoothing_bits", 0, 31);
        _spectralSubtractionBits = options.Int("spectral_subtraction_bits", 0, 63);
        _clamping = options.Bool("clamping");

        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        Tensor noise = context.Output(1);
        if (input.Rank != 1) throw context.Error($"input must be rank 1 but has rank {input.Rank}");
        if (output.Rank != 1) throw context.Error($"output must be rank 1 but has rank {output.Rank}");
        if (noise.Rank != 1) throw context.Error($"noise estimate output must be rank 1 but has rank {noise.Rank}");
        if (input.Type != TensorType.UInt32) throw context.UnsupportedType("input", input.Type);
        if (output.Type != TensorType.UInt32) throw context.UnsupportedType("output", output.Type);
        if (noise.Type != TensorType.UInt32) throw context.UnsupportedType("noise estimate output", noise.Type);
        if (input.Dim(0) < _channels || output.Dim(0) < _channels)
            throw context.Error($"num_channels {_channels} exceeds the input ({input.Dim(0)}) or output ({output.Dim(0)}) length");
        _noiseCount = noise.Dim(0);
        if (_noiseCount > _channels) throw context.Error($"noise estimate output has {_noiseCount} channels but num_channels is {_channels}");
        _stateHandle = context.AllocatePersistent(_channels * sizeof(uint));
    }

    public void Reset(InvokeContext context) => context.Persistent<uint>(_stateHandle).Clear();

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<uint> input = context.Input<uint>(0);
        Span<uint> output = context.Output<uint>(0);
        Span<uint> noise = context.Persistent<uint>(_stateHandle);
        int bits = _spectralSubtractionBits;
        for (int i = 0; i < _channels; i++)
        {
            bool odd = (i & 1) != 0;
            uint smoothing = odd ? _alternateSmoothing : _smoothing;
            uint oneMinusSmoothing = odd ? _alternateOneMinusSmoothing : _oneMinusSmoothing;
            uint signalScaledUp = unchecked(input[i] << _smoothingBits);
            noise[i] = unchecked((uint)(((ulong)signalScaledUp * smoothing + (ulong)noise[i] * oneMinusSmoothing) >> bits));
            uint estimateScaledUp = noise[i];
            if (estimateScaledUp > signalScaledUp)
            {
                estimateScaledUp = signalScaledUp;
                if (_clamping) noise[i] = estimateScaledUp;
            }
            uint floor = unchecked((uint)(((ulong)input[i] * _minSignalRemaining) >> bits));
            uint subtracted = (signalScaledUp - estimateScaledUp) >> _smoothingBits;
            output[i] = subtracted > floor ? subtracted : floor;
        }
        noise.Slice(0, _noiseCount).CopyTo(context.Output<uint>(1));
    }
}
