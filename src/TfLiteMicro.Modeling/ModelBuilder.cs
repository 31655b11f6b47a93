using Google.FlatBuffers;

namespace TfLiteMicro.Modeling;

/// <summary>
/// Writes TFLite models (schema version 3, file identifier "TFL3"): operator codes, subgraphs with tensors
/// and operators, constant buffers (buffer 0 is the empty sentinel; data aligned to 16 bytes), metadata and
/// signature defs. The same calls always produce the same bytes.
/// </summary>
/// <example>
/// <code>
/// var builder = new ModelBuilder();
/// SubgraphBuilder g = builder.AddSubgraph();
/// int x = g.AddTensor("x", TensorType.Float32, [1, 1]);
/// int w = g.AddConstant&lt;float&gt;("w", TensorType.Float32, [1, 1], [2f]);
/// int y = g.AddTensor("y", TensorType.Float32, [1, 1]);
/// g.AddOperator(BuiltinOperator.FullyConnected, [x, w, -1], [y], OperatorOptions.FullyConnected());
/// g.SetInputs(x);
/// g.SetOutputs(y);
/// byte[] tflite = builder.Build();
/// </code>
/// </example>
public sealed class ModelBuilder
{
    /// <summary>The schema version written in the model.</summary>
    public const uint SchemaVersion = 3;

    /// <summary>Alignment of every buffer's data within the file, as the schema's force_align asks.</summary>
    public const int BufferAlignment = 16;

    private readonly List<byte[]> _buffers = [[]];
    private readonly List<(BuiltinOperator Code, string? Custom, int Version)> _opcodes = [];
    private readonly List<SubgraphBuilder> _subgraphs = [];
    private readonly List<(string Name, int Buffer)> _metadata = [];
    private readonly List<SignatureEntry> _signatures = [];

    /// <summary>Creates an empty model; <paramref name="description"/> goes into the model's description string.</summary>
    public ModelBuilder(string? description = null)
    {
        Description = description;
    }

    public string? Description { get; set; }

    /// <summary>The number of buffers so far, the empty buffer 0 included.</summary>
    public int BufferCount => _buffers.Count;

    /// <summary>Adds a subgraph; the first one added is the main subgraph (index 0).</summary>
    public SubgraphBuilder AddSubgraph(string? name = null)
    {
        var subgraph = new SubgraphBuilder(this, _subgraphs.Count, name);
        _subgraphs.Add(subgraph);
        return subgraph;
    }

    /// <summary>Adds a buffer holding a copy of <paramref name="data"/> and returns its index (never 0).</summary>
    public int AddBuffer(ReadOnlySpan<byte> data)
    {
        _buffers.Add(data.ToArray());
        return _buffers.Count - 1;
    }

    /// <summary>The index of the operator code for <paramref name="op"/> at <paramref name="version"/>, added when new.</summary>
    public int AddOperatorCode(BuiltinOperator op, int version = 1)
    {
        if (op == BuiltinOperator.Custom) throw new ArgumentException("use AddCustomOperatorCode for custom operators", nameof(op));
        if ((int)op < 0) throw new ArgumentOutOfRangeException(nameof(op));
        return FindOrAddOpcode(op, null, version);
    }

    /// <summary>The index of the operator code for the custom operator <paramref name="name"/>, added when new.</summary>
    public int AddCustomOperatorCode(string name, int version = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return FindOrAddOpcode(BuiltinOperator.Custom, name, version);
    }

    private int FindOrAddOpcode(BuiltinOperator op, string? custom, int version)
    {
        if (version < 1) throw new ArgumentOutOfRangeException(nameof(version), "operator versions start at 1");
        for (int i = 0; i < _opcodes.Count; i++)
            if (_opcodes[i].Code == op && _opcodes[i].Custom == custom && _opcodes[i].Version == version)
                return i;
        _opcodes.Add((op, custom, version));
        return _opcodes.Count - 1;
    }

    /// <summary>Adds a metadata entry named <paramref name="name"/> over a new buffer holding <paramref name="data"/>.</summary>
    public void AddMetadata(string name, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(name);
        _metadata.Add((name, AddBuffer(data)));
    }

    /// <summary>
    /// Adds a signature def: a key naming an entry point, its subgraph, and names for input and output tensors
    /// (tensor indices within that subgraph).
    /// </summary>
    public void AddSignature(string key, int subgraphIndex, IReadOnlyList<KeyValuePair<string, int>> inputs,
        IReadOnlyList<KeyValuePair<string, int>> outputs)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        _signatures.Add(new SignatureEntry(key, subgraphIndex, [.. inputs], [.. outputs]));
    }

    /// <summary>Writes the model. Throws when it has no subgraph or a signature names a missing subgraph or tensor.</summary>
    public byte[] Build()
    {
        if (_subgraphs.Count == 0) throw new InvalidOperationException("the model has no subgraph");
        foreach (SignatureEntry s in _signatures)
        {
            if (s.Subgraph < 0 || s.Subgraph >= _subgraphs.Count)
                throw new InvalidOperationException($"signature '{s.Key}' names subgraph {s.Subgraph}, which does not exist");
            int count = _subgraphs[s.Subgraph].TensorCount;
            foreach (KeyValuePair<string, int> map in s.Inputs.Concat(s.Outputs))
                if (map.Value < 0 || map.Value >= count)
                    throw new InvalidOperationException($"signature '{s.Key}' maps '{map.Key}' to tensor {map.Value}, which does not exist");
        }

        long total = 1024;
        foreach (byte[] b in _buffers) total += b.Length + BufferAlignment + 32;
        if (total > int.MaxValue / 2) throw new InvalidOperationException("models over 1 GB are not supported by this writer");
        var fb = new FlatBufferBuilder((int)total);

        // Buffers first (largest data, written at the end of the file as the builder grows backwards).
        var bufferTables = new int[_buffers.Count];
        for (int i = _buffers.Count - 1; i >= 0; i--)
        {
            byte[] data = _buffers[i];
            int dataVector = data.Length > 0 ? ByteVector(fb, data, BufferAlignment) : 0;
            fb.StartTable(3);
            if (dataVector != 0) fb.AddOffset(0, dataVector, 0);
            bufferTables[i] = fb.EndTable();
        }
        int buffers = OffsetVector(fb, bufferTables);

        var subgraphTables = new int[_subgraphs.Count];
        for (int i = 0; i < _subgraphs.Count; i++) subgraphTables[i] = WriteSubgraph(fb, _subgraphs[i]);
        int subgraphs = OffsetVector(fb, subgraphTables);

        var opcodeTables = new int[_opcodes.Count];
        for (int i = 0; i < _opcodes.Count; i++)
        {
            (BuiltinOperator code, string? custom, int version) = _opcodes[i];
            int customName = custom is null ? 0 : fb.CreateString(custom).Value;
            fb.StartTable(4);
            fb.AddSbyte(0, (sbyte)Math.Min((int)code, 127), 0);
            if (customName != 0) fb.AddOffset(1, customName, 0);
            fb.AddInt(2, version, 1);
            fb.AddInt(3, (int)code, 0);
            opcodeTables[i] = fb.EndTable();
        }
        int opcodes = OffsetVector(fb, opcodeTables);

        int metadata = 0;
        if (_metadata.Count > 0)
        {
            var tables = new int[_metadata.Count];
            for (int i = 0; i < tables.Length; i++)
            {
                int name = fb.CreateString(_metadata[i].Name).Value;
                fb.StartTable(2);
                fb.AddOffset(0, name, 0);
                fb.AddUint(1, (uint)_metadata[i].Buffer, 0);
                tables[i] = fb.EndTable();
            }
            metadata = OffsetVector(fb, tables);
        }

        int signatures = 0;
        if (_signatures.Count > 0)
        {
            var tables = new int[_signatures.Count];
            for (int i = 0; i < tables.Length; i++)
            {
                SignatureEntry s = _signatures[i];
                int inputs = TensorMaps(fb, s.Inputs);
                int outputs = TensorMaps(fb, s.Outputs);
                int key = fb.CreateString(s.Key).Value;
                fb.StartTable(5);
                fb.AddOffset(0, inputs, 0);
                fb.AddOffset(1, outputs, 0);
                fb.AddOffset(2, key, 0);
                fb.AddUint(4, (uint)s.Subgraph, 0);
                tables[i] = fb.EndTable();
            }
            signatures = OffsetVector(fb, tables);
        }

        int description = Description is null ? 0 : fb.CreateString(Description).Value;

        fb.StartTable(8);
        fb.AddUint(0, SchemaVersion, 0);
        fb.AddOffset(1, opcodes, 0);
        fb.AddOffset(2, subgraphs, 0);
        if (description != 0) fb.AddOffset(3, description, 0);
        fb.AddOffset(4, buffers, 0);
        if (metadata != 0) fb.AddOffset(6, metadata, 0);
        if (signatures != 0) fb.AddOffset(7, signatures, 0);
        int model = fb.EndTable();
        fb.Finish(model, "TFL3");
        return fb.SizedByteArray();
    }

    private static int WriteSubgraph(FlatBufferBuilder fb, SubgraphBuilder g)
    {
        var tensorTables = new int[g.Tensors.Count];
        for (int i = 0; i < tensorTables.Length; i++) tensorTables[i] = WriteTensor(fb, g.Tensors[i]);
        int tensors = OffsetVector(fb, tensorTables);

        var operatorTables = new int[g.Operators.Count];
        for (int i = 0; i < operatorTables.Length; i++) operatorTables[i] = WriteOperator(fb, g.Operators[i]);
        int operators = OffsetVector(fb, operatorTables);

        int inputs = IntVector(fb, g.InputIndices);
        int outputs = IntVector(fb, g.OutputIndices);
        int name = g.Name is null ? 0 : fb.CreateString(g.Name).Value;
        fb.StartTable(5);
        fb.AddOffset(0, tensors, 0);
        fb.AddOffset(1, inputs, 0);
        fb.AddOffset(2, outputs, 0);
        fb.AddOffset(3, operators, 0);
        if (name != 0) fb.AddOffset(4, name, 0);
        return fb.EndTable();
    }

    private static int WriteTensor(FlatBufferBuilder fb, TensorEntry t)
    {
        int shape = IntVector(fb, t.Shape);
        int name = fb.CreateString(t.Name).Value;
        int quantization = t.Quantization is { } q && (q.Scales.Length > 0 || q.ZeroPoints.Length > 0 || q.Min.Length > 0 || q.Max.Length > 0)
            ? WriteQuantization(fb, q)
            : 0;
        int signature = t.ShapeSignature is null ? 0 : IntVector(fb, t.ShapeSignature);
        fb.StartTable(8);
        fb.AddOffset(0, shape, 0);
        fb.AddByte(1, (byte)t.Type, 0);
        fb.AddUint(2, (uint)t.Buffer, 0);
        fb.AddOffset(3, name, 0);
        if (quantization != 0) fb.AddOffset(4, quantization, 0);
        fb.AddBool(5, t.IsVariable, false);
        if (signature != 0) fb.AddOffset(7, signature, 0);
        return fb.EndTable();
    }

    private static int WriteQuantization(FlatBufferBuilder fb, QuantizationParameters q)
    {
        int min = q.Min.Length > 0 ? FloatVector(fb, q.Min) : 0;
        int max = q.Max.Length > 0 ? FloatVector(fb, q.Max) : 0;
        int scale = q.Scales.Length > 0 ? FloatVector(fb, q.Scales) : 0;
        int zeroPoint = q.ZeroPoints.Length > 0 ? LongVector(fb, q.ZeroPoints) : 0;
        fb.StartTable(7);
        if (min != 0) fb.AddOffset(0, min, 0);
        if (max != 0) fb.AddOffset(1, max, 0);
        if (scale != 0) fb.AddOffset(2, scale, 0);
        if (zeroPoint != 0) fb.AddOffset(3, zeroPoint, 0);
        fb.AddInt(6, q.QuantizedDimension, 0);
        return fb.EndTable();
    }

    private static int WriteOperator(FlatBufferBuilder fb, OperatorEntry op)
    {
        int inputs = IntVector(fb, op.Inputs);
        int outputs = IntVector(fb, op.Outputs);
        int options = op.Options is null ? 0 : WriteOptions(fb, op.Options);
        int custom = op.CustomOptions is { Length: > 0 } bytes ? ByteVector(fb, bytes, 1) : 0;
        int intermediates = op.Intermediates is null ? 0 : IntVector(fb, op.Intermediates);
        fb.StartTable(13);
        fb.AddUint(0, (uint)op.OpcodeIndex, 0);
        fb.AddOffset(1, inputs, 0);
        fb.AddOffset(2, outputs, 0);
        if (op.Options is { IsOptions2: false })
        {
            fb.AddByte(3, op.Options.UnionType, 0);
            fb.AddOffset(4, options, 0);
        }
        if (custom != 0) fb.AddOffset(5, custom, 0);
        if (intermediates != 0) fb.AddOffset(8, intermediates, 0);
        if (op.Options is { IsOptions2: true })
        {
            fb.AddByte(11, op.Options.UnionType, 0);
            fb.AddOffset(12, options, 0);
        }
        return fb.EndTable();
    }

    private static int WriteOptions(FlatBufferBuilder fb, OperatorOptions options)
    {
        IReadOnlyList<OptionsField> fields = options.Fields;
        var offsets = new int[fields.Count];
        int slots = 0;
        for (int i = 0; i < fields.Count; i++)
        {
            OptionsField f = fields[i];
            slots = Math.Max(slots, f.Index + 1);
            offsets[i] = f.Kind switch
            {
                OptionsFieldKind.Int32Array => IntVector(fb, f.Ints!),
                OptionsFieldKind.Bytes => ByteVector(fb, f.ByteValues!, 1),
                OptionsFieldKind.String => fb.CreateString(f.Text!).Value,
                _ => 0,
            };
        }

        // Every field given is written, even when it equals the schema default.
        bool force = fb.ForceDefaults;
        fb.ForceDefaults = true;
        fb.StartTable(slots);
        for (int i = 0; i < fields.Count; i++)
        {
            OptionsField f = fields[i];
            switch (f.Kind)
            {
                case OptionsFieldKind.Byte: fb.AddByte(f.Index, (byte)f.Value, 0); break;
                case OptionsFieldKind.SByte: fb.AddSbyte(f.Index, (sbyte)f.Value, 0); break;
                case OptionsFieldKind.Bool: fb.AddBool(f.Index, f.Value != 0, false); break;
                case OptionsFieldKind.Int16: fb.AddShort(f.Index, (short)f.Value, 0); break;
                case OptionsFieldKind.Int32: fb.AddInt(f.Index, (int)f.Value, 0); break;
                case OptionsFieldKind.UInt32: fb.AddUint(f.Index, (uint)f.Value, 0); break;
                case OptionsFieldKind.Int64: fb.AddLong(f.Index, f.Value, 0); break;
                case OptionsFieldKind.Float: fb.AddFloat(f.Index, BitConverter.Int32BitsToSingle((int)f.Value), 0); break;
                default: fb.AddOffset(f.Index, offsets[i], 0); break;
            }
        }
        int table = fb.EndTable();
        fb.ForceDefaults = force;
        return table;
    }

    private static int TensorMaps(FlatBufferBuilder fb, KeyValuePair<string, int>[] maps)
    {
        var tables = new int[maps.Length];
        for (int i = 0; i < maps.Length; i++)
        {
            int name = fb.CreateString(maps[i].Key).Value;
            fb.StartTable(2);
            fb.AddOffset(0, name, 0);
            fb.AddUint(1, (uint)maps[i].Value, 0);
            tables[i] = fb.EndTable();
        }
        return OffsetVector(fb, tables);
    }

    private static int ByteVector(FlatBufferBuilder fb, byte[] data, int alignment)
    {
        fb.StartVector(1, data.Length, alignment);
        for (int i = data.Length - 1; i >= 0; i--) fb.AddByte(data[i]);
        return fb.EndVector().Value;
    }

    private static int IntVector(FlatBufferBuilder fb, ReadOnlySpan<int> values)
    {
        fb.StartVector(4, values.Length, 4);
        for (int i = values.Length - 1; i >= 0; i--) fb.AddInt(values[i]);
        return fb.EndVector().Value;
    }

    private static int LongVector(FlatBufferBuilder fb, ReadOnlySpan<long> values)
    {
        fb.StartVector(8, values.Length, 8);
        for (int i = values.Length - 1; i >= 0; i--) fb.AddLong(values[i]);
        return fb.EndVector().Value;
    }

    private static int FloatVector(FlatBufferBuilder fb, ReadOnlySpan<float> values)
    {
        fb.StartVector(4, values.Length, 4);
        for (int i = values.Length - 1; i >= 0; i--) fb.AddFloat(values[i]);
        return fb.EndVector().Value;
    }

    /// <summary>A vector of the tables (or strings) at <paramref name="offsets"/>, in that order.</summary>
    internal static int OffsetVector(FlatBufferBuilder fb, int[] offsets)
    {
        fb.StartVector(4, offsets.Length, 4);
        for (int i = offsets.Length - 1; i >= 0; i--) fb.AddOffset(offsets[i]);
        return fb.EndVector().Value;
    }

    private sealed record SignatureEntry(string Key, int Subgraph, KeyValuePair<string, int>[] Inputs, KeyValuePair<string, int>[] Outputs);
}
