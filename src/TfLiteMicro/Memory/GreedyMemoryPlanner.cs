namespace TfLiteMicro.Memory;

/// <summary>
/// Lays buffers with known lifetimes into one region, reusing bytes of buffers whose lifetimes do not overlap.
/// Same algorithm as TFLM's greedy planner: buffers with a fixed (offline) offset first, then the others from
/// the largest down, each at the lowest offset where it overlaps no buffer alive at the same time.
/// </summary>
/// <remarks>
/// Buffers alive during the whole plan (a subgraph run by control flow, every buffer of a one-step graph) overlap
/// every other buffer, so they are kept as one sorted set of merged ranges instead of being compared one by one:
/// placing them costs the number of merged ranges, not the number of buffers, and a model with many subgraphs
/// plans in time linear in their number. The offsets are the ones the one-by-one comparison gives.
/// </remarks>
internal sealed class GreedyMemoryPlanner : IMemoryPlanner
{
    /// <summary>Every buffer starts at a multiple of this many bytes.</summary>
    public const int Alignment = 16;

    private readonly List<PlannedBuffer> _buffers = [];
    private bool _planned;

    /// <summary>Adds a buffer alive from step <paramref name="firstUse"/> to step <paramref name="lastUse"/> (inclusive); returns its handle.</summary>
    public int AddBuffer(int size, int firstUse, int lastUse, int fixedOffset = -1)
    {
        if (size < 0) throw new ArgumentOutOfRangeException(nameof(size));
        if (lastUse < firstUse) throw new ArgumentException($"last use {lastUse} is before first use {firstUse}");
        _buffers.Add(new PlannedBuffer(_buffers.Count, AlignUp(size), firstUse, lastUse, fixedOffset));
        _planned = false;
        return _buffers.Count - 1;
    }

    /// <summary>Number of buffers added.</summary>
    public int BufferCount => _buffers.Count;

    /// <summary>Offset of buffer <paramref name="handle"/> in the planned region.</summary>
    public int GetOffset(int handle)
    {
        Plan();
        return _buffers[handle].Offset;
    }

    /// <summary>Bytes the planned region needs (the end of the highest buffer).</summary>
    public int TotalSize
    {
        get
        {
            Plan();
            long total = 0;
            foreach (PlannedBuffer b in _buffers) total = Math.Max(total, (long)b.Offset + b.Size);
            return total <= int.MaxValue ? (int)total : throw new ArenaTooSmallException(total, int.MaxValue);
        }
    }

    /// <summary>The buffers with their lifetimes and offsets, for reports and drawings of the plan.</summary>
    public IReadOnlyList<PlannedBuffer> Buffers
    {
        get
        {
            Plan();
            return _buffers;
        }
    }

    /// <summary>
    /// <paramref name="size"/> rounded up to <see cref="Alignment"/>. A size that cannot be aligned within 2 GB
    /// needs more than any arena can hold.
    /// </summary>
    public static int AlignUp(int size)
    {
        long aligned = ((long)size + Alignment - 1) & ~(long)(Alignment - 1);
        return aligned <= int.MaxValue ? (int)aligned : throw new ArenaTooSmallException(aligned, int.MaxValue);
    }

    private void Plan()
    {
        if (_planned || _buffers.Count == 0) return;
        int firstStep = int.MaxValue, lastStep = int.MinValue;
        foreach (PlannedBuffer b in _buffers)
        {
            firstStep = Math.Min(firstStep, b.FirstUse);
            lastStep = Math.Max(lastStep, b.LastUse);
        }

        var alwaysAlive = new MergedRanges();
        var placed = new List<PlannedBuffer>();
        void Place(PlannedBuffer b)
        {
            if (b.FirstUse <= firstStep && b.LastUse >= lastStep) alwaysAlive.Add(b.Offset, (long)b.Offset + b.Size);
            else placed.Add(b);
        }

        var order = new List<PlannedBuffer>(_buffers.Count);
        foreach (PlannedBuffer b in _buffers)
        {
            if (b.FixedOffset < 0)
            {
                order.Add(b);
                continue;
            }
            b.Offset = b.FixedOffset;
            Place(b);
        }
        // Largest first; equal sizes keep the order they were added in, so the plan is deterministic.
        order.Sort((a, b) => a.Size != b.Size ? b.Size.CompareTo(a.Size) : a.Id.CompareTo(b.Id));

        var overlapping = new List<PlannedBuffer>();
        foreach (PlannedBuffer b in order)
        {
            overlapping.Clear();
            foreach (PlannedBuffer p in placed)
                if (p.FirstUse <= b.LastUse && b.FirstUse <= p.LastUse) overlapping.Add(p);
            overlapping.Sort((x, y) => x.Offset.CompareTo(y.Offset));

            long candidate = LowestFreeOffset(b.Size, alwaysAlive, overlapping);
            // Offsets are ints because arenas are at most 2 GB; a plan that ends beyond that fits no arena.
            if (candidate + b.Size > int.MaxValue)
                throw new ArenaTooSmallException(candidate + b.Size, int.MaxValue);
            b.Offset = (int)candidate;
            Place(b);
        }
        _planned = true;
    }

    /// <summary>
    /// The lowest offset where <paramref name="size"/> bytes overlap none of the ranges taken, walking the always-alive
    /// ranges and the other overlapping buffers together in order of their start.
    /// </summary>
    private static long LowestFreeOffset(int size, MergedRanges alwaysAlive, List<PlannedBuffer> overlapping)
    {
        long candidate = 0;
        int a = 0, o = 0;
        while (a < alwaysAlive.Count || o < overlapping.Count)
        {
            long start, end;
            if (o == overlapping.Count || (a < alwaysAlive.Count && alwaysAlive.Start(a) <= overlapping[o].Offset))
            {
                (start, end) = (alwaysAlive.Start(a), alwaysAlive.End(a));
                a++;
            }
            else
            {
                (start, end) = (overlapping[o].Offset, (long)overlapping[o].Offset + overlapping[o].Size);
                o++;
            }
            if (candidate + size <= start) break;
            candidate = Math.Max(candidate, end);
        }
        return candidate;
    }

    /// <summary>Byte ranges kept sorted by start, with overlapping or touching ranges merged into one.</summary>
    private sealed class MergedRanges
    {
        private readonly List<long> _starts = [];
        private readonly List<long> _ends = [];

        public int Count => _starts.Count;

        public long Start(int i) => _starts[i];

        public long End(int i) => _ends[i];

        public void Add(long start, long end)
        {
            // First range ending at or after the new start: it and every following range starting at or before the
            // new end touch the new range.
            int first = LowerBound(_ends, start);
            int last = first;
            while (last < _starts.Count && _starts[last] <= end) last++;
            if (last > first)
            {
                start = Math.Min(start, _starts[first]);
                end = Math.Max(end, _ends[last - 1]);
                _starts.RemoveRange(first, last - first);
                _ends.RemoveRange(first, last - first);
            }
            _starts.Insert(first, start);
            _ends.Insert(first, end);
        }

        private static int LowerBound(List<long> sorted, long value)
        {
            int low = 0, high = sorted.Count;
            while (low < high)
            {
                int middle = (low + high) >>> 1;
                if (sorted[middle] < value) low = middle + 1;
                else high = middle;
            }
            return low;
        }
    }
}

/// <summary>One buffer of a memory plan: size (aligned), lifetime in execution steps, and offset.</summary>
internal sealed class PlannedBuffer
{
    internal PlannedBuffer(int id, int size, int firstUse, int lastUse, int fixedOffset)
    {
        Id = id;
        Size = size;
        FirstUse = firstUse;
        LastUse = lastUse;
        FixedOffset = fixedOffset;
    }

    /// <summary>The handle <see cref="GreedyMemoryPlanner.AddBuffer"/> returned.</summary>
    public int Id { get; }

    /// <summary>Size in bytes, aligned to <see cref="GreedyMemoryPlanner.Alignment"/>.</summary>
    public int Size { get; }

    /// <summary>First step in which the buffer is alive.</summary>
    public int FirstUse { get; }

    /// <summary>Last step in which the buffer is alive (inclusive).</summary>
    public int LastUse { get; }

    /// <summary>An offset given by an offline plan, or -1 when the planner chooses.</summary>
    public int FixedOffset { get; }

    /// <summary>Where the planner put the buffer.</summary>
    public int Offset { get; internal set; }
}
