using TfLiteMicro.Memory;

namespace TfLiteMicro.Tests.Memory;

/// <summary>The greedy planner on hand-made lifetimes, with the plans worked out by hand.</summary>
public sealed class GreedyMemoryPlannerTests
{
    [Fact]
    public void BuffersAliveTogetherDoNotOverlap()
    {
        var planner = new GreedyMemoryPlanner();
        int a = planner.AddBuffer(100, 0, 1);
        int b = planner.AddBuffer(50, 1, 2);
        // a (112 aligned) is larger so it goes first at 0; b overlaps a in time (step 1) so it goes after it.
        Assert.Equal(0, planner.GetOffset(a));
        Assert.Equal(112, planner.GetOffset(b));
        Assert.Equal(176, planner.TotalSize);
    }

    [Fact]
    public void BuffersWithDisjointLifetimesShareMemory()
    {
        var planner = new GreedyMemoryPlanner();
        int a = planner.AddBuffer(64, 0, 0);
        int b = planner.AddBuffer(64, 1, 1);
        int c = planner.AddBuffer(64, 2, 2);
        Assert.Equal(0, planner.GetOffset(a));
        Assert.Equal(0, planner.GetOffset(b));
        Assert.Equal(0, planner.GetOffset(c));
        Assert.Equal(64, planner.TotalSize);
    }

    [Fact]
    public void ChainOfOpsNeedsOnlyTwoBuffersAtATime()
    {
        // t0 -> op0 -> t1 -> op1 -> t2 -> op2 -> t3: each tensor lives from its producer to its consumer.
        var planner = new GreedyMemoryPlanner();
        planner.AddBuffer(1000, 0, 0);
        planner.AddBuffer(1000, 0, 1);
        planner.AddBuffer(1000, 1, 2);
        planner.AddBuffer(1000, 2, 2);
        Assert.Equal(2 * 1008, planner.TotalSize);
    }

    [Fact]
    public void SmallBufferFillsGapLeftBetweenLargerOnes()
    {
        var planner = new GreedyMemoryPlanner();
        int big1 = planner.AddBuffer(256, 0, 3);   // offset 0
        int mid = planner.AddBuffer(128, 0, 1);    // offset 256
        int big2 = planner.AddBuffer(256, 2, 3);   // overlaps big1 only: offset 256 (mid is dead by then)
        int small = planner.AddBuffer(64, 0, 0);   // overlaps big1 and mid: offset 384
        Assert.Equal(0, planner.GetOffset(big1));
        Assert.Equal(256, planner.GetOffset(big2));
        Assert.Equal(256, planner.GetOffset(mid));
        Assert.Equal(384, planner.GetOffset(small));
        Assert.Equal(512, planner.TotalSize);
    }

    [Fact]
    public void FixedOffsetsAreKeptAndOthersPlacedAroundThem()
    {
        var planner = new GreedyMemoryPlanner();
        int pinned = planner.AddBuffer(32, 0, 2, fixedOffset: 0);
        int free = planner.AddBuffer(32, 1, 1);
        Assert.Equal(0, planner.GetOffset(pinned));
        Assert.Equal(32, planner.GetOffset(free));
    }

    [Fact]
    public void SizesAreAlignedTo16Bytes()
    {
        var planner = new GreedyMemoryPlanner();
        int a = planner.AddBuffer(1, 0, 0);
        int b = planner.AddBuffer(1, 0, 0);
        Assert.Equal(16, Math.Abs(planner.GetOffset(a) - planner.GetOffset(b)));
        Assert.Equal(32, planner.TotalSize);
    }

    [Fact]
    public void InvalidLifetimeIsRejected()
        => Assert.Throws<ArgumentException>(() => new GreedyMemoryPlanner().AddBuffer(8, 3, 1));

    [Fact]
    public void AlwaysAliveBuffersArePlacedAsTheOneByOneComparisonPlacesThem()
    {
        // Random plans mixing short-lived buffers, buffers alive at every step (as control-flow subgraphs' are),
        // zero-size buffers and fixed offsets: the planner's offsets equal those of the plain greedy algorithm.
        var random = new Random(20261205);
        for (int trial = 0; trial < 3000; trial++)
        {
            int steps = random.Next(1, 6);
            int count = random.Next(1, 40);
            var buffers = new List<(int Size, int First, int Last, int Fixed)>();
            for (int i = 0; i < count; i++)
            {
                int size = random.Next(4) == 0 ? 0 : random.Next(1, 9) * 16;
                bool always = random.Next(3) == 0;
                int first = always ? 0 : random.Next(steps);
                int last = always ? steps - 1 : random.Next(first, steps);
                int fixedOffset = random.Next(8) == 0 ? random.Next(0, 20) * 16 : -1;
                buffers.Add((size, first, last, fixedOffset));
            }
            var planner = new GreedyMemoryPlanner();
            foreach (var b in buffers) planner.AddBuffer(b.Size, b.First, b.Last, b.Fixed);
            int[] expected = OneByOneGreedy(buffers);
            for (int i = 0; i < count; i++)
                Assert.True(expected[i] == planner.GetOffset(i), $"trial {trial}, buffer {i}: {planner.GetOffset(i)}, expected {expected[i]}");
        }
    }

    /// <summary>The greedy algorithm as the specification: each buffer compared with every buffer placed before it.</summary>
    private static int[] OneByOneGreedy(List<(int Size, int First, int Last, int Fixed)> buffers)
    {
        var offsets = new int[buffers.Count];
        var placed = new List<int>();
        for (int i = 0; i < buffers.Count; i++)
            if (buffers[i].Fixed >= 0) { offsets[i] = buffers[i].Fixed; placed.Add(i); }
        var order = Enumerable.Range(0, buffers.Count).Where(i => buffers[i].Fixed < 0)
            .OrderByDescending(i => buffers[i].Size).ThenBy(i => i).ToList();
        foreach (int b in order)
        {
            var overlapping = placed.Where(p => buffers[p].First <= buffers[b].Last && buffers[b].First <= buffers[p].Last)
                .OrderBy(p => offsets[p]).ToList();
            long candidate = 0;
            foreach (int p in overlapping)
            {
                if (candidate + buffers[b].Size <= offsets[p]) break;
                candidate = Math.Max(candidate, offsets[p] + buffers[p].Size);
            }
            offsets[b] = (int)candidate;
            placed.Add(b);
        }
        return offsets;
    }
}
