using Google.FlatBuffers;
using TfLiteMicro.Compression;

namespace TfLiteMicro.Modeling.Compression;

/// <summary>
/// Writes the buffer of a COMPRESSION_METADATA entry: a FlatBuffer of tflite-micro's <c>compression/metadata.fbs</c>
/// (Metadata { schema_version: uint = 1; subgraphs: [Subgraph] }, Subgraph { lut_tensors: [LutTensor] },
/// LutTensor { tensor: int; value_buffer: uint; index_bitwidth: ubyte }), with the field slots
/// <see cref="ModelCompression"/> reads.
/// </summary>
public static class CompressionMetadataWriter
{
    /// <summary>One compressed tensor: its subgraph and index, the buffer of its value tables, its index bit width.</summary>
    public readonly record struct LutTensor(int Subgraph, int Tensor, int ValueBuffer, int BitWidth);

    /// <summary>
    /// The metadata for <paramref name="tensors"/>. Every subgraph up to the last one named must have at least one
    /// compressed tensor: TFLM refuses a subgraph entry without any.
    /// </summary>
    public static byte[] Write(IReadOnlyList<LutTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("no compressed tensors to describe", nameof(tensors));
        int subgraphs = tensors.Max(t => t.Subgraph) + 1;
        var fb = new FlatBufferBuilder(256) { ForceDefaults = true };
        var subgraphTables = new int[subgraphs];
        for (int s = 0; s < subgraphs; s++)
        {
            LutTensor[] inSubgraph = [.. tensors.Where(t => t.Subgraph == s)];
            if (inSubgraph.Length == 0)
                throw new ArgumentException($"subgraph {s} has no compressed tensor, but a later subgraph has one (TFLM refuses an empty subgraph entry)", nameof(tensors));
            var lutTables = new int[inSubgraph.Length];
            for (int i = 0; i < inSubgraph.Length; i++)
            {
                LutTensor t = inSubgraph[i];
                if (t.BitWidth is < 1 or > 7) throw new ArgumentException($"tensor {t.Tensor}: bit width {t.BitWidth} is outside 1..7", nameof(tensors));
                fb.StartTable(3);
                fb.AddInt(ModelCompression.Field.LutTensorTensor, t.Tensor, 0);
                fb.AddUint(ModelCompression.Field.LutTensorValueBuffer, (uint)t.ValueBuffer, 0);
                fb.AddByte(ModelCompression.Field.LutTensorIndexBitWidth, (byte)t.BitWidth, 0);
                lutTables[i] = fb.EndTable();
            }
            int lutVector = ModelBuilder.OffsetVector(fb, lutTables);
            fb.StartTable(1);
            fb.AddOffset(ModelCompression.Field.SubgraphLutTensors, lutVector, 0);
            subgraphTables[s] = fb.EndTable();
        }
        int subgraphVector = ModelBuilder.OffsetVector(fb, subgraphTables);
        fb.StartTable(2);
        fb.AddUint(ModelCompression.Field.MetadataSchemaVersion, ModelCompression.SchemaVersion, 0);
        fb.AddOffset(ModelCompression.Field.MetadataSubgraphs, subgraphVector, 0);
        fb.Finish(fb.EndTable());
        return fb.SizedByteArray();
    }
}
