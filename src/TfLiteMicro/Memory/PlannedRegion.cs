namespace TfLiteMicro.Memory;

/// <summary>
/// The planned region at the start of the arena: every tensor an operator uses (constants, variables and tensors in the
/// application's decompression memory aside), every scratch buffer and every buffer an operator reads a compressed
/// constant from (outside the decompression memory), each alive for a span of steps. A planner lays them out so that buffers alive at the same
/// step never share bytes. The main subgraph's steps are its operators; another subgraph can run in the middle of
/// any of them (called by control flow), so its buffers are alive during every step.
/// </summary>
internal static class PlannedRegion
{
    /// <summary>What a planned buffer holds.</summary>
    public enum Kind
    {
        Tensor,
        Scratch,

        /// <summary>The decompressed values of a compressed constant an operator reads.</summary>
        Decompression,
    }

    /// <summary>
    /// One buffer to place: a tensor (<see cref="Id"/> its tensor id; <see cref="Index"/> its index in the subgraph), a
    /// scratch buffer (<see cref="Id"/> its index in the scratch table; <see cref="Index"/> its operator, <see cref="Slot"/>
    /// its handle) or a decompression buffer (<see cref="Id"/> its index in the decompression table; <see cref="Index"/> its
    /// operator, <see cref="Slot"/> the compressed tensor's index in the subgraph), with its size in bytes, lifetime and
    /// fixed offset (from an offline plan, or -1).
    /// </summary>
    public readonly record struct Request(Kind Kind, int Subgraph, int Index, int Slot, int Id, int Size, int FirstUse, int LastUse, int FixedOffset)
    {
        /// <summary>Scratch and decompression buffers, which kernels use while they run.</summary>
        public bool IsScratch => Kind != Kind.Tensor;
    }

    /// <summary>
    /// The buffers of every subgraph, in the order planners receive them (per subgraph: tensors, then scratch and
    /// decompression buffers by operator). Used tensors of zero bytes are included with size 0; they take no place.
    /// </summary>
    public static List<Request> Requests(InterpreterGraph graph, int[]? offline)
    {
        var requests = new List<Request>();
        int lastStep = Math.Max(1, graph.NodeCount(0)) - 1;
        DecompressionRecord[] decompressions = graph.Compression?.Buffers ?? [];
        int next = 0;
        for (int s = 0; s < graph.SubgraphCount; s++)
        {
            TensorLifetimes lifetimes = TensorLifetimes.Of(graph, s);
            int start = graph.TensorStart(s);
            for (int t = 0; t < graph.TensorCount(s); t++)
            {
                ref TensorRecord tensor = ref graph.Tensors[start + t];
                if (!tensor.IsInArena || tensor.IsVariable || lifetimes.First[t] < 0) continue;
                if (TensorTypes.ByteCount(tensor.Type, 1) < 0)
                    throw new KernelException($"subgraph {s}, tensor {t} '{graph.Definition(s, t).Name}': {TensorTypes.GetName(tensor.Type)} tensors cannot be placed in the arena");
                (int from, int to) = lifetimes.PlannedSteps(s, t, lastStep);
                int fixedOffset = offline is not null && offline[start + t] >= 0 ? offline[start + t] : -1;
                requests.Add(new Request(Kind.Tensor, s, t, 0, start + t, tensor.ByteCount, from, to, fixedOffset));
            }

            for (int o = 0; o < graph.NodeCount(s); o++)
            {
                ref NodeRecord node = ref graph.Nodes[graph.NodeStart(s) + o];
                (int from, int to) = TensorLifetimes.OperatorSteps(s, o, lastStep);
                for (int k = 0; k < node.ScratchCount; k++)
                    requests.Add(new Request(Kind.Scratch, s, o, k, node.Scratch + k, graph.Scratch[node.Scratch + k].Size, from, to, -1));
                // Decompression buffers are in node order; those in the application's decompression memory are placed there.
                for (; next < decompressions.Length && decompressions[next].Node == graph.NodeStart(s) + o; next++)
                {
                    DecompressionRecord buffer = decompressions[next];
                    if (buffer.Region < 0)
                        requests.Add(new Request(Kind.Decompression, s, o, buffer.Tensor - start, next, buffer.Size, from, to, -1));
                }
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
            if (r.Kind == Kind.Scratch) graph.Scratch[r.Id].Offset = offset;
            else if (r.Kind == Kind.Decompression) graph.Compression!.Buffers[r.Id].Offset = offset;
            else graph.Tensors[r.Id].ArenaOffset = offset;
        }
        return planner.TotalSize;
    }

    /// <summary>Adds the placed buffers to a memory plan report.</summary>
    public static void Describe(InterpreterGraph graph, List<MemoryPlanEntry> plan)
    {
        foreach (Request r in Requests(graph, offline: null))
        {
            if (r.Kind == Kind.Scratch)
            {
                string name = $"{graph.Code(graph.NodeStart(r.Subgraph) + r.Index).Name} scratch {r.Slot}";
                plan.Add(new MemoryPlanEntry("scratch", r.Subgraph, r.Index, name, GreedyMemoryPlanner.AlignUp(r.Size), r.FirstUse, r.LastUse, graph.Scratch[r.Id].Offset));
            }
            else if (r.Kind == Kind.Decompression)
            {
                string name = $"{graph.Code(graph.NodeStart(r.Subgraph) + r.Index).Name} decompressed '{graph.Definition(r.Subgraph, r.Slot).Name}'";
                plan.Add(new MemoryPlanEntry("decompression", r.Subgraph, r.Index, name, GreedyMemoryPlanner.AlignUp(r.Size), r.FirstUse, r.LastUse, graph.Compression!.Buffers[r.Id].Offset));
            }
            else if (r.Size > 0)
            {
                plan.Add(new MemoryPlanEntry("tensor", r.Subgraph, r.Index, graph.Definition(r.Subgraph, r.Index).Name,
                    GreedyMemoryPlanner.AlignUp(r.Size), r.FirstUse, r.LastUse, graph.Tensors[r.Id].ArenaOffset));
            }
        }
    }
}
