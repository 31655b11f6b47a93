namespace TfLiteMicro.Signal;

/// <summary>
/// SignalDelay: delays each row (innermost dimension) of an int16 stream by "delay_length" samples, carrying
/// the tail across invocations in the arena; the first output starts with delay_length zeros.
/// </summary>
public sealed class SignalDelay : IKernel, IResettableKernel
{
    private int _delay;
    private int _frameSize;
    private int _outerDims;
    private int _stateHandle;
    private int _workHandle;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        _delay = SignalOptions.Read(context).Int("delay_length", 0, 1 << 24);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        if (input.Type != TensorType.Int16) throw context.UnsupportedType("input", input.Type);
        if (output.Type != TensorType.Int16) throw context.UnsupportedType("output", output.Type);
        if (input.Rank < 1) throw context.Error("input must have at least one dimension");
        _frameSize = input.Dim(input.Rank - 1);
        if (_frameSize <= 0) throw context.Error("input rows are empty");
        _outerDims = checked((int)(input.ElementCount / _frameSize));
        if (output.ElementCount < input.ElementCount)
            throw context.Error($"output has {output.ElementCount} elements but the input {input.ElementCount}");
        _stateHandle = context.AllocatePersistent(checked(_outerDims * _delay * sizeof(short)));
        _workHandle = context.RequestScratch(checked((_frameSize + _delay) * sizeof(short)));
    }

    public void Reset(InvokeContext context) => context.Persistent<short>(_stateHandle).Clear();

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<short> input = context.Input<short>(0);
        Span<short> output = context.Output<short>(0);
        Span<short> state = context.Persistent<short>(_stateHandle);
        Span<short> work = context.Scratch<short>(_workHandle).Slice(0, _frameSize + _delay);
        for (int i = 0; i < _outerDims; i++)
        {
            Span<short> tail = state.Slice(i * _delay, _delay);
            tail.CopyTo(work);
            input.Slice(i * _frameSize, _frameSize).CopyTo(work.Slice(_delay));
            work.Slice(0, _frameSize).CopyTo(output.Slice(i * _frameSize, _frameSize));
            work.Slice(_frameSize, _delay).CopyTo(tail);
        }
    }
}
