namespace TfLiteMicro.Signal;

/// <summary>
/// SignalPCAN: per-channel automatic gain control. The gain comes from the noise estimate (input 1) through
/// a piecewise quadratic table (input 2, int16); the signal-to-noise ratio is then compressed by PCAN's
/// shrink curve.
/// </summary>
public sealed class SignalPCAN : IKernel
{
    private int _snrShift;
    private int _channels;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(3, 3, 1);
        _snrShift = SignalOptions.Read(context).Int("snr_shift", 0, 63);
        Tensor input = context.Input(0);
        Tensor noise = context.Input(1);
        Tensor lut = context.Input(2);
        Tensor output = context.Output(0);
        if (input.Rank != 1) throw context.Error($"input must be rank 1 but has rank {input.Rank}");
        if (noise.Rank != 1) throw context.Error($"noise estimate must be rank 1 but has rank {noise.Rank}");
        if (lut.Rank != 1) throw context.Error($"gain table must be rank 1 but has rank {lut.Rank}");
        if (output.Rank != 1) throw context.Error($"output must be rank 1 but has rank {output.Rank}");
        if (input.Type != TensorType.UInt32) throw context.UnsupportedType("input", input.Type);
        if (noise.Type != TensorType.UInt32) throw context.UnsupportedType("noise estimate", noise.Type);
        if (lut.Type != TensorType.Int16) throw context.UnsupportedType("gain table", lut.Type);
        if (output.Type != TensorType.UInt32) throw context.UnsupportedType("output", output.Type);
        _channels = input.Dim(0);
        if (noise.Dim(0) < _channels || output.Dim(0) < _channels)
            throw context.Error($"the noise estimate ({noise.Dim(0)}) and output ({output.Dim(0)}) must cover the {_channels} input channels");
        if (lut.Dim(0) < 3) throw context.Error($"gain table has {lut.Dim(0)} entries, fewer than 3");
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<uint> input = context.Input<uint>(0);
        ReadOnlySpan<uint> noise = context.Input<uint>(1);
        ReadOnlySpan<short> lut = context.Input<short>(2);
        Span<uint> output = context.Output<uint>(0);
        for (int i = 0; i < _channels; i++)
        {
            uint x = noise[i];
            if (x > 2 && 4 * SignalMath.MostSignificantBit32(x) - 4 >= lut.Length)
                throw context.Error($"noise estimate {x} needs gain table entry {4 * SignalMath.MostSignificantBit32(x) - 4} but the table has {lut.Length}");
            // The int16 gain is widened to uint32 with sign extension, as TFLM does.
            uint gain = unchecked((uint)SignalMath.WideDynamicFunction(x, lut));
            uint snr = unchecked((uint)(((ulong)input[i] * gain) >> _snrShift));
            output[i] = SignalMath.PcanShrink(snr);
        }
    }
}
