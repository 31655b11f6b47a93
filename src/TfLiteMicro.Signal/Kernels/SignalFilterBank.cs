using TfLiteMicro.Kernels;

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
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<uint> input = context.Input<uint>(0);
        ReadOnlySpan<short> weights = context.Input<short>(1);
        ReadOnlySpan<short> unweights = context.Input<short>(2);
        ReadOnlySpan<short> frequencyStarts = context.Input<short>(3);
        ReadOnlySpan<short> weightStarts = context.Input<short>(4);
        ReadOnlySpan<short> widths = context.Input<short>(5);
        Span<ulong> work = context.Scratch<ulong>(_workHandle);
        Span<ulong> output = context.Output<ulong>(0);

        ulong weighted = 0;
        ulong unweighted = 0;
        for (int i = 0; i < _channels + 1; i++)
        {
            int frequencyStart = frequencyStarts[i];
            int weightStart = weightStarts[i];
            int width = widths[i];
            if (frequencyStart < 0 || weightStart < 0 || width < 0
                || frequencyStart + width > input.Length || weightStart + width > weights.Length)
                throw context.Error($"channel {i}: bins [{frequencyStart}, +{width}) or weights [{weightStart}, +{width}) lie outside the {input.Length} bins / {weights.Length} weights");
            for (int j = 0; j < width; j++)
            {
                ulong energy = input[frequencyStart + j];
                // The int16 weight is widened to uint64 (sign extended) before the product, as in TFLM.
                weighted = unchecked(weighted + (ulong)(long)weights[weightStart + j] * energy);
                unweighted = unchecked(unweighted + (ulong)(long)unweights[weightStart + j] * energy);
            }
            work[i] = weighted;
            weighted = unweighted;
            unweighted = 0;
        }
        // Channel 0 only carried the unweighted part of the first real channel.
        work.Slice(1, output.Length).CopyTo(output);
    }
}
