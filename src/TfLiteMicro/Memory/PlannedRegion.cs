namespace TfLiteMicro.Memory;

/// <summary>
/// The planned region at the start of the arena: every tensor an operator uses (constants and variables aside) and
/// every scratch buffer, each alive for a span of steps. A planner lays them out so that buffers alive at the same
/// step never share bytes. The main subgraph's steps are its operators; another subgraph can run in the middle of
/// any of them (called by control flow), so its buffers are alive during every step.
/// </summary>
internal static class PlannedRegion
{
    /// <summary>
    /// One buffer to place: a tensor (<see cref="Id"/> its tensor id; <see cref="Index"/> its index in the subgraph) or a
    /// scratch buffer (<see cref="Id"/> its index in the scratch table; <see cref="Index"/> its operator, <see cref="Slot"/>
    /// its handle), with its size in bytes, lifetime and fixed offset (from an offline plan, or -1).
    /// </summary>
    public readonly record struct Request(bool IsScratch, int Subgraph, int Index, int Slot, int Id, int Size, int FirstUse, int LastUse, int FixedOffset);

    /// <summary>
    /// The buffers of every subgraph, in the order planners receive them (per subgraph: tensors, then scratch buffers
    /// by operator). Used tensors of zero bytes are included with size 0; they take no place.
    /// </summary>
    public static List<Request> Requests(InterpreterGraph graph, int[]? offline)
    {
        var requests = new List<Request>();
        int lastStep = Math.Max(1, graph.NodeCount(0)) - 1;
        for (int s = 0; s < graph.SubgraphCount; s++)
        {
            TensorLifetimes lifetimes = TensorLifetimes.Of(graph, s);
            int start = graph.TensorStart(s);
            for (int t = 0; t < graph.TensorCount(s); t++)
            {
                ref TensorRecord tensor = ref graph.Tensors[start + t];
                if (tensor.IsConstant || tensor.IsVariable || lifetimes.First[t] < 0) continue;
                if (TensorTypes.ByteCount(tensor.Type, 1) < 0)
                    throw new KernelException($"subgraph {s}, tensor {t} '{graph.Definition(s, t).Name}': {TensorTypes.GetName(tensor.Type)} tensors cannot be placed in the arena");
                (int from, int to) = s == 0 ? (lifetimes.First[t], lifetimes.Last[t]) : (0, lastStep);
                int fixedOffset = offline is not null && offline[start + t] >= 0 ? offline[start + t] : -1;
                requests.Add(new Request(false, s, t, 0, start + t, tensor.ByteCount, from, Math.Max(from, to), fixedOffset));
            }

            for (int o = 0; o < graph.NodeCount(s); o++)
            {
                ref NodeRecord node = ref graph.Nodes[graph.NodeStart(s) + o];
                (int from, int to) = s == 0 ? (o, o) : (0, lastStep);
                for (int k = 0; k < node.ScratchCount; k++)
                    requests.Add(new Request(true, s, o, k, node.Scratch + k, graph.Scratch[node.Scratch + k].Size, from, to, -1));
            }
        }
        return requests;
    }

    /// <summary>
    /// Places every buffer with <paramref name="planner"/> and writes the offsets into the graph's records; returns
    /// the region's size. <paramref name="scratchRequested"/> is what the scratch buffers asked for, before overlap.
    /// </summary>
    public static int Place(InterpreterGraph graph, int[]? offline, IMemoryPlanner planner, out int scratchRequested)
    {
        List<Request> requests = Requests(graph, offline);
        var handles = new int[requests.Count];
        scratchRequested = 0;
        for (int i = 0; i < requests.Count; i++)
        {
            Request r = requests[i];
            if (r.IsScratch) scratchRequested += r.Size;
            handles[i] = r.Size == 0 && !r.IsScratch ? -1 : planner.AddBuffer(r.Size, r.FirstUse, r.LastUse, r.FixedOffset);
        }
        for (int i = 0; i < requests.Count; i++)
        {
            Request r = requests[i];
            int offset = handles[i] < 0 ? 0 : planner.GetOffset(handles[i]);
            if (r.IsScratch) graph.Scratch[r.Id].Offset = offset;
            else graph.Tensors[r.Id].ArenaOffset = offset;
        }
        return planner.TotalSize;
    }

    /// <summary>Adds the placed buffers to a memory plan report.</summary>
    public static void Describe(InterpreterGraph graph, List<MemoryPlanEntry> plan)
    {
        foreach (Request r in Requests(graph, offline: null))
        {
            if (r.IsScratch)
            {
                string name = $"{graph.Code(graph.NodeStart(r.Subgraph) + r.Index).Name} scratch {r.Slot}";
                plan.Add(new MemoryPlanEntry("scratch", r.Subgraph, r.Index, name, GreedyMemoryPlanner.AlignUp(r.Size), r.FirstUse, r.LastUse, graph.Scratch[r.Id].Offset));
            }
            else if (r.Size > 0)
            {
                plan.Add(new MemoryPlanEntry("tensor", r.Subgraph, r.Index, graph.Definition(r.Subgraph, r.Index).Name,
                    GreedyMemoryPlanner.AlignUp(r.Size), r.FirstUse, r.LastUse, graph.Tensors[r.Id].ArenaOffset));
            }
        }
    }
}
