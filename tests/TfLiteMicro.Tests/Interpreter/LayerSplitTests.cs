using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Kernels;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Interpreter;

/// <summary>
/// How layers are split over threads (RowBands): the cost model's choice between bands of rows and runs of channel blocks,
/// and random int8 convolutions split either way on two and three threads giving the bytes of one thread on poisoned outputs.
/// </summary>
public sealed class LayerSplitTests
{
    [Theory]
    // Many rows, one block of channels: rows.
    [InlineData(2, 48, 1, 1_000_000, 2, false)]
    // Few rows, many blocks: channels (3 rows split 2 + 1; 16 blocks split 8 + 8).
    [InlineData(2, 3, 16, 1_000_000, 2, true)]
    // Equal balance: rows (each thread keeps the rows it computed in the previous layer), or channels where the kernel asks.
    [InlineData(2, 6, 8, 1_000_000, 2, false)]
    [InlineData(2, 6, 8, 1_000_000, 2, true, true)]
    // Three blocks on two threads (2 + 1) against twelve rows (6 + 6): rows.
    [InlineData(2, 12, 3, 1_000_000, 2, false)]
    // Rows cannot be split (0): channels, however unbalanced.
    [InlineData(2, 0, 3, 1_000_000, 2, true)]
    // More threads than blocks: as many parts as blocks.
    [InlineData(4, 1, 2, 1_000_000, 2, true)]
    // Too little work spared: not split.
    [InlineData(2, 48, 1, 90_000, 1, false)]
    [InlineData(2, 3, 1, 140_000, 1, false)]
    // One thread, or nothing to split: not split.
    [InlineData(1, 48, 16, 1_000_000, 1, false)]
    [InlineData(2, 1, 1, 1_000_000, 1, false)]
    public void The_cost_model_takes_the_split_whose_largest_part_is_smallest(int threads, long rows, long blocks, long multiplyAdds, int parts, bool byChannels,
        bool channelsOnTie = false)
    {
        Assert.Equal(parts, RowBands.Choose(threads, rows, blocks, multiplyAdds, RowBands.MinMultiplyAddsSaved, channelsOnTie, out bool channels));
        Assert.Equal(byChannels, channels);
    }

    [Fact]
    public void The_spared_work_is_computed_without_overflow()
    {
        Assert.Equal(2, RowBands.Choose(2, 3, 0, long.MaxValue, RowBands.MinMultiplyAddsSaved, false, out bool channels));
        Assert.False(channels);
    }

    /// <summary>Random GEMM-sized int8 convolutions (more than one block of channels, enough pixels for the GEMM core), split by rows and by channels.</summary>
    [SkippableTheory]
    [InlineData(2, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    [InlineData(3, true)]
    public void Split_convolutions_give_the_bytes_of_one_thread(int threads, bool byChannels)
    {
        var random = new Random(1500 + threads * 2 + (byChannels ? 1 : 0));
        for (int round = 0; round < 12; round++)
        {
            int filterSize = 1 + 2 * random.Next(2);
            var g = new ConvGeometry(1 + random.Next(2), 8 + random.Next(10), 8 + random.Next(10), 4 * (1 + random.Next(8)), 17 + random.Next(64),
                filterSize, filterSize, 1 + random.Next(2), 1 + random.Next(2), 1, 1, random.Next(2) == 0 ? PaddingKind.Same : PaddingKind.Valid);
            if (!g.HasOutput) continue;
            byte[] model = ConvolutionModels.Int8(random, g, depthwise: false);
            foreach (bool prearrange in new[] { false, true })
            {
                using MicroInterpreter one = Allocate(model, 1, prearrange, byChannels), split = Allocate(model, threads, prearrange, byChannels);
                Skip.If(Simd.Supported < SimdLevel.Avx2, "no layer is split without the AVX2 paths");
                Assert.True(split.ThreadsInUse > 1, $"{g}: not split");
                random.NextBytes(one.Input(0).AsSpan<byte>());
                one.Input(0).AsReadOnlySpan<byte>().CopyTo(split.Input(0).AsSpan<byte>());
                one.Output(0).AsSpan<byte>().Fill(ArenaPoison.Reference);
                split.Output(0).AsSpan<byte>().Fill(ArenaPoison.Fast);
                one.Invoke();
                split.Invoke();
                Assert.True(one.Output(0).AsReadOnlySpan<byte>().SequenceEqual(split.Output(0).AsReadOnlySpan<byte>()),
                    $"{g}, {threads} threads, {(byChannels ? "channel blocks" : "rows")}, prearranged {prearrange}: outputs differ");
            }
        }
    }

    private static MicroInterpreter Allocate(byte[] model, int threads, bool prearrange, bool byChannels)
    {
        var interpreter = new MicroInterpreter(Model.Load(model), GoldenRunner.FullResolver(), ArenaPoison.New(1 << 20),
            new InterpreterOptions { Threads = threads, PrearrangeWeights = prearrange });
        RowBands.ByChannelsOverride = byChannels;
        try
        {
            GoldenRunner.AllocateSplittingEveryLayer(interpreter);
        }
        finally
        {
            RowBands.ByChannelsOverride = null;
        }
        return interpreter;
    }
}
