using System.Buffers.Binary;

namespace TfLiteMicro.Modeling;

/// <summary>
/// Copies a loaded <see cref="Model"/> into a <see cref="ModelBuilder"/>, tensor for tensor and operator for operator
/// (indices unchanged), so a tool can rewrite some constants and add buffers and metadata. Buffers shared by several
/// constants stay shared; buffers of tensors without data are dropped (buffer 0). Builtin options tables are copied
/// field by field: the five options tables of the schema that hold vectors or strings (Reshape, Squeeze,
/// ConcatEmbeddings, VarHandle, Bucketize) by their schema, every other one as the scalars its vtable lays out.
/// </summary>
internal static class ModelCopy
{
    // BuiltinOptions union tags of the options tables with vector or string fields, and those fields.
    private const byte ConcatEmbeddingsOptions = 3, ReshapeOptions = 17, SqueezeOptions = 30, VarHandleOptions = 111, BucketizeOptions = 115;

    /// <summary>
    /// The model as a builder. <paramref name="replacedData"/> gives new bytes for some constants (each gets a buffer of its
    /// own); metadata entries for which <paramref name="keepMetadata"/> is false are left out.
    /// </summary>
    public static ModelBuilder ToBuilder(Model model, IReadOnlyDictionary<(int Subgraph, int Tensor), byte[]> replacedData,
        Func<ModelMetadata, bool> keepMetadata)
    {
        var builder = new ModelBuilder(model.Description);
        var bufferMap = new Dictionary<int, int>();
        foreach (Subgraph subgraph in model.Subgraphs)
        {
            SubgraphBuilder g = builder.AddSubgraph(subgraph.Name.Length == 0 ? null : subgraph.Name);
            foreach (ModelTensor t in subgraph.Tensors)
            {
                if (t.IsSparse)
                    throw new NotSupportedException($"subgraph {subgraph.Index}, tensor {t.Index} '{t.Name}': sparse tensors cannot be copied");
                int buffer = 0;
                if (replacedData.TryGetValue((subgraph.Index, t.Index), out byte[]? data))
                {
                    buffer = builder.AddBuffer(data);
                }
                else if (t.IsConstant)
                {
                    if (!bufferMap.TryGetValue(t.BufferIndex, out buffer))
                    {
                        buffer = builder.AddBuffer(t.Data.Span);
                        bufferMap[t.BufferIndex] = buffer;
                    }
                }
                QuantizationParameters? q = t.Quantization.IsQuantized || t.Quantization.Min.Count > 0 ? t.Quantization : null;
                int[]? signature = t.ShapeSignature.Count > 0 ? [.. t.ShapeSignature] : null;
                g.AddTensorOverBuffer(t.Name, t.Type, [.. t.Shape], buffer, q, t.IsVariable, signature);
            }

            foreach (ModelOperator op in subgraph.Operators)
            {
                string where = $"subgraph {subgraph.Index}, operator {op.Index} ({op.Code.Name})";
                if (op.BuiltinOptions2Type != 0)
                    throw new NotSupportedException($"{where}: operators with builtin_options_2 (StableHLO) cannot be copied");
                if (op.Outputs.Contains(-1))
                    throw new NotSupportedException($"{where}: an omitted output cannot be copied");
                if (op.Code.IsCustom)
                {
                    g.AddCustomOperator(op.Code.CustomCode!, [.. op.Inputs], [.. op.Outputs], op.CustomOptions.Span, op.Code.Version);
                    continue;
                }
                OperatorOptions? options = op.BuiltinOptionsType == 0 ? null : CopyOptions(op.BuiltinOptionsType, op.BuiltinOptions);
                g.AddOperator(op.Code.BuiltinCode, [.. op.Inputs], [.. op.Outputs], options, op.Code.Version,
                    op.Intermediates.Count > 0 ? [.. op.Intermediates] : null);
            }
            g.SetInputs([.. subgraph.Inputs]);
            g.SetOutputs([.. subgraph.Outputs]);
        }

        foreach (ModelMetadata entry in model.Metadata)
            if (keepMetadata(entry)) builder.AddMetadata(entry.Name, entry.Data.Span);
        foreach (SignatureDef signature in model.SignatureDefs)
            builder.AddSignature(signature.Key, signature.SubgraphIndex, signature.Inputs, signature.Outputs);
        return builder;
    }

    private static OperatorOptions CopyOptions(byte unionType, FlatTable table)
    {
        // Fields holding offsets (vectors, strings), by union tag; every other field is a scalar.
        int[] offsetFields = unionType switch
        {
            ConcatEmbeddingsOptions => [1, 2],
            ReshapeOptions or SqueezeOptions or BucketizeOptions => [0],
            VarHandleOptions => [0, 1],
            _ => [],
        };
        return OperatorOptions.Create(unionType, w =>
        {
            if (!table.IsPresent) return;
            foreach ((int field, int size, long value) in Scalars(table, offsetFields))
            {
                switch (size)
                {
                    case 1: w.Byte(field, (byte)value); break;
                    case 2: w.Int16(field, (short)value); break;
                    case 4: w.Int32(field, (int)value); break;
                    default: w.Int64(field, value); break;
                }
            }
            foreach (int field in offsetFields)
            {
                if (!table.Has(field)) continue;
                if (unionType == VarHandleOptions) w.String(field, table.GetString(field) ?? "");
                // [int] and [float] vectors are both 4-byte elements: the bits are copied as they are.
                else w.Int32Array(field, table.GetInt32Array(field));
            }
        });
    }

    /// <summary>
    /// The scalar fields of a table with their sizes: each field runs to the next field (or the table's end), and its
    /// size is the largest of 8, 4, 2, 1 that fits that room and its alignment. A field followed by padding may come out
    /// wider than the schema's, its extra bytes the padding's zeros, which readers of the narrower field never look at.
    /// </summary>
    private static List<(int Field, int Size, long Value)> Scalars(FlatTable table, int[] offsetFields)
    {
        ReadOnlySpan<byte> bytes = table.Buffer.Span;
        int position = table.Position;
        int vtable = position - BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(position));
        int vtableLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(vtable));
        int objectSize = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(vtable + 2));
        var offsets = new List<(int Field, int Offset)>();
        for (int field = 0; 4 + 2 * field + 2 <= vtableLength; field++)
        {
            int offset = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(vtable + 4 + 2 * field));
            if (offset != 0) offsets.Add((field, offset));
        }
        offsets.Sort((a, b) => a.Offset.CompareTo(b.Offset));

        var result = new List<(int, int, long)>();
        for (int i = 0; i < offsets.Count; i++)
        {
            (int field, int offset) = offsets[i];
            if (offsetFields.Contains(field)) continue;
            int room = (i + 1 < offsets.Count ? offsets[i + 1].Offset : objectSize) - offset;
            int size = 8;
            while (size > 1 && (size > room || (position + offset) % size != 0)) size /= 2;
            ReadOnlySpan<byte> at = bytes.Slice(position + offset, size);
            long value = size switch
            {
                1 => at[0],
                2 => BinaryPrimitives.ReadInt16LittleEndian(at),
                4 => BinaryPrimitives.ReadInt32LittleEndian(at),
                _ => BinaryPrimitives.ReadInt64LittleEndian(at),
            };
            result.Add((field, size, value));
        }
        return result;
    }
}
