using System.Buffers.Binary;

namespace TfLiteMicro;

/// <summary>
/// Entry point of the FlexBuffers reader (the schema-less format custom operators keep their options in).
/// The reader never copies: every value is a view into the original bytes. Every offset, width and length
/// is checked before it is used, so malformed bytes surface as <see cref="InvalidModelException"/> and no
/// byte outside the buffer is read.
/// </summary>
public static class FlexBuffer
{
    /// <summary>The root value of a FlexBuffer (stored at its end: value, packed type, then root width).</summary>
    public static FlexBufferReference GetRoot(ReadOnlyMemory<byte> buffer)
    {
        if (buffer.Length < 3)
            throw new InvalidModelException($"FlexBuffer of {buffer.Length} bytes is too short (at least 3 bytes: value, type, width)");
        ReadOnlySpan<byte> span = buffer.Span;
        int rootWidth = span[^1];
        if (!IsValidWidth(rootWidth))
            throw new InvalidModelException($"FlexBuffer root width {rootWidth} is invalid (must be 1, 2, 4 or 8)");
        byte packedType = span[^2];
        int position = buffer.Length - 2 - rootWidth;
        if (position < 0)
            throw new InvalidModelException($"FlexBuffer root of width {rootWidth} does not fit in {buffer.Length} bytes");
        return FlexBufferReference.Create(buffer, position, rootWidth, packedType);
    }

    internal static bool IsValidWidth(int width) => width is 1 or 2 or 4 or 8;

    internal static void CheckRange(int length, long position, long size, string what)
    {
        if (position < 0 || size < 0 || position + size > length)
            throw new InvalidModelException($"FlexBuffer {what} (bytes {position}..{position + size}) lies outside the {length}-byte buffer");
    }

    internal static ulong ReadUInt(ReadOnlySpan<byte> span, int position, int width, string what)
    {
        CheckRange(span.Length, position, width, what);
        ReadOnlySpan<byte> s = span.Slice(position, width);
        return width switch
        {
            1 => s[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(s),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(s),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(s),
        };
    }

    internal static long ReadInt(ReadOnlySpan<byte> span, int position, int width, string what)
    {
        CheckRange(span.Length, position, width, what);
        ReadOnlySpan<byte> s = span.Slice(position, width);
        return width switch
        {
            1 => (sbyte)s[0],
            2 => BinaryPrimitives.ReadInt16LittleEndian(s),
            4 => BinaryPrimitives.ReadInt32LittleEndian(s),
            _ => BinaryPrimitives.ReadInt64LittleEndian(s),
        };
    }

    internal static double ReadFloat(ReadOnlySpan<byte> span, int position, int width, string what)
    {
        if (width is not (4 or 8))
            throw new InvalidModelException($"FlexBuffer {what} is a float of {width} bytes; only 4 and 8 byte floats are supported");
        CheckRange(span.Length, position, width, what);
        return width == 4
            ? BinaryPrimitives.ReadSingleLittleEndian(span.Slice(position, 4))
            : BinaryPrimitives.ReadDoubleLittleEndian(span.Slice(position, 8));
    }

    /// <summary>Follows the backward offset stored at <paramref name="position"/> and checks the target.</summary>
    internal static int Indirect(ReadOnlySpan<byte> span, int position, int width, string what)
    {
        ulong offset = ReadUInt(span, position, width, what + " offset");
        if (offset > (ulong)position)
            throw new InvalidModelException($"FlexBuffer {what} offset {offset} at byte {position} points before the buffer start");
        return position - (int)offset;
    }
}
