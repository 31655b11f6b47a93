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
    // A plain struct, not a record: a record's generated equality and ToString box the enum, which roots enum
    // formatting by reflection in every NativeAOT program.
    public readonly struct Request(Kind kind, int subgraph, int index, int slot, int id, int size, int firstUse, int lastUse, int fixedOffset)
    {
        public Kind Kind { get; } = kind;
        public int Subgraph { get; } = subgraph;
        public int Index { get; } = index;
        public int Slot { get; } = slot;
        public int Id { get; } = id;
        public int Size { get; } = size;
        public int FirstUse { get; } = firstUse;
        public int LastUse { get; } = lastUse;
        public int FixedOffset { get; } = fixedOffset;

        /// <summary>Scratch and decompression buffers, which kernels use while they run.</summary>
        public bool IsScratch => Kind != Kind.Tensor;

        public override string ToString()
            => $"{(Kind == Kind.Tensor ? "tensor" : Kind == Kind.Scratch ? "scratch" : "decompression")} {Id} of subgraph {Subgraph}: {Size} bytes, steps {FirstUse}..{LastUse}";
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
    /// Places every buffer with the planner <paramref name="options"/> choose and writes the offsets into the graph's
    /// records; returns the region's size. <paramref name="scratchRequested"/> is what the scratch buffers asked for,
    /// before overlap; <paramref name="shared"/> lists the buffers placed in another's bytes (request, the request whose
    /// bytes it uses, how), null when none is.
    /// </summary>
    public static int Place(InterpreterGraph graph, int[]? offline, InterpreterOptions options, out int scratchRequested,
        out MemoryPlanSummary summary, out int[]? shared)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        List<Request> requests = Requests(graph, offline);
        scratchRequested = 0;
        foreach (Request r in requests) if (r.IsScratch) scratchRequested += r.Size;

        int[] group = BufferSharing.Find(graph, requests, options.InputsMayBeOverwritten, out byte[] kinds);
        var greedy = new GreedyMemoryPlanner();
        int[] greedyHandles = AddAll(greedy, requests, group: null);
        int greedyBytes = greedy.TotalSize;
        List<(int Size, int First, int Last, int Fixed)> merged = Merged(requests, group);
        var roots = new List<(int Size, int First, int Last, int Fixed)>();
        for (int i = 0; i < merged.Count; i++)
            if (group[i] == i) roots.Add((GreedyMemoryPlanner.AlignUp(merged[i].Size), merged[i].First, merged[i].Last, merged[i].Fixed));
        int lowerBound = (int)Math.Min(int.MaxValue, CompactMemoryPlanner.LowerBoundOf(roots));

        IMemoryPlanner chosen = greedy;
        int[] handles = greedyHandles;
        int plansTried = 1;
        shared = null;
        if (options.Planner == MemoryPlannerKind.Compact)
        {
            var compact = new CompactMemoryPlanner { TimeLimit = options.PlanningTimeLimit };
            int[] compactHandles = AddAll(compact, requests, group);
            plansTried = compact.Evaluations + 1;
            // Sharing changes the buffers greedy would place: its own plan of the unshared buffers stays the bound.
            if (compact.TotalSize <= greedyBytes)
            {
                (chosen, handles) = (compact, compactHandles);
                shared = SharedList(group, kinds);
            }
        }

        for (int i = 0; i < requests.Count; i++)
        {
            Request r = requests[i];
            int offset = handles[i] < 0 ? 0 : chosen.GetOffset(handles[i]);
            if (r.Kind == Kind.Scratch) graph.Scratch[r.Id].Offset = offset;
            else if (r.Kind == Kind.Decompression) graph.Compression!.Buffers[r.Id].Offset = offset;
            else graph.Tensors[r.Id].ArenaOffset = offset;
        }
        int planned = chosen.TotalSize;
        summary = new MemoryPlanSummary(options.Planner, lowerBound, greedyBytes, planned, shared is null ? 0 : shared.Length / 3,
            plansTried, clock.Elapsed);
        return planned;
    }

    /// <summary>
    /// Arena offsets for TFLM's offline plan (<see cref="OfflineMemoryPlan"/>): the tensors only (TFLM plans its own
    /// scratch buffers around them), shared only through RESHAPE, which TFLM's kernel runs over its input's bytes; -1 for
    /// tensors TFLM plans itself (constants, variables, empty tensors).
    /// </summary>
    public static int[] PlanForTflm(InterpreterGraph graph, InterpreterOptions options)
    {
        List<Request> requests = Requests(graph, offline: null).FindAll(r => r.Kind == Kind.Tensor);
        int[] group = BufferSharing.Find(graph, requests, inputsMayBeOverwritten: false, out _, aliasOnly: true);
        var compact = new CompactMemoryPlanner { TimeLimit = options.PlanningTimeLimit };
        int[] handles = AddAll(compact, requests, group);
        var greedy = new GreedyMemoryPlanner();
        int[] greedyHandles = AddAll(greedy, requests, group: null);
        (IMemoryPlanner chosen, int[] chosenHandles) = compact.TotalSize <= greedy.TotalSize ? ((IMemoryPlanner)compact, handles) : (greedy, greedyHandles);
        var offsets = new int[graph.Tensors.Length];
        Array.Fill(offsets, -1);
        for (int i = 0; i < requests.Count; i++)
            if (chosenHandles[i] >= 0) offsets[requests[i].Id] = chosen.GetOffset(chosenHandles[i]);
        return offsets;
    }

    /// <summary>
    /// Adds every request to <paramref name="planner"/>: one buffer per group of requests sharing bytes (alive from the
    /// group's first step to its last), none for empty tensors. Returns each request's handle (-1: no bytes).
    /// </summary>
    private static int[] AddAll(IMemoryPlanner planner, List<Request> requests, int[]? group)
    {
        var handles = new int[requests.Count];
        List<(int Size, int First, int Last, int Fixed)> merged = Merged(requests, group);
        var handleOfRoot = new int[requests.Count];
        for (int i = 0; i < requests.Count; i++)
        {
            Request r = requests[i];
            int root = group?[i] ?? i;
            if (root != i) continue;
            (int size, int first, int last, int fixedOffset) = merged[i];
            handleOfRoot[i] = r.Size == 0 && !r.IsScratch ? -1 : planner.AddBuffer(size, first, last, fixedOffset);
        }
        for (int i = 0; i < requests.Count; i++) handles[i] = handleOfRoot[group?[i] ?? i];
        return handles;
    }

    /// <summary>Per request, the buffer its group needs (at the root's index; members keep their own lifetime).</summary>
    private static List<(int Size, int First, int Last, int Fixed)> Merged(List<Request> requests, int[]? group)
    {
        var merged = new List<(int Size, int First, int Last, int Fixed)>(requests.Count);
        foreach (Request r in requests) merged.Add((r.Size, r.FirstUse, r.LastUse, r.FixedOffset));
        if (group is null) return merged;
        for (int i = 0; i < requests.Count; i++)
        {
            int root = group[i];
            if (root == i) continue;
            (int size, int first, int last, int fixedOffset) = merged[root];
            merged[root] = (Math.Max(size, requests[i].Size), Math.Min(first, requests[i].FirstUse), Math.Max(last, requests[i].LastUse), fixedOffset);
        }
        return merged;
    }

    /// <summary>(request, request whose bytes it uses, kind) for every shared request; null when none is.</summary>
    private static int[]? SharedList(int[] group, byte[] kinds)
    {
        var list = new List<int>();
        for (int i = 0; i < group.Length; i++)
            if (group[i] != i) list.AddRange([i, group[i], (int)kinds[i]]);
        return list.Count == 0 ? null : [.. list];
    }

    /// <summary>Adds the placed buffers to a memory plan report; <paramref name="shared"/> as <see cref="Place"/> gave it.</summary>
    public static void Describe(InterpreterGraph graph, List<MemoryPlanEntry> plan, int[]? shared)
    {
        List<Request> requests = Requests(graph, offline: null);
        var sharing = new Dictionary<int, (int Root, BufferSharingKind Kind)>();
        for (int k = 0; shared is not null && k < shared.Length; k += 3) sharing[shared[k]] = (shared[k + 1], (BufferSharingKind)shared[k + 2]);
        for (int i = 0; i < requests.Count; i++)
        {
            Request r = requests[i];
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
                var entry = new MemoryPlanEntry("tensor", r.Subgraph, r.Index, graph.Definition(r.Subgraph, r.Index).Name,
                    GreedyMemoryPlanner.AlignUp(r.Size), r.FirstUse, r.LastUse, graph.Tensors[r.Id].ArenaOffset);
                if (sharing.TryGetValue(i, out (int Root, BufferSharingKind Kind) s))
                {
                    Request root = requests[s.Root];
                    entry = entry with { Sharing = s.Kind, SharesWith = graph.Definition(root.Subgraph, root.Index).Name };
                }
                plan.Add(entry);
            }
        }
    }
}
