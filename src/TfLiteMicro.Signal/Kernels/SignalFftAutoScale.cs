namespace TfLiteMicro.Signal;

/// <summary>
/// SignalFftAutoScale: shifts an int16 frame left so its largest magnitude uses the full 16 bits, and
/// outputs the shift (int32 scalar, output 1) so later stages can undo it.
/// </summary>
public sealed class SignalFftAutoScale : IKernel
{
    private int _size;
    private SimdLevel _level;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 2);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        Tensor scaleBits = context.Output(1);
        if (input.Rank != 1) throw context.Error($"input must be rank 1 but has rank {input.Rank}");
        if (output.Rank != 1) throw context.Error($"output must be rank 1 but has rank {output.Rank}");
        if (scaleBits.Rank != 0) throw context.Error($"scale bits output must be a scalar but has rank {scaleBits.Rank}");
        if (input.Type != TensorType.Int16) throw context.UnsupportedType("input", input.Type);
        if (output.Type != TensorType.Int16) throw context.UnsupportedType("output", output.Type);
        if (scaleBits.Type != TensorType.Int32) throw context.UnsupportedType("scale bits output", scaleBits.Type);
        _size = output.Dim(0);
        if (input.Dim(0) < _size) throw context.Error($"input has {input.Dim(0)} samples but the output {_size}");
        _level = context.SimdLevel;
    }

    public void Invoke(InvokeContext context)
        => context.Output<int>(1)[0] = FrameArithmetic.AutoScale(_level, context.Input<short>(0).Slice(0, _size), context.Output<short>(0));
}
