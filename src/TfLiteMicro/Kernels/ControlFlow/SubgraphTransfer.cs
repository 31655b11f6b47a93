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

    public static Tensor[] Inputs(PrepareContext context, int subgraph) => [.. context.SubgraphInputs(subgraph)];

    public static Tensor[] Outputs(PrepareContext context, int subgraph) => [.. context.SubgraphOutputs(subgraph)];

    /// <summary>Copies input <paramref name="input"/> of the op (decompressed, when a compressed constant) into <paramref name="destination"/>.</summary>
    public static void CopyInput(InvokeContext context, int input, Tensor destination)
    {
        if (ReferenceEquals(context.InputTensor(input), destination)) return;
        Copy(context, context.InputTensor(input), context.Input<byte>(input), destination);
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/>, which must have the same byte size.</summary>
    public static void Copy(InvokeContext context, Tensor source, Tensor destination)
    {
        if (ReferenceEquals(source, destination)) return;
        if (source.IsCompressed)
            throw context.Error($"tensor '{source.Name}' of subgraph {source.Subgraph} is stored compressed and is not an input of this op: it cannot be copied");
        Copy(context, source, source.IsConstant ? source.Definition.Data.Span : context.TensorBytes(source), destination);
    }

    private static void Copy(InvokeContext context, Tensor source, ReadOnlySpan<byte> from, Tensor destination)
    {
        if (destination.IsConstant) throw context.Error($"cannot write into constant tensor '{destination.Name}' of subgraph {destination.Subgraph}");
        Span<byte> to = context.TensorBytes(destination);
        if (from.Length != to.Length)
            throw context.Error($"tensor '{source.Name}' ({from.Length} bytes) cannot be copied into '{destination.Name}' of subgraph {destination.Subgraph} ({to.Length} bytes)");
        from.CopyTo(to);
    }
}
