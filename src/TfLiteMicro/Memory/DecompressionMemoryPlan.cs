namespace TfLiteMicro.Memory;

/// <summary>
/// Places decompressed data in the application's decompression memory regions (<see cref="InterpreterOptions.DecompressionMemory"/>):
/// each buffer goes into the first region that still has room for it with the buffers already there, laid out by
/// lifetime as the arena is (buffers alive at different steps share bytes), so that as much as possible leaves the
/// arena. TFLM places DECODE outputs by bumping a pointer that each DECODE rewinds, which assumes every output dies
/// before the next DECODE runs; planning by lifetime needs no such assumption. Then, with the room left, buffers of data
/// that never changes are given bytes of their own, largest first: what they hold then stays from one Invoke to the next.
/// </summary>
internal sealed class DecompressionMemoryPlan
{
    /// <summary>A buffer's lifetime stretched over the whole run: no other buffer shares its bytes.</summary>
    private const int WholeRun = int.MaxValue;

    private sealed class Entry(int size, int firstUse, int lastUse, bool constantData, Action<int, int, bool> assign)
    {
        public int Size { get; } = size;
        public int FirstUse { get; set; } = firstUse;
        public int LastUse { get; set; } = lastUse;
        public bool ConstantData { get; } = constantData;
        public Action<int, int, bool> Assign { get; } = assign;
    }

    private readonly IReadOnlyList<Memory<byte>> _regions;
    private readonly List<Entry>[] _placed;

    public DecompressionMemoryPlan(IReadOnlyList<Memory<byte>> regions)
    {
        _regions = regions;
        _placed = new List<Entry>[regions.Count];
        for (int r = 0; r < _placed.Length; r++) _placed[r] = [];
    }

    /// <summary>Total bytes placed in the regions, overlaps counted once (valid after <see cref="Finish"/>).</summary>
    public long PlacedBytes { get; private set; }

    /// <summary>
    /// Adds a buffer to the first region where it fits; <paramref name="assign"/> later receives the region, the offset, and
    /// whether the buffer has its bytes to itself (no other buffer placed over them, so what is written there stays).
    /// <paramref name="constantData"/> marks data that never changes, worth bytes of its own where room is left.
    /// </summary>
    public bool TryPlace(int size, int firstUse, int lastUse, Action<int, int, bool> assign, bool constantData = false)
    {
        for (int r = 0; r < _regions.Count; r++)
        {
            _placed[r].Add(new Entry(size, firstUse, lastUse, constantData, assign));
            if (Fits(r)) return true;
            _placed[r].RemoveAt(_placed[r].Count - 1);
        }
        return false;
    }

    /// <summary>Gives constant data bytes of its own where room is left, then fixes every offset.</summary>
    public void Finish()
    {
        long total = 0;
        for (int r = 0; r < _regions.Count; r++)
        {
            foreach (Entry entry in _placed[r].Where(e => e.ConstantData).OrderByDescending(e => e.Size).ToList())
            {
                (int firstUse, int lastUse) = (entry.FirstUse, entry.LastUse);
                (entry.FirstUse, entry.LastUse) = (0, WholeRun);
                if (!Fits(r)) (entry.FirstUse, entry.LastUse) = (firstUse, lastUse);
            }

            GreedyMemoryPlanner planner = Layout(r);
            IReadOnlyList<PlannedBuffer> buffers = planner.Buffers;
            for (int i = 0; i < buffers.Count; i++)
            {
                bool exclusive = true;
                for (int k = 0; k < buffers.Count && exclusive; k++)
                    exclusive = k == i || buffers[k].Offset >= buffers[i].Offset + buffers[i].Size || buffers[i].Offset >= buffers[k].Offset + buffers[k].Size;
                _placed[r][i].Assign(r, buffers[i].Offset, exclusive);
            }
            total += planner.TotalSize;
        }
        PlacedBytes = total;
    }

    private bool Fits(int region) => Layout(region).TotalSize <= _regions[region].Length;

    private GreedyMemoryPlanner Layout(int region)
    {
        var planner = new GreedyMemoryPlanner();
        foreach (Entry entry in _placed[region]) planner.AddBuffer(entry.Size, entry.FirstUse, entry.LastUse);
        return planner;
    }
}
