using TfLiteMicro.Memory;

namespace TfLiteMicro;

/// <summary>
/// Compressed constants (TFLM's LUT compression metadata), in one place for every operator: while kernels prepare, a
/// compressed constant reads as its decompressed values (a temporary copy dropped when preparing ends); each node
/// reading one gets a buffer of its own, planned like a scratch buffer (or placed in the application's decompression
/// memory), which the first read in each Invoke fills (only the first read ever, for a buffer in decompression memory whose
/// bytes no other buffer shares). Kernels therefore read compressed weights through the same
/// <see cref="InvokeContext.Input{T}"/> as plain ones, and their fast paths that precompute from constant weights
/// see the same values.
/// </summary>
public sealed partial class MicroInterpreter
{
    private IDecompressionProfiler? _decompressionProfiler;

    /// <summary>Bytes of the application's decompression memory in use after <see cref="AllocateTensors"/>.</summary>
    public long DecompressionMemoryUsedBytes { get; private set; }

    /// <summary>A compressed constant's bytes while kernels prepare: its decompressed values.</summary>
    internal ReadOnlySpan<byte> PreparedValues(Tensor tensor) => Graph.Compression!.PreparedValues(Graph, tensor.Id, tensor.Name);

    /// <summary>
    /// Places DECODE outputs and the buffers of compressed inputs in the application's decompression memory
    /// (<see cref="InterpreterOptions.DecompressionMemory"/>) where they fit, before the arena is planned: what is placed
    /// there takes no room in the arena. The steps are those of the arena's plan.
    /// </summary>
    private void PlaceInDecompressionMemory(InterpreterGraph graph)
    {
        DecompressionMemoryUsedBytes = 0;
        if (Options.DecompressionMemory is not { Count: > 0 } regions) return;
        var plan = new DecompressionMemoryPlan(regions);
        DecompressionRecord[] buffers = graph.Compression?.Buffers ?? [];
        // The arena's requests, in the arena's order: DECODE outputs and decompression buffers go here where they fit.
        foreach (PlannedRegion.Request r in PlannedRegion.Requests(graph, offline: null))
        {
            if (r.Kind == PlannedRegion.Kind.Decompression)
            {
                int k = r.Id;
                plan.TryPlace(r.Size, r.FirstUse, r.LastUse, (region, offset, exclusive) =>
                {
                    buffers[k].Region = region;
                    buffers[k].Offset = offset;
                    buffers[k].Kept = exclusive;
                }, constantData: true);
            }
            else if (r.Kind == PlannedRegion.Kind.Tensor && (graph.Tensors[r.Id].Flags & TensorFlags.PrefersDecompressionMemory) != 0)
            {
                int id = r.Id;
                plan.TryPlace(r.Size, r.FirstUse, r.LastUse, (region, offset, _) =>
                {
                    graph.Tensors[id].MemoryRegion = region;
                    graph.Tensors[id].ArenaOffset = offset;
                });
            }
        }
        plan.Finish();
        DecompressionMemoryUsedBytes = plan.PlacedBytes;
    }

    /// <summary>The bytes of tensor <paramref name="id"/>, placed in the application's decompression memory.</summary>
    internal Span<byte> RegionBytes(int id)
    {
        ref TensorRecord tensor = ref Graph.Tensors[id];
        return Options.DecompressionMemory![tensor.MemoryRegion].Span.Slice(tensor.ArenaOffset, tensor.ByteCount);
    }

    /// <summary>
    /// Starts a new Invoke (or reset) for decompression: buffers filled before are filled again on their next read, since
    /// other buffers planned over the same bytes may have been written since.
    /// </summary>
    private void BeginDecodeEpoch()
    {
        if (Graph.Compression is not { } compression) return;
        compression.NextEpoch();
        _decompressionProfiler = Options.Profiler as IDecompressionProfiler;
    }

    /// <summary>Compressed constant <paramref name="tensor"/>, an input of <paramref name="node"/>, decompressed into the node's buffer.</summary>
    internal ReadOnlySpan<byte> Decompressed(int node, int tensor, Span<byte> arena)
    {
        InterpreterGraph graph = Graph;
        CompressedConstants compression = graph.Compression!;
        int k = compression.FindBuffer(node, tensor);
        if (k < 0) throw NotAnInput(graph, node, tensor);
        ref DecompressionRecord buffer = ref compression.Buffers[k];
        Span<byte> target = buffer.Region < 0
            ? arena.Slice(buffer.Offset, buffer.Size)
            : Options.DecompressionMemory![buffer.Region].Span.Slice(buffer.Offset, buffer.Size);
        // A buffer with bytes of its own keeps its values: decompressed once, on the first read.
        if (buffer.Epoch != compression.Epoch && !(buffer.Kept && buffer.Epoch != 0))
        {
            IDecompressionProfiler? profiler = _decompressionProfiler;
            int index = tensor - graph.TensorStart(graph.Nodes[node].Subgraph);
            profiler?.BeginDecompression(graph.Nodes[node].Subgraph, graph.OperatorIndex(node), index);
            compression.Decode(Model, buffer.Compressed, target, !Options.UseReferenceKernels);
            profiler?.EndDecompression(graph.Nodes[node].Subgraph, graph.OperatorIndex(node), index);
            buffer.Epoch = compression.Epoch;
        }
        return target;
    }

    private static KernelException NotAnInput(InterpreterGraph graph, int node, int tensor)
    {
        (int subgraph, int index) = graph.Locate(tensor);
        return new KernelException($"{graph.Describe(node)}: tensor {index} '{graph.Definition(subgraph, index).Name}' of subgraph {subgraph} is stored compressed and is not an input of this operator: it cannot be read here");
    }
}
