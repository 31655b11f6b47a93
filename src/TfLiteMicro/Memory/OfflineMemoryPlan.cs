using System.Buffers.Binary;

namespace TfLiteMicro.Memory;

/// <summary>
/// Reads the "OfflineMemoryAllocation" metadata a model may carry: fixed arena offsets for some tensors, computed
/// ahead of time. Layout (int32 little endian): version, subgraph count, tensor count, then one offset per tensor
/// (of all subgraphs, in order); -1 leaves a tensor to the online planner.
/// </summary>
internal static class OfflineMemoryPlan
{
    public const string MetadataName = "OfflineMemoryAllocation";

    /// <summary>The per-tensor offsets, or null when the model has no offline plan.</summary>
    public static int[]? Read(Model model)
    {
        if (model.FindMetadata(MetadataName) is not { } entry) return null;
        ReadOnlySpan<byte> data = entry.Data.Span;
        if (data.Length < 12 || data.Length % 4 != 0)
            throw new InvalidModelException($"metadata {MetadataName}: {data.Length} bytes is not a valid offline plan");
        int tensorCount = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(8));
        if (tensorCount < 0 || 12L + 4L * tensorCount != data.Length)
            throw new InvalidModelException($"metadata {MetadataName}: declares {tensorCount} tensors but holds {(data.Length - 12) / 4} offsets");
        int total = 0;
        foreach (Subgraph s in model.Subgraphs) total += s.Tensors.Count;
        if (tensorCount != total)
            throw new InvalidModelException($"metadata {MetadataName}: has {tensorCount} offsets but the model has {total} tensors");
        var offsets = new int[tensorCount];
        for (int i = 0; i < tensorCount; i++)
        {
            offsets[i] = BinaryPrimitives.ReadInt32LittleEndian(data.Slice(12 + 4 * i));
            if (offsets[i] < -1)
                throw new InvalidModelException($"metadata {MetadataName}: tensor {i} has offset {offsets[i]}");
        }
        return offsets;
    }
}
