namespace TfLiteMicro.Signal;

/// <summary>
/// SignalStacker: stacks "stacker_left_context" + 1 + "stacker_right_context" consecutive int16 frames of
/// "num_channels" into one output, advancing by "stacker_step" frames. The first frame is repeated to fill
/// the left context. Output 1 (bool) tells whether a stack was produced. The history lives in the arena.
/// </summary>
public sealed class SignalStacker : IKernel, IResettableKernel
{
    private int _channels;
    private int _leftContext;
    private int _bufferSize;
    private int _stepSize;
    private int _samplesHandle;
    private int _stateHandle;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 2);
        SignalOptions options = SignalOptions.Read(context);
        _channels = options.Int("num_channels", 1, 1 << 16);
        _leftContext = options.Int("stacker_left_context", 0, 1 << 12);
        int rightContext = options.Int("stacker_right_context", 0, 1 << 12);
        int step = options.Int("stacker_step", 1, 1 << 12);
        int frames = _leftContext + rightContext + 1;
        if (step > frames) throw context.Error($"stacker_step {step} is larger than the {frames} stacked frames");
        _bufferSize = checked(_channels * frames);
        _stepSize = _channels * step;
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        Tensor valid = context.Output(1);
        if (input.Rank != 1) throw context.Error($"input must be rank 1 but has rank {input.Rank}");
        if (output.Rank != 1) throw context.Error($"output must be rank 1 but has rank {output.Rank}");
        if (valid.Rank != 0) throw context.Error($"valid output must be a scalar but has rank {valid.Rank}");
        if (input.Type != TensorType.Int16) throw context.UnsupportedType("input", input.Type);
        if (output.Type != TensorType.Int16) throw context.UnsupportedType("output", output.Type);
        if (valid.Type != TensorType.Bool) throw context.UnsupportedType("valid output", valid.Type);
        if (input.Dim(0) < _channels) throw context.Error($"input has {input.Dim(0)} values but num_channels is {_channels}");
        if (output.Dim(0) < _bufferSize) throw context.Error($"output has {output.Dim(0)} values but a stack holds {_bufferSize}");
        _samplesHandle = context.AllocatePersistent(_bufferSize * sizeof(short));
        // [0]: values held, [1]: whether the first frame has been seen.
        _stateHandle = context.AllocatePersistent(2 * sizeof(int));
    }

    public void Reset(InvokeContext context)
    {
        context.Persistent<short>(_samplesHandle).Clear();
        context.Persistent<int>(_stateHandle).Clear();
    }

    public void Invoke(InvokeContext context)
    {
        Span<short> buffer = context.Persistent<short>(_samplesHandle);
        Span<int> state = context.Persistent<int>(_stateHandle);
        int count = state[0];
        if (count < 0 || count + _channels > _bufferSize || count % _channels != 0)
            throw context.Error($"stacker state holds {count} values, not a whole number of frames below {_bufferSize}");
        context.Input<short>(0).Slice(0, _channels).CopyTo(buffer.Slice(count));
        count += _channels;
        if (state[1] == 0)
        {
            for (int i = 0; i < _leftContext; i++)
            {
                buffer.Slice(count - _channels, _channels).CopyTo(buffer.Slice(count));
                count += _channels;
            }
            state[1] = 1;
        }
        bool valid = count >= _bufferSize;
        if (valid)
        {
            buffer.CopyTo(context.Output<short>(0));
            buffer.Slice(_stepSize, count - _stepSize).CopyTo(buffer);
            count -= _stepSize;
        }
        state[0] = count;
        context.Output<bool>(1)[0] = valid;
    }
}
