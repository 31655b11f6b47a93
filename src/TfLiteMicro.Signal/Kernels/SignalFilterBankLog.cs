namespace TfLiteMicro.Signal;

/// <summary>
/// SignalFilterBankLog: fixed-point natural log of each uint32 channel shifted left by
/// "input_correction_bits", scaled by "output_scale" and capped at int16's maximum; 0 for values up to 1.
/// </summary>
public sealed class SignalFilterBankLog : IKernel
{
    private int _correctionBits;
    private uint _outputScale;
    private int _channels;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        SignalOptions options = SignalOptions.Read(context);
        _correctionBits = options.Int("input_correction_bits", 0, 31);
        _outputScale = unchecked((uint)options.Int("output_scale"));
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        if (input.Rank != 1) throw context.Error($"input must be rank 1 but has rank {input.Rank}");
        if (output.Rank != 1) throw context.Error($"output must be rank 1 but has rank {output.Rank}");
        if (input.Type != TensorType.UInt32) throw context.UnsupportedType("input", input.Type);
        if (output.Type != TensorType.Int16) throw context.UnsupportedType("output", output.Type);
        _channels = input.Dim(0);
        if (output.Dim(0) < _channels) throw context.Error($"output has {output.Dim(0)} channels but the input {_channels}");
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<uint> input = context.Input<uint>(0);
        Span<short> output = context.Output<short>(0);
        for (int i = 0; i < _channels; i++)
        {
            uint scaled = unchecked(input[i] << _correctionBits);
            if (scaled > 1)
            {
                uint log = SignalMath.Log32(scaled, _outputScale);
                output[i] = (short)Math.Min(log, (uint)short.MaxValue);
            }
            else
            {
                output[i] = 0;
            }
        }
    }
}
