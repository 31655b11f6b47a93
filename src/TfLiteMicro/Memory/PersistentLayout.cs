namespace TfLiteMicro.Memory;

/// <summary>
/// The persistent region, after the planned one: what lives as long as the interpreter. Variable tensors first, then
/// the persistent buffers kernels asked for (state, precomputed tables) in node order, then resource variables;
/// each at a 16-byte boundary.
/// </summary>
internal static class PersistentLayout
{
    /// <summary>Places everything persistent from <paramref name="cursor"/> on and writes the offsets; returns the region's end.</summary>
    public static long Place(InterpreterGraph graph, ResourceVariableStore? resources, long cursor, int arenaLength)
    {
        foreach (ref TensorRecord tensor in graph.Tensors.AsSpan())
        {
            if (!tensor.IsVariable || tensor.IsConstant) continue;
            tensor.ArenaOffset = CheckedOffset(cursor, arenaLength);
            cursor += GreedyMemoryPlanner.AlignUp(tensor.ByteCount);
        }
        foreach (ref BufferRecord buffer in graph.Persistent.AsSpan())
        {
            buffer.Offset = CheckedOffset(cursor, arenaLength);
            cursor += GreedyMemoryPlanner.AlignUp(buffer.Size);
        }
        return resources is null ? cursor : resources.Place(CheckedOffset(cursor, arenaLength));
    }

    /// <summary>Adds the persistent buffers to a memory plan report; they are alive from step 0 to <paramref name="lastStep"/>.</summary>
    public static void Describe(InterpreterGraph graph, ResourceVariableStore? resources, List<MemoryPlanEntry> plan, int lastStep)
    {
        for (int s = 0; s < graph.SubgraphCount; s++)
        {
            for (int t = 0; t < graph.TensorCount(s); t++)
            {
                ref TensorRecord tensor = ref graph.Tensors[graph.TensorStart(s) + t];
                if (tensor.IsVariable && !tensor.IsConstant)
                    plan.Add(new MemoryPlanEntry("variable", s, t, graph.Definition(s, t).Name, tensor.ByteCount, 0, lastStep, tensor.ArenaOffset));
            }
        }
        for (int n = 0; n < graph.Nodes.Length; n++)
        {
            ref NodeRecord node = ref graph.Nodes[n];
            for (int k = 0; k < node.PersistentCount; k++)
            {
                BufferRecord buffer = graph.Persistent[node.Persistent + k];
                plan.Add(new MemoryPlanEntry("persistent", node.Subgraph, graph.OperatorIndex(n), $"{graph.Code(n).Name} persistent {k}",
                    buffer.Size, 0, lastStep, buffer.Offset));
            }
        }
        resources?.Describe(plan, lastStep);
    }

    /// <summary>
    /// An offset past what any arena can hold means the model cannot fit, whatever the arena given; offsets past this
    /// arena's end are kept so that the final check reports the whole size needed.
    /// </summary>
    private static int CheckedOffset(long offset, int arenaLength)
        => offset <= int.MaxValue ? (int)offset : throw new ArenaTooSmallException(offset, arenaLength);
}
