namespace TfLiteMicro.Signal;

/// <summary>
/// SignalEnergy: squared magnitude (uint32) of the int16 complex bins in [start_index, end_index); the other
/// output elements are left as they are, as in TFLM.
/// </summary>
public sealed class SignalEnergy : IKernel
{
    private int _start;
    private int _end;
    private SimdLevel _level;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        SignalOptions options = SignalOptions.Read(context);
        _start = options.Int("start_index");
        _end = options.Int("end_index");
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        if (input.Rank != 1) throw context.Error($"input must be rank 1 but has rank {input.Rank}");
        if (output.Rank != 1) throw context.Error($"output must be rank 1 but has rank {output.Rank}");
        if (input.Type != TensorType.Int16) throw context.UnsupportedType("input", input.Type);
        if (output.Type != TensorType.UInt32) throw context.UnsupportedType("output", output.Type);
        int bins = input.Dim(0) / 2;
        if (_start < 0 || _end < _start || _end > bins || _end > output.Dim(0))
            throw context.Error($"bins [{_start}, {_end}) do not fit the {bins} input bins and {output.Dim(0)} outputs");
        _level = context.SimdLevel;
    }

    public void Invoke(InvokeContext context)
        => FrameArithmetic.Energy(_level, context.Input<Complex<short>>(0), _start, _end, context.Output<uint>(0));
}
