namespace TfLiteMicro.Memory;

/// <summary>
/// Places decompressed data in the application's decompression memory regions (<see cref="InterpreterOptions.DecompressionMemory"/>):
/// each buffer goes into the first region that still has room for it with the buffers already there, laid out by
/// lifetime as the arena is (buffers alive at different steps share bytes). TFLM places DECODE outputs by bumping a
/// pointer that each DECODE rewinds, which assumes every output dies before the next DECODE runs; planning by
/// lifetime needs no such assumption.
/// </summary>
internal sealed class DecompressionMemoryPlan
{
    private readonly IReadOnlyList<Memory<byte>> _regions;
    private readonly List<(int Size, int FirstUse, int LastUse, Action<int, int, bool> Assign)>[] _placed;

    public DecompressionMemoryPlan(IReadOnlyList<Memory<byte>> regions)
    {
        _regions = regions;
        _placed = new List<(int, int, int, Action<int, int, bool>)>[regions.Count];
        for (int r = 0; r < _placed.Length; r++) _placed[r] = [];
    }

    /// <summary>Total bytes placed in the regions, overlaps counted once (valid after <see cref="Finish"/>).</summary>
    public long PlacedBytes { get; private set; }

    /// <summary>
    /// Adds a buffer to the first region where it fits; <paramref name="assign"/> later receives the region, the offset, and
    /// whether the buffer has its bytes to itself (no other buffer placed over them, so what is written there stays).
    /// With <paramref name="preferOwnBytes"/>, bytes of its own are tried first (for data that never changes).
    /// </summary>
    public bool TryPlace(int size, int firstUse, int lastUse, Action<int, int, bool> assign, bool preferOwnBytes = false)
    {
        // Alive for the whole run, a buffer shares its bytes with no other: what it holds stays from one Invoke to the next.
        if (preferOwnBytes && TryPlace(size, 0, int.MaxValue, assign)) return true;
        for (int r = 0; r < _regions.Count; r++)
        {
            _placed[r].Add((size, firstUse, lastUse, assign));
            if (Layout(r).TotalSize <= _regions[r].Length) return true;
            _placed[r].RemoveAt(_placed[r].Count - 1);
        }
        return false;
    }

    /// <summary>Fixes the offsets of every placed buffer (the layout of a region changes as buffers are added).</summary>
    public void Finish()
    {
        long total = 0;
        for (int r = 0; r < _regions.Count; r++)
        {
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

    private GreedyMemoryPlanner Layout(int region)
    {
        var planner = new GreedyMemoryPlanner();
        foreach ((int size, int firstUse, int lastUse, _) in _placed[region]) planner.AddBuffer(size, firstUse, lastUse);
        return planner;
    }
}
