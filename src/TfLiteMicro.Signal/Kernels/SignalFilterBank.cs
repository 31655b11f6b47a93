namespace TfLiteMicro.Signal;

/// <summary>
/// SignalFilterBank: accumulates a uint32 energy spectrum into "num_channels" triangular (mel) channels,
/// uint64 each. Inputs: spectrum, weights, unweights (1 - weight), and per channel (num_channels + 1 entries,
/// the first only feeding the next channel's unweighted part) the first bin, the first weight, and the width.
/// </summary>
public sealed class SignalFilterBank : IKernel
{
    private int _channels;
    private int _workHandle;
    private SimdLevel _level;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(6, 6, 1);
        _channels = SignalOptions.Read(context).Int("num_channels", 1, 1 << 16);
        Tensor input = context.Input(0);
        if (input.Rank != 1) throw context.Error($"input must be rank 1 but has rank {input.Rank}");
        if (input.Type != TensorType.UInt32) throw context.UnsupportedType("input", input.Type);
        string[] names = ["", "weights", "unweights", "channel frequency starts", "channel weight starts", "channel widths"];
        for (int i = 1; i < 6; i++)
        {
            Tensor t = context.Input(i);
            if (t.Rank != 1) throw context.Error($"{names[i]} must be rank 1 but has rank {t.Rank}");
            if (t.Type != TensorType.Int16) throw context.UnsupportedType(names[i], t.Type);
        }
        if (context.Input(2).Dim(0) < context.Input(1).Dim(0))
            throw context.Error($"unweights ({context.Input(2).Dim(0)}) are fewer than weights ({context.Input(1).Dim(0)})");
        for (int i = 3; i < 6; i++)
        {
            if (context.Input(i).Dim(0) < _channels + 1)
                throw context.Error($"{names[i]} has {context.Input(i).Dim(0)} entries but num_channels {_channels} needs {_channels + 1}");
        }
        Tensor output = context.Output(0);
        if (output.Rank != 1) throw context.Error($"output must be rank 1 but has rank {output.Rank}");
        if (output.Type != TensorType.UInt64) throw context.UnsupportedType("output", output.Type);
        if (output.Dim(0) > _channels) throw context.Error($"output has {output.Dim(0)} channels but num_channels is {_channels}");
        _workHandle = context.RequestScratch((_channels + 1) * sizeof(ulong));
        _level = context.SimdLevel;
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<uint> input = context.Input<uint>(0);
        var tables = new FilterBankTables(context.Input<short>(1), context.Input<short>(2), context.Input<short>(3), context.Input<short>(4), context.Input<short>(5));
        // The entries are inputs like any other (constants in TFLM's models, but not necessarily): checked on every Invoke.
        int bad = ChannelArithmetic.FilterBank(_level, _channels, input, tables, context.Scratch<ulong>(_workHandle), context.Output<ulong>(0));
        if (bad >= 0)
            throw context.Error($"channel {bad}: bins [{tables.FrequencyStarts[bad]}, +{tables.Widths[bad]}) or weights [{tables.WeightStarts[bad]}, +{tables.Widths[bad]}) " +
                $"lie outside the {input.Length} bins / {tables.Weights.Length} weights");
    }
}
