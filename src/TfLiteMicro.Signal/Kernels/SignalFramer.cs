namespace TfLiteMicro.Signal;

/// <summary>
/// SignalFramer: cuts a stream of int16 samples (innermost dimension, in steps of "frame_step") into frames of
/// "frame_size" that overlap by frame_size - frame_step. Output 1 (bool) tells whether every frame was full.
/// With "prefill" the history starts as frame_size - frame_step zeros. The history lives in the arena.
/// </summary>
public sealed class SignalFramer : IKernel, IResettableKernel
{
    private int _frameSize;
    private int _frameStep;
    private bool _prefill;
    private int _outerDims;
    private int _frames;
    private int _capacity;
    private int _samplesHandle;
    private int _countsHandle;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 2);
        SignalOptions options = SignalOptions.Read(context);
        _frameSize = options.Int("frame_size", 1, 1 << 24);
        _frameStep = options.Int("frame_step", 1, 1 << 24);
        _prefill = options.Bool("prefill");
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        Tensor valid = context.Output(1);
        if (input.Rank < 1 || input.Rank + 1 != output.Rank)
            throw context.Error($"output rank {output.Rank} must be the input rank {input.Rank} plus one");
        if (valid.Rank != 0) throw context.Error($"valid output must be a scalar but has rank {valid.Rank}");
        if (input.Type != TensorType.Int16) throw context.UnsupportedType("input", input.Type);
        if (output.Type != TensorType.Int16) throw context.UnsupportedType("output", output.Type);
        if (valid.Type != TensorType.Bool) throw context.UnsupportedType("valid output", valid.Type);
        int innermost = input.Dim(input.Rank - 1);
        if (innermost < _frameStep || innermost % _frameStep != 0)
            throw context.Error($"innermost dimension {innermost} must be a positive multiple of frame_step {_frameStep}");
        _outerDims = checked((int)(input.ElementCount / innermost));
        _frames = innermost / _frameStep;
        if (output.ElementCount < (long)_outerDims * _frames * _frameSize)
            throw context.Error($"output has {output.ElementCount} elements, too few for {_outerDims * _frames} frames of {_frameSize}");
        // Room for the frame rounded up to whole steps, as TFLM sizes its ring buffer.
        _capacity = checked((_frameSize + _frameStep - 1) / _frameStep * _frameStep);
        _samplesHandle = context.AllocatePersistent(checked(_outerDims * _capacity * sizeof(short)));
        _countsHandle = context.AllocatePersistent(_outerDims * sizeof(int));
    }

    public void Reset(InvokeContext context)
    {
        context.Persistent<short>(_samplesHandle).Clear();
        context.Persistent<int>(_countsHandle).Fill(_prefill ? _frameSize - _frameStep : 0);
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<short> input = context.Input<short>(0);
        Span<short> output = context.Output<short>(0);
        Span<short> samples = context.Persistent<short>(_samplesHandle);
        Span<int> counts = context.Persistent<int>(_countsHandle);
        bool valid = true;
        for (int i = 0; i < _outerDims; i++)
        {
            Span<short> history = samples.Slice(i * _capacity, _capacity);
            for (int frame = 0; frame < _frames; frame++)
            {
                int inputIndex = (i * _frames + frame) * _frameStep;
                int outputIndex = (i * _frames + frame) * _frameSize;
                int count = counts[i];
                if (count < 0 || count + _frameStep > _capacity)
                    throw context.Error($"framer state holds {count} samples, outside [0, {_capacity - _frameStep}]");
                input.Slice(inputIndex, _frameStep).CopyTo(history.Slice(count));
                count += _frameStep;
                if (count >= _frameSize)
                {
                    history.Slice(0, _frameSize).CopyTo(output.Slice(outputIndex, _frameSize));
                    history.Slice(_frameStep, count - _frameStep).CopyTo(history);
                    count -= _frameStep;
                }
                else
                {
                    valid = false;
                }
                counts[i] = count;
            }
        }
        context.Output<bool>(1)[0] = valid;
    }
}
