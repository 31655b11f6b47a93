namespace TfLiteMicro.Compression;

/// <summary>
/// Reads TFLM's compression metadata: a model metadata entry named <see cref="MetadataName"/> whose buffer is a FlatBuffer
/// of tflite-micro's <c>compression/metadata.fbs</c> (Metadata { schema_version, subgraphs: [Subgraph { lut_tensors:
/// [LutTensor { tensor, value_buffer, index_bitwidth }] }] }). It is read straight from the bytes through
/// <see cref="FlatTable"/> and checked when the model loads, so a malformed entry is an <see cref="InvalidModelException"/>
/// naming the tensor, and nothing is kept per tensor on the <see cref="Model"/>.
/// </summary>
public static class ModelCompression
{
    /// <summary>The model metadata key TFLM looks for.</summary>
    public const string MetadataName = "COMPRESSION_METADATA";

    /// <summary>The metadata schema version this runtime reads (and newer models are refused, as TFLM does).</summary>
    public const uint SchemaVersion = 1;

    /// <summary>Field slots of the metadata schema's tables, in declaration order.</summary>
    internal static class Field
    {
        public const int MetadataSchemaVersion = 0, MetadataSubgraphs = 1;
        public const int SubgraphLutTensors = 0;
        public const int LutTensorTensor = 0, LutTensorValueBuffer = 1, LutTensorIndexBitWidth = 2;
    }

    /// <summary>One LutTensor entry as the metadata states it, before it is checked against the model.</summary>
    internal readonly record struct Entry(int Subgraph, int Tensor, int ValueBuffer, int BitWidth);

    /// <summary>The model's LUT-compressed tensors (empty when it has no compression metadata), in metadata order.</summary>
    public static IReadOnlyList<CompressedTensor> LutTensors(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Read(model, checkIndices: false);
    }

    /// <summary>The compressed tensors with their layouts; indices past short tables were ruled out when the model loaded.</summary>
    internal static CompressedTensor[] Read(Model model, bool checkIndices)
    {
        Entry[] entries = ReadEntries(model.Metadata, model.Subgraphs.Count, model.Buffers.Count);
        var result = new CompressedTensor[entries.Length];
        for (int i = 0; i < entries.Length; i++) result[i] = Describe(model, entries[i], checkIndices);
        return result;
    }

    /// <summary>
    /// The first usable <see cref="MetadataName"/> entry's LutTensors (TFLM skips entries without data, as here), or none.
    /// Checks the metadata's own structure; <see cref="Describe"/> checks each entry against the model.
    /// </summary>
    internal static Entry[] ReadEntries(ModelList<ModelMetadata> metadata, int subgraphCount, int bufferCount)
    {
        ModelMetadata entry = default;
        bool found = false;
        foreach (ModelMetadata m in metadata)
        {
            if (m.BufferIndex != 0 && m.Name == MetadataName && !m.Data.IsEmpty)
            {
                entry = m;
                found = true;
                break;
            }
        }
        if (!found) return [];

        try
        {
            FlatTable root = FlatTable.Root(entry.Data);
            uint version = root.GetUInt32(Field.MetadataSchemaVersion, SchemaVersion);
            if (version > SchemaVersion)
                throw new InvalidModelException($"schema version {version} is newer than the supported {SchemaVersion}");
            FlatVector subgraphs = root.GetVector(Field.MetadataSubgraphs, 4);
            if (subgraphs.Length == 0)
                throw new InvalidModelException("it lists no subgraphs");
            if (subgraphs.Length > subgraphCount)
                throw new InvalidModelException($"it lists {subgraphs.Length} subgraphs, the model has {subgraphCount}");

            var entries = new List<Entry>();
            for (int s = 0; s < subgraphs.Length; s++)
            {
                FlatVector lutTensors = subgraphs.GetTable(s).GetVector(Field.SubgraphLutTensors, 4);
                // TFLM refuses a subgraph entry without LUT tensors, so a model it would refuse is refused here too.
                if (lutTensors.Length == 0)
                    throw new InvalidModelException($"subgraph {s} lists no LUT tensors");
                for (int k = 0; k < lutTensors.Length; k++)
                {
                    FlatTable lut = lutTensors.GetTable(k);
                    int tensor = lut.GetInt32(Field.LutTensorTensor);
                    uint valueBuffer = lut.GetUInt32(Field.LutTensorValueBuffer);
                    int bits = lut.GetByte(Field.LutTensorIndexBitWidth);
                    string where = $"subgraph {s}, LUT tensor {k} (tensor {tensor})";
                    if (valueBuffer == 0 || valueBuffer >= (uint)bufferCount)
                        throw new InvalidModelException($"{where}: value buffer {valueBuffer} is not a data buffer of the model ({bufferCount} buffers, 0 is empty)");
                    if (bits < 1 || bits > LutLayout.MaxBitWidth)
                        throw new InvalidModelException($"{where}: index bit width {bits} is outside 1..{LutLayout.MaxBitWidth}");
                    foreach (Entry e in entries)
                        if (e.Subgraph == s && e.Tensor == tensor)
                            throw new InvalidModelException($"{where}: the tensor is listed twice");
                    entries.Add(new Entry(s, tensor, (int)valueBuffer, bits));
                }
            }
            return [.. entries];
        }
        catch (InvalidModelException e)
        {
            throw e.At($"compression metadata (buffer {entry.BufferIndex})");
        }
    }

    /// <summary>Whether <paramref name="entries"/> list tensor <paramref name="tensor"/> of subgraph <paramref name="subgraph"/>.</summary>
    internal static bool Lists(Entry[] entries, int subgraph, int tensor)
    {
        foreach (Entry entry in entries)
            if (entry.Subgraph == subgraph && entry.Tensor == tensor) return true;
        return false;
    }

    /// <summary>Checks one entry against the model it belongs to and describes the tensor.</summary>
    internal static CompressedTensor Describe(Model model, Entry entry, bool checkIndices)
    {
        LutLayout layout = Layout(model, entry, checkIndices);
        ModelTensor tensor = model.Subgraphs[entry.Subgraph].Tensors[entry.Tensor];
        return new CompressedTensor(entry.Subgraph, entry.Tensor, tensor.Name, tensor.Type, entry.ValueBuffer, layout, tensor.Data, model.Buffers[entry.ValueBuffer]);
    }

    /// <summary>Checks one entry against the model it belongs to and works out its layout (TFLM's rules for channels and tables).</summary>
    internal static LutLayout Layout(Model model, Entry entry, bool checkIndices)
    {
        ModelList<ModelTensor> tensors = model.Subgraphs[entry.Subgraph].Tensors;
        if (entry.Tensor < 0 || entry.Tensor >= tensors.Count)
            throw new InvalidModelException($"compression metadata: subgraph {entry.Subgraph}: tensor {entry.Tensor} out of range ({tensors.Count} tensors)");
        ModelTensor tensor = tensors[entry.Tensor];
        string where = $"compression metadata: subgraph {entry.Subgraph}, tensor {entry.Tensor} '{tensor.Name}'";
        string? problem = null;
        LutLayout layout = default;
        ReadOnlyMemory<byte> values = model.Buffers[entry.ValueBuffer];
        int elementSize = TensorTypes.ElementSize(tensor.Type);
        Subgraph subgraph = model.Subgraphs[entry.Subgraph];
        if (tensor.Data.IsEmpty)
            problem = "a compressed tensor must be a constant with data";
        else if (subgraph.Inputs.Contains(entry.Tensor) || subgraph.Outputs.Contains(entry.Tensor))
            problem = "a subgraph input or output cannot be stored compressed (its values must be readable as they are)";
        else if (tensor.Type is not (TensorType.Bool or TensorType.Float32 or TensorType.Int8 or TensorType.Int16 or TensorType.Int32 or TensorType.Int64))
            problem = $"{TensorTypes.GetName(tensor.Type)} tensors cannot be LUT-compressed (BOOL, FLOAT32, INT8, INT16, INT32, INT64 can)";
        else if (tensor.Shape.Length == 0)
            problem = "scalar tensors cannot be LUT-compressed (TFLM refuses them)";
        else
        {
            QuantizationParameters q = tensor.Quantization;
            int scales = q.Scales.Length;
            int channels = 1, tables = 1;
            bool lastAxis = false;
            if (scales > 1)
            {
                // Per-channel quantized: one table per channel along the quantized dimension, which must be the first or last.
                int axis = q.QuantizedDimension;
                if (axis != 0 && axis != tensor.Shape.Length - 1)
                    problem = $"per-channel tables along dimension {axis} are not supported (only the first or last dimension)";
                else if (tensor.Shape[axis] != scales)
                    problem = $"the tensor has {scales} scales but dimension {axis} has {tensor.Shape[axis]} channels";
                channels = tables = scales;
                lastAxis = axis != 0;
            }
            if (problem is null)
            {
                long stride = values.Length / elementSize / tables;
                layout = new LutLayout(entry.BitWidth, (int)tensor.ElementCount, elementSize, channels, (int)Math.Min(stride, int.MaxValue), lastAxis);
                problem = layout.Check(tensor.Data.Length, values.Length);
            }
        }
        if (problem is null && checkIndices)
        {
            long bad = LutDecoder.FindIndexPastTable(tensor.Data.Span, layout);
            if (bad >= 0)
                problem = $"element {bad} has an index past its value table ({layout.Stride} entries)";
        }
        if (problem is not null) throw new InvalidModelException($"{where}: {problem}");
        return layout;
    }
}
