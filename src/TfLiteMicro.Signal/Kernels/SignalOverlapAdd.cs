namespace TfLiteMicro.Signal;

/// <summary>
/// SignalOverlapAdd: the inverse of framing. Each frame of "frame_size" (int16, saturating, or float32) is
/// added onto a running buffer, whose first "frame_step" samples are then emitted and shifted out. The
/// buffers live in the arena.
/// </summary>
public sealed class SignalOverlapAdd : IKernel, IResettableKernel
{
    private TensorType _type;
    private int _frameStep;
    private int _frameSize;
    private int _frames;
    private int _outerDims;
    private int _stateHandle;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        SignalOptions options = SignalOptions.Read(context);
        _type = options.Type();
        _frameStep = options.Int("frame_step", 1, 1 << 24);
        if (_type is not (TensorType.Int16 or TensorType.Float32)) throw context.UnsupportedType("option T", _type);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        if (input.Type != _type) throw context.Error($"input type {TensorTypes.GetName(input.Type)} differs from option T ({TensorTypes.GetName(_type)})");
        if (output.Type != _type) throw context.Error($"output type {TensorTypes.GetName(output.Type)} differs from option T ({TensorTypes.GetName(_type)})");
        if (input.Rank < 2 || input.Rank != output.Rank + 1)
            throw context.Error($"input rank {input.Rank} must be at least 2 and one more than the output rank {output.Rank}");
        _frameSize = input.Dim(input.Rank - 1);
        _frames = input.Dim(input.Rank - 2);
        if (_frameSize <= 0 || _frames <= 0) throw context.Error("input frames are empty");
        if (_frameStep > _frameSize) throw context.Error($"frame_step {_frameStep} is larger than the frame size {_frameSize}");
        _outerDims = checked((int)(input.ElementCount / ((long)_frameSize * _frames)));
        if (output.ElementCount < (long)_outerDims * _frames * _frameStep)
            throw context.Error($"output has {output.ElementCount} elements, too few for {_outerDims * _frames} steps of {_frameStep}");
        int elementSize = _type == TensorType.Int16 ? 2 : 4;
        _stateHandle = context.AllocatePersistent(checked(_outerDims * _frameSize * elementSize));
    }

    public void Reset(InvokeContext context) => context.Persistent<byte>(_stateHandle).Clear();

    public void Invoke(InvokeContext context)
    {
        if (_type == TensorType.Int16) Run<short, SaturatingInt16>(context);
        else Run<float, FloatSum>(context);
    }

    private void Run<T, TAdd>(InvokeContext context) where T : unmanaged where TAdd : struct, ISampleAdd<T>
    {
        ReadOnlySpan<T> input = context.Input<T>(0);
        Span<T> output = context.Output<T>(0);
        Span<T> state = context.Persistent<T>(_stateHandle);
        TAdd add = default;
        for (int i = 0; i < _outerDims; i++)
        {
            Span<T> buffer = state.Slice(i * _frameSize, _frameSize);
            for (int frame = 0; frame < _frames; frame++)
            {
                ReadOnlySpan<T> x = input.Slice((i * _frames + frame) * _frameSize, _frameSize);
                for (int k = 0; k < _frameSize; k++)
                    buffer[k] = add.Add(buffer[k], x[k]);
                buffer.Slice(0, _frameStep).CopyTo(output.Slice((i * _frames + frame) * _frameStep, _frameStep));
                buffer.Slice(_frameStep).CopyTo(buffer);
                buffer.Slice(_frameSize - _frameStep).Clear();
            }
        }
    }

    /// <summary>How a frame's sample is added onto the running buffer.</summary>
    private interface ISampleAdd<T>
    {
        T Add(T sum, T sample);
    }

    private readonly struct SaturatingInt16 : ISampleAdd<short>
    {
        public short Add(short sum, short sample) => (short)Math.Clamp(sample + sum, short.MinValue, short.MaxValue);
    }

    private readonly struct FloatSum : ISampleAdd<float>
    {
        public float Add(float sum, float sample) => sum + sample;
    }
}
