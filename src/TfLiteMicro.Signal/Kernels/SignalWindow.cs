namespace TfLiteMicro.Signal;

/// <summary>
/// SignalWindow: multiplies each frame of int16 samples by an int16 window and shifts right by "shift",
/// saturating to int16. The window (input 1, rank 1) is applied to consecutive frames of its length.
/// </summary>
public sealed class SignalWindow : IKernel
{
    private int _shift;
    private int _inputSize;
    private int _windowSize;
    private SimdLevel _level;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        _shift = SignalOptions.Read(context).Int("shift", 0, 31);
        Tensor input = context.Input(0);
        Tensor weights = context.Input(1);
        Tensor output = context.Output(0);
        if (input.Rank < 1) throw context.Error("input must have at least one dimension");
        if (weights.Rank != 1) throw context.Error($"window must be rank 1 but has rank {weights.Rank}");
        if (input.Rank != output.Rank) throw context.Error($"input rank {input.Rank} differs from output rank {output.Rank}");
        if (input.Type != TensorType.Int16) throw context.UnsupportedType("input", input.Type);
        if (weights.Type != TensorType.Int16) throw context.UnsupportedType("window", weights.Type);
        if (output.Type != TensorType.Int16) throw context.UnsupportedType("output", output.Type);
        _inputSize = checked((int)input.ElementCount);
        _windowSize = weights.Dim(0);
        if (_windowSize <= 0) throw context.Error("window is empty");
        if (_inputSize % _windowSize != 0)
            throw context.Error($"input of {_inputSize} samples is not a whole number of {_windowSize}-sample windows");
        if (output.ElementCount != _inputSize)
            throw context.Error($"output has {output.ElementCount} elements but the input has {_inputSize}");
        _level = context.SimdLevel;
    }

    public void Invoke(InvokeContext context)
        => FrameArithmetic.Window(_level, _shift, context.Input<short>(0).Slice(0, _inputSize), context.Input<short>(1).Slice(0, _windowSize), context.Output<short>(0));
}
