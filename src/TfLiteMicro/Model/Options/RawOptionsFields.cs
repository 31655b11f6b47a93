using System.Buffers.Binary;

namespace TfLiteMicro;

/// <summary>
/// An operator's options table read field by field without a view, for tools that copy a model table for table
/// (TfLiteMicro.Modeling's model copy): the scalars with the sizes their layout gives them.
/// </summary>
internal static class RawOptionsFields
{
    /// <summary>The operator's BuiltinOptions table, whatever its union tag.</summary>
    public static FlatTable Table(ModelOperator op) => op.BuiltinOptions;

    /// <summary>
    /// The scalar fields of <paramref name="table"/> (all but <paramref name="offsetFields"/>) with their sizes: each field
    /// runs to the next present field (or the table's end), and its size is the largest of 8, 4, 2, 1 that fits that room
    /// and its alignment. A field followed by padding may come out wider than the schema's, its extra bytes the padding's
    /// zeros, which readers of the narrower field never look at.
    /// </summary>
    public static List<(int Field, int Size, long Value)> Scalars(FlatTable table, ReadOnlySpan<int> offsetFields)
    {
        var result = new List<(int, int, long)>();
        if (!table.IsPresent) return result;
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
