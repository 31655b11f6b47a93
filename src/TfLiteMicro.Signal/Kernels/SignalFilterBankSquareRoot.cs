namespace TfLiteMicro.Signal;

/// <summary>SignalFilterBankSquareRoot: rounded integer square root of each uint64 channel, shifted right by the scale bits (input 1).</summary>
public sealed class SignalFilterBankSquareRoot : IKernel
{
    private int _channels;
    private SimdLevel _level;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0);
        Tensor scaleBits = context.Input(1);
        Tensor output = context.Output(0);
        if (input.Rank != 1) throw context.Error($"input must be rank 1 but has rank {input.Rank}");
        if (scaleBits.Rank != 0) throw context.Error($"scale bits must be a scalar but has rank {scaleBits.Rank}");
        if (output.Rank != 1) throw context.Error($"output must be rank 1 but has rank {output.Rank}");
        if (input.Type != TensorType.UInt64) throw context.UnsupportedType("input", input.Type);
        if (scaleBits.Type != TensorType.Int32) throw context.UnsupportedType("scale bits", scaleBits.Type);
        if (output.Type != TensorType.UInt32) throw context.UnsupportedType("output", output.Type);
        _channels = input.Dim(0);
        if (output.Dim(0) < _channels) throw context.Error($"output has {output.Dim(0)} channels but the input {_channels}");
        _level = context.SimdLevel;
    }

    public void Invoke(InvokeContext context)
        => ChannelArithmetic.SquareRoot(_level, context.Input<ulong>(0).Slice(0, _channels), context.Input<int>(1)[0], context.Output<uint>(0));
}
