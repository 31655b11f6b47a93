namespace TfLiteMicro.Kernels;

/// <summary>Moves tensor bytes between a control-flow op and the subgraphs it runs (shared by IF and WHILE).</summary>
internal static class SubgraphTransfer
{
    /// <summary>Checks a subgraph index from the op's options.</summary>
    public static void CheckIndex(PrepareContext context, int index, string what)
    {
        if (index <= 0 || index >= context.SubgraphCount)
            throw context.Error($"{what} subgraph {index} does not exist or is the main subgraph ({context.SubgraphCount} subgraphs)");
    }

    /// <summary>The ids of a subgraph's input tensors, which the op keeps for Invoke.</summary>
    public static int[] Inputs(PrepareContext context, int subgraph) => context.SubgraphTensorIds(subgraph, outputs: false);

    /// <summary>The ids of a subgraph's output tensors.</summary>
    public static int[] Outputs(PrepareContext context, int subgraph) => context.SubgraphTensorIds(subgraph, outputs: true);

    /// <summary>Copies tensor <paramref name="source"/> into tensor <paramref name="destination"/> (ids), which must have the same byte size.</summary>
    public static void Copy(InvokeContext context, int source, int destination)
    {
        if (source == destination) return;
        ReadOnlySpan<byte> from = context.TensorData(source);
        Span<byte> to = context.ArenaBytes(destination);
        if (from.Length != to.Length)
            throw context.Error($"{context.DescribeTensor(source)} ({from.Length} bytes) cannot be copied into {context.DescribeTensor(destination)} ({to.Length} bytes)");
        from.CopyTo(to);
    }
}
