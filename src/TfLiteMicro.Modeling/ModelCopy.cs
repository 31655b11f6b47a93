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
                QuantizationParameters? q = t.Quantization.IsQuantized || t.Quantization.Min.Length > 0 ? t.Quantization : null;
                int[]? signature = t.ShapeSignature.Length > 0 ? [.. t.ShapeSignature] : null;
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
                OperatorOptions? options = op.BuiltinOptionsType == 0 ? null : CopyOptions(op.BuiltinOptionsType, RawOptionsFields.Table(op));
                g.AddOperator(op.Code.BuiltinCode, [.. op.Inputs], [.. op.Outputs], options, op.Code.Version,
                    op.Intermediates.Length > 0 ? [.. op.Intermediates] : null);
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
        // Fields holding offsets (vectors, strings), by table; every other field is a scalar. ConcatEmbeddingsOptions
        // (num_columns_per_channel, embedding_dim_per_channel) and BucketizeOptions (boundaries) are not in the
        // writer's generated ids.
        int[] offsetFields = (BuiltinOptionsTable)unionType switch
        {
            BuiltinOptionsTable.ConcatEmbeddingsOptions => [1, 2],
            BuiltinOptionsTable.BucketizeOptions => [0],
            BuiltinOptionsTable.ReshapeOptions => [OptionsSchema.ReshapeOptions.NewShape],
            BuiltinOptionsTable.SqueezeOptions => [OptionsSchema.SqueezeOptions.SqueezeDims],
            BuiltinOptionsTable.VarHandleOptions => [OptionsSchema.VarHandleOptions.Container, OptionsSchema.VarHandleOptions.SharedName],
            _ => [],
        };
        return OperatorOptions.Create(unionType, w =>
        {
            foreach ((int field, int size, long value) in RawOptionsFields.Scalars(table, offsetFields))
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
                if ((BuiltinOptionsTable)unionType == BuiltinOptionsTable.VarHandleOptions) w.String(field, table.GetString(field) ?? "");
                // [int] and [float] vectors are both 4-byte elements: the bits are copied as they are.
                else w.Int32Array(field, table.GetInt32Array(field));
            }
        });
    }
}
