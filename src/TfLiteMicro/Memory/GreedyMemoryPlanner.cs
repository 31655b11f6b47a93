namespace TfLiteMicro.Memory;

/// <summary>
/// Lays buffers with known lifetimes into one region, reusing bytes of buffers whose lifetimes do not overlap.
/// Same algorithm as TFLM's greedy planner: buffers with a fixed (offline) offset first, then the others from
/// the largest down, each at the lowest offset where it overlaps no buffer alive at the same time.
/// </summary>
public sealed class GreedyMemoryPlanner
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
        if (_planned) return;
        var placed = new List<PlannedBuffer>(_buffers.Count);
        foreach (PlannedBuffer b in _buffers)
        {
            if (b.FixedOffset >= 0)
            {
                b.Offset = b.FixedOffset;
                placed.Add(b);
            }
        }

        var order = new List<PlannedBuffer>(_buffers.Count);
        foreach (PlannedBuffer b in _buffers)
            if (b.FixedOffset < 0) order.Add(b);
        // Largest first; equal sizes keep the order they were added in, so the plan is deterministic.
        order.Sort((a, b) => a.Size != b.Size ? b.Size.CompareTo(a.Size) : a.Id.CompareTo(b.Id));

        var overlapping = new List<PlannedBuffer>();
        foreach (PlannedBuffer b in order)
        {
            overlapping.Clear();
            foreach (PlannedBuffer p in placed)
                if (p.FirstUse <= b.LastUse && b.FirstUse <= p.LastUse) overlapping.Add(p);
            overlapping.Sort((x, y) => x.Offset.CompareTo(y.Offset));

            long candidate = 0;
            foreach (PlannedBuffer p in overlapping)
            {
                if (candidate + b.Size <= p.Offset) break;
                candidate = Math.Max(candidate, (long)p.Offset + p.Size);
            }
            // Offsets are ints because arenas are at most 2 GB; a plan that ends beyond that fits no arena.
            if (candidate + b.Size > int.MaxValue)
                throw new ArenaTooSmallException(candidate + b.Size, int.MaxValue);
            b.Offset = (int)candidate;
            placed.Add(b);
        }
        _planned = true;
    }
}

/// <summary>One buffer of a memory plan: size (aligned), lifetime in execution steps, and offset.</summary>
public sealed class PlannedBuffer
{
    internal PlannedBuffer(int id, int size, int firstUse, int lastUse, int fixedOffset)
    {
        Id = id;
        Size = size;
        FirstUse = firstUse;
        LastUse = lastUse;
        FixedOffset = fixedOffset;
    }

    public int Id { get; }
    public int Size { get; }
    public int FirstUse { get; }
    public int LastUse { get; }

    /// <summary>An offset given by an offline plan, or -1 when the planner chooses.</summary>
    public int FixedOffset { get; }

    public int Offset { get; internal set; }
}
