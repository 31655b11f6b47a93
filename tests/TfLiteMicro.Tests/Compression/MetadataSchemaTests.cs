using System.Buffers.Binary;
using System.Text.Json;
using TfLiteMicro.Compression;
using TfLiteMicro.Modeling.Compression;

namespace TfLiteMicro.Tests.Compression;

/// <summary>
/// The metadata writer and reader against the facts of tflite-micro's compression/metadata.fbs (Vectors/metadata_fbs.json:
/// tables, field order, which gives the field ids, types and defaults): the reader's field slots are the schema's, and
/// what the writer writes reads back, field by field, with a FlatBuffer walk driven by the schema facts alone.
/// </summary>
public sealed class MetadataSchemaTests
{
    private static readonly JsonElement Schema = DecodeModel.Vectors("metadata_fbs.json");

    private static int FieldId(string table, string field)
    {
        int id = 0;
        foreach (JsonElement f in Schema.GetProperty("tables").GetProperty(table).EnumerateArray())
        {
            if (f.GetProperty("name").GetString() == field) return id;
            id++;
        }
        throw new KeyNotFoundException($"{table}.{field} is not in the schema");
    }

    [Fact]
    public void FieldSlotsAreTheSchemas()
    {
        Assert.Equal("Metadata", Schema.GetProperty("root_type").GetString());
        Assert.Equal(ModelCompression.Field.MetadataSchemaVersion, FieldId("Metadata", "schema_version"));
        Assert.Equal(ModelCompression.Field.MetadataSubgraphs, FieldId("Metadata", "subgraphs"));
        Assert.Equal(ModelCompression.Field.SubgraphLutTensors, FieldId("Subgraph", "lut_tensors"));
        Assert.Equal(ModelCompression.Field.LutTensorTensor, FieldId("LutTensor", "tensor"));
        Assert.Equal(ModelCompression.Field.LutTensorValueBuffer, FieldId("LutTensor", "value_buffer"));
        Assert.Equal(ModelCompression.Field.LutTensorIndexBitWidth, FieldId("LutTensor", "index_bitwidth"));
        JsonElement version = Schema.GetProperty("tables").GetProperty("Metadata")[FieldId("Metadata", "schema_version")];
        Assert.Equal((long)ModelCompression.SchemaVersion, version.GetProperty("default").GetInt64());
    }

    [Fact]
    public void WrittenMetadataReadsBackByTheSchema()
    {
        CompressionMetadataWriter.LutTensor[] tensors = [new(0, 3, 5, 4), new(0, 70000, 6, 2), new(1, 2, 9, 7)];
        byte[] bytes = CompressionMetadataWriter.Write(tensors);

        var root = ReadTable(bytes, BinaryPrimitives.ReadInt32LittleEndian(bytes), Schema.GetProperty("root_type").GetString()!);
        Assert.Equal(1L, root["schema_version"]);
        var subgraphs = (List<Dictionary<string, object?>>)root["subgraphs"]!;
        Assert.Equal(2, subgraphs.Count);
        var read = new List<CompressionMetadataWriter.LutTensor>();
        for (int s = 0; s < subgraphs.Count; s++)
            foreach (Dictionary<string, object?> lut in (List<Dictionary<string, object?>>)subgraphs[s]["lut_tensors"]!)
                read.Add(new(s, (int)(long)lut["tensor"]!, (int)(long)lut["value_buffer"]!, (int)(long)lut["index_bitwidth"]!));
        Assert.Equal(tensors, read);
    }

    [Fact]
    public void AnEmptySubgraphEntryIsRefusedAsTflmRefusesIt()
    {
        var e = Assert.Throws<ArgumentException>(() => CompressionMetadataWriter.Write([new(1, 3, 5, 4)]));
        Assert.Contains("subgraph 0 has no compressed tensor", e.Message);
    }

    private static readonly Dictionary<string, int> ScalarSizes = new()
    {
        ["bool"] = 1, ["byte"] = 1, ["ubyte"] = 1, ["int8"] = 1, ["uint8"] = 1, ["short"] = 2, ["ushort"] = 2, ["int16"] = 2,
        ["uint16"] = 2, ["int"] = 4, ["uint"] = 4, ["int32"] = 4, ["uint32"] = 4, ["long"] = 8, ["ulong"] = 8, ["int64"] = 8, ["uint64"] = 8,
    };

    /// <summary>A table's fields by the schema facts: scalars (the schema default when absent), vectors of tables recursively.</summary>
    private static Dictionary<string, object?> ReadTable(byte[] bytes, int position, string table)
    {
        int vtable = position - BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position));
        int vtableLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(vtable));
        var result = new Dictionary<string, object?>();
        int id = 0;
        foreach (JsonElement field in Schema.GetProperty("tables").GetProperty(table).EnumerateArray())
        {
            string name = field.GetProperty("name").GetString()!;
            string type = field.GetProperty("type").GetString()!;
            int slot = 4 + 2 * id++;
            int offset = slot + 2 <= vtableLength ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(vtable + slot)) : 0;
            if (ScalarSizes.TryGetValue(type, out int size))
            {
                long defaultValue = field.TryGetProperty("default", out JsonElement d) ? d.GetInt64() : 0;
                ReadOnlySpan<byte> at = bytes.AsSpan(position + offset);
                result[name] = offset == 0 ? defaultValue : size switch
                {
                    1 => type is "byte" or "int8" ? (sbyte)at[0] : at[0],
                    2 => BinaryPrimitives.ReadInt16LittleEndian(at),
                    4 => type.StartsWith('u') ? BinaryPrimitives.ReadUInt32LittleEndian(at) : BinaryPrimitives.ReadInt32LittleEndian(at),
                    _ => BinaryPrimitives.ReadInt64LittleEndian(at),
                };
                continue;
            }
            Assert.True(type.StartsWith('[') && type.EndsWith(']'), $"{table}.{name}: unexpected type {type}");
            if (offset == 0)
            {
                result[name] = null;
                continue;
            }
            int vector = position + offset + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position + offset));
            int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(vector));
            var elements = new List<Dictionary<string, object?>>();
            for (int i = 0; i < length; i++)
            {
                int at = vector + 4 + 4 * i;
                elements.Add(ReadTable(bytes, at + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at)), type[1..^1]));
            }
            result[name] = elements;
        }
        return result;
    }
}
