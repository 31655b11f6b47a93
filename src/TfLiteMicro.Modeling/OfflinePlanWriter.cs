using TfLiteMicro.Memory;

namespace TfLiteMicro.Modeling;

/// <summary>
/// Writes a memory plan into a model as TFLM's <c>OfflineMemoryAllocation</c> metadata (int32 little endian: version 1, the
/// subgraph count, the tensor count, one offset per tensor), so that TFLM, and this runtime, place the tensors at those
/// offsets instead of planning them.
/// </summary>
public static class OfflinePlanWriter
{
    /// <summary>
    /// A copy of <paramref name="model"/> whose metadata carries <paramref name="offsets"/> (one per tensor of every
    /// subgraph, -1 for tensors left to the online planner, as <see cref="MicroInterpreter.CreateOfflinePlan"/> gives them),
    /// in place of any offline plan it had.
    /// </summary>
    /// <exception cref="ArgumentException">The offsets do not match the model's tensors.</exception>
    /// <exception cref="NotSupportedException">The model holds something the copy cannot write (sparse tensors, StableHLO options).</exception>
    public static byte[] Write(Model model, ReadOnlySpan<int> offsets)
    {
        ArgumentNullException.ThrowIfNull(model);
        int tensors = 0;
        foreach (Subgraph s in model.Subgraphs) tensors += s.Tensors.Count;
        if (offsets.Length != tensors)
            throw new ArgumentException($"{offsets.Length} offsets for a model of {tensors} tensors", nameof(offsets));
        ModelBuilder builder = ModelCopy.ToBuilder(model, new Dictionary<(int, int), byte[]>(), entry => entry.Name != OfflineMemoryPlan.MetadataName);
        builder.AddMetadata(OfflineMemoryPlan.MetadataName, OfflineMemoryPlan.Encode(offsets, model.Subgraphs.Count));
        return builder.Build();
    }
}
