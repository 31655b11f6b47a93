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
}
