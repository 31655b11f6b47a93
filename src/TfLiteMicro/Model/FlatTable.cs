using System.Buffers.Binary;
using System.Text;

namespace TfLiteMicro;

/// <summary>
/// A view of one FlatBuffer table inside a byte buffer. Creating the view checks the table's vtable;
/// every read checks its own bounds, so no byte outside the buffer is ever touched and a malformed
/// buffer surfaces as <see cref="InvalidModelException"/>. Fields are addressed by their index in the
/// schema's table declaration (the vtable slot). Offsets in a FlatBuffer only point forward, so
/// following them can never loop.
/// </summary>
public readonly struct FlatTable
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly int _position;
    private readonly int _vtable;
    private readonly int _vtableLength;
    private readonly int _objectSize;

    private FlatTable(ReadOnlyMemory<byte> buffer, int position, int vtable, int vtableLength, int objectSize)
    {
        _buffer = buffer;
        _position = position;
        _vtable = vtable;
        _vtableLength = vtableLength;
        _objectSize = objectSize;
    }

    /// <summary>False for an absent optional table; reads of an absent table return the defaults.</summary>
    public bool IsPresent => _objectSize != 0;

    /// <summary>The buffer this table lives in.</summary>
    public ReadOnlyMemory<byte> Buffer => _buffer;

    /// <summary>Byte position of the table in <see cref="Buffer"/>.</summary>
    public int Position => _position;

    /// <summary>Opens the root table of a FlatBuffer.</summary>
    public static FlatTable Root(ReadOnlyMemory<byte> buffer)
    {
        if (buffer.Length < 8)
            throw new InvalidModelException($"the buffer holds {buffer.Length} bytes, too few for a FlatBuffer (at least 8)");
        uint rootOffset = BinaryPrimitives.ReadUInt32LittleEndian(buffer.Span);
        return At(buffer, CheckedTarget(buffer.Length, 0, rootOffset, field: -1));
    }

    /// <summary>Opens the table that starts at <paramref name="position"/>, checking its vtable.</summary>
    public static FlatTable At(ReadOnlyMemory<byte> buffer, int position)
    {
        ReadOnlySpan<byte> span = buffer.Span;
        if (position < 0 || (long)position + 4 > span.Length)
            throw new InvalidModelException($"table at byte {position} lies outside the {span.Length}-byte buffer");
        int soffset = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(position));
        long vtable = (long)position - soffset;
        if (vtable < 0 || vtable + 4 > span.Length)
            throw new InvalidModelException($"table at byte {position}: vtable offset {soffset} points outside the buffer");
        int vtableLength = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice((int)vtable));
        int objectSize = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice((int)vtable + 2));
        if (vtableLength < 4 || (vtableLength & 1) != 0 || vtable + vtableLength > span.Length)
            throw new InvalidModelException($"table at byte {position}: vtable length {vtableLength} is invalid");
        if (objectSize < 4 || (long)position + objectSize > span.Length)
            throw new InvalidModelException($"table at byte {position}: object size {objectSize} runs past the buffer end");
        return new FlatTable(buffer, position, (int)vtable, vtableLength, objectSize);
    }

    /// <summary>Whether the table stores field <paramref name="field"/> (absent fields take their defaults).</summary>
    public bool Has(int field) => FieldOffset(field) != 0;

    private int FieldOffset(int field)
    {
        if (!IsPresent || field < 0) return 0;
        int slot = 4 + 2 * field;
        if (slot + 2 > _vtableLength) return 0;
        return BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Span.Slice(_vtable + slot));
    }

    /// <summary>Absolute position of a field of <paramref name="size"/> bytes, or -1 when absent.</summary>
    private int FieldPosition(int field, int size)
    {
        int offset = FieldOffset(field);
        if (offset == 0) return -1;
        if (offset + size > _objectSize)
            throw new InvalidModelException($"field {field} ({size} bytes at offset {offset}) runs past its table ({_objectSize} bytes)");
        return _position + offset;
    }

    /// <summary>The ubyte scalar in slot <paramref name="field"/>, or <paramref name="defaultValue"/> when absent.</summary>
    public byte GetByte(int field, byte defaultValue = 0)
    {
        int at = FieldPosition(field, 1);
        return at < 0 ? defaultValue : _buffer.Span[at];
    }

    /// <summary>The byte scalar in slot <paramref name="field"/>, or <paramref name="defaultValue"/> when absent.</summary>
    public sbyte GetSByte(int field, sbyte defaultValue = 0)
    {
        int at = FieldPosition(field, 1);
        return at < 0 ? defaultValue : unchecked((sbyte)_buffer.Span[at]);
    }

    /// <summary>The bool scalar in slot <paramref name="field"/>, or <paramref name="defaultValue"/> when absent.</summary>
    public bool GetBool(int field, bool defaultValue = false)
    {
        int at = FieldPosition(field, 1);
        return at < 0 ? defaultValue : _buffer.Span[at] != 0;
    }

    /// <summary>The short scalar in slot <paramref name="field"/>, or <paramref name="defaultValue"/> when absent.</summary>
    public short GetInt16(int field, short defaultValue = 0)
    {
        int at = FieldPosition(field, 2);
        return at < 0 ? defaultValue : BinaryPrimitives.ReadInt16LittleEndian(_buffer.Span.Slice(at));
    }

    /// <summary>The ushort scalar in slot <paramref name="field"/>, or <paramref name="defaultValue"/> when absent.</summary>
    public ushort GetUInt16(int field, ushort defaultValue = 0)
    {
        int at = FieldPosition(field, 2);
        return at < 0 ? defaultValue : BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Span.Slice(at));
    }

    /// <summary>The int scalar in slot <paramref name="field"/>, or <paramref name="defaultValue"/> when absent.</summary>
    public int GetInt32(int field, int defaultValue = 0)
    {
        int at = FieldPosition(field, 4);
        return at < 0 ? defaultValue : BinaryPrimitives.ReadInt32LittleEndian(_buffer.Span.Slice(at));
    }

    /// <summary>The uint scalar in slot <paramref name="field"/>, or <paramref name="defaultValue"/> when absent.</summary>
    public uint GetUInt32(int field, uint defaultValue = 0)
    {
        int at = FieldPosition(field, 4);
        return at < 0 ? defaultValue : BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Span.Slice(at));
    }

    /// <summary>The long scalar in slot <paramref name="field"/>, or <paramref name="defaultValue"/> when absent.</summary>
    public long GetInt64(int field, long defaultValue = 0)
    {
        int at = FieldPosition(field, 8);
        return at < 0 ? defaultValue : BinaryPrimitives.ReadInt64LittleEndian(_buffer.Span.Slice(at));
    }

    /// <summary>The ulong scalar in slot <paramref name="field"/>, or <paramref name="defaultValue"/> when absent.</summary>
    public ulong GetUInt64(int field, ulong defaultValue = 0)
    {
        int at = FieldPosition(field, 8);
        return at < 0 ? defaultValue : BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Span.Slice(at));
    }

    /// <summary>The float scalar in slot <paramref name="field"/>, or <paramref name="defaultValue"/> when absent.</summary>
    public float GetFloat(int field, float defaultValue = 0f)
    {
        int at = FieldPosition(field, 4);
        return at < 0 ? defaultValue : BinaryPrimitives.ReadSingleLittleEndian(_buffer.Span.Slice(at));
    }

    /// <summary>Follows the offset stored in <paramref name="field"/>; -1 when the field is absent.</summary>
    private int Dereference(int field)
    {
        int at = FieldPosition(field, 4);
        if (at < 0) return -1;
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Span.Slice(at));
        return CheckedTarget(_buffer.Length, at, offset, field);
    }

    /// <summary>The position an offset stored at <paramref name="at"/> points to (for <paramref name="field"/>, or the root when -1).</summary>
    private static int CheckedTarget(int bufferLength, int at, uint offset, int field)
    {
        long target = at + (long)offset;
        if (offset == 0 || target >= bufferLength)
        {
            // The message is made only on failure: reading a valid field allocates nothing.
            string what = field < 0 ? "root table offset" : $"field {field}";
            throw new InvalidModelException($"{what}: offset {offset} at byte {at} points outside the {bufferLength}-byte buffer");
        }
        return (int)target;
    }

    /// <summary>The sub-table in <paramref name="field"/>; an absent table when the field is not set.</summary>
    public FlatTable GetTable(int field)
    {
        int target = Dereference(field);
        return target < 0 ? default : At(_buffer, target);
    }

    /// <summary>The vector in <paramref name="field"/> with elements of <paramref name="elementSize"/> bytes; empty when absent.</summary>
    public FlatVector GetVector(int field, int elementSize)
    {
        int target = Dereference(field);
        return target < 0 ? default : FlatVector.At(_buffer, target, elementSize);
    }

    /// <summary>The string in <paramref name="field"/>, or null when absent.</summary>
    public string? GetString(int field)
    {
        int target = Dereference(field);
        return target < 0 ? null : FlatVector.ReadString(_buffer, target);
    }

    /// <summary>The bytes of a [ubyte] vector field, as a slice of the buffer (no copy).</summary>
    public ReadOnlyMemory<byte> GetBytes(int field)
    {
        FlatVector vector = GetVector(field, 1);
        return vector.Length == 0 ? ReadOnlyMemory<byte>.Empty : _buffer.Slice(vector.Start, vector.Length);
    }

    /// <summary>A copy of the [int] vector in slot <paramref name="field"/> (empty when absent).</summary>
    public int[] GetInt32Array(int field)
    {
        FlatVector vector = GetVector(field, 4);
        var result = new int[vector.Length];
        for (int i = 0; i < result.Length; i++) result[i] = vector.GetInt32(i);
        return result;
    }

    /// <summary>A copy of the [long] vector in slot <paramref name="field"/> (empty when absent).</summary>
    public long[] GetInt64Array(int field)
    {
        FlatVector vector = GetVector(field, 8);
        var result = new long[vector.Length];
        for (int i = 0; i < result.Length; i++) result[i] = vector.GetInt64(i);
        return result;
    }

    /// <summary>A copy of the [float] vector in slot <paramref name="field"/> (empty when absent).</summary>
    public float[] GetFloatArray(int field)
    {
        FlatVector vector = GetVector(field, 4);
        var result = new float[vector.Length];
        for (int i = 0; i < result.Length; i++) result[i] = vector.GetFloat(i);
        return result;
    }

    /// <summary>A copy of the [bool] vector in slot <paramref name="field"/> (empty when absent).</summary>
    public bool[] GetBoolArray(int field)
    {
        FlatVector vector = GetVector(field, 1);
        var result = new bool[vector.Length];
        for (int i = 0; i < result.Length; i++) result[i] = vector.GetByte(i) != 0;
        return result;
    }
}

/// <summary>A bounds-checked view of a FlatBuffer vector.</summary>
public readonly struct FlatVector
{
    private readonly ReadOnlyMemory<byte> _buffer;

    private FlatVector(ReadOnlyMemory<byte> buffer, int start, int length, int elementSize)
    {
        _buffer = buffer;
        Start = start;
        Length = length;
        ElementSize = elementSize;
    }

    /// <summary>Byte position of the first element.</summary>
    public int Start { get; }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Bytes per element.</summary>
    public int ElementSize { get; }

    internal static FlatVector At(ReadOnlyMemory<byte> buffer, int position, int elementSize)
    {
        if ((long)position + 4 > buffer.Length)
            throw new InvalidModelException($"vector at byte {position}: its length lies outside the buffer");
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(buffer.Span.Slice(position));
        long end = position + 4L + (long)length * elementSize;
        if (end > buffer.Length)
            throw new InvalidModelException($"vector at byte {position}: {length} elements of {elementSize} bytes run past the {buffer.Length}-byte buffer");
        return new FlatVector(buffer, position + 4, (int)length, elementSize);
    }

    internal static string ReadString(ReadOnlyMemory<byte> buffer, int position)
    {
        FlatVector bytes = At(buffer, position, 1);
        if (bytes.Start + bytes.Length >= buffer.Length || buffer.Span[bytes.Start + bytes.Length] != 0)
            throw new InvalidModelException($"string at byte {position} has no terminating zero byte");
        return Encoding.UTF8.GetString(buffer.Span.Slice(bytes.Start, bytes.Length));
    }

    private int ElementPosition(int index)
    {
        if ((uint)index >= (uint)Length)
            throw new InvalidModelException($"vector index {index} out of range ({Length} elements)");
        return Start + index * ElementSize;
    }

    /// <summary>Element <paramref name="index"/> as a byte.</summary>
    public byte GetByte(int index) => _buffer.Span[ElementPosition(index)];

    /// <summary>Element <paramref name="index"/> as a little-endian int.</summary>
    public int GetInt32(int index) => BinaryPrimitives.ReadInt32LittleEndian(_buffer.Span.Slice(ElementPosition(index)));

    /// <summary>Element <paramref name="index"/> as a little-endian long.</summary>
    public long GetInt64(int index) => BinaryPrimitives.ReadInt64LittleEndian(_buffer.Span.Slice(ElementPosition(index)));

    /// <summary>Element <paramref name="index"/> as a little-endian float.</summary>
    public float GetFloat(int index) => BinaryPrimitives.ReadSingleLittleEndian(_buffer.Span.Slice(ElementPosition(index)));

    /// <summary>The table that element <paramref name="index"/> (an offset) points to.</summary>
    public FlatTable GetTable(int index)
    {
        int at = ElementPosition(index);
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Span.Slice(at));
        long target = at + (long)offset;
        if (offset == 0 || target >= _buffer.Length)
            throw new InvalidModelException($"vector element {index}: offset {offset} points outside the buffer");
        return FlatTable.At(_buffer, (int)target);
    }

    /// <summary>The string that element <paramref name="index"/> (an offset) points to.</summary>
    public string GetString(int index)
    {
        int at = ElementPosition(index);
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Span.Slice(at));
        long target = at + (long)offset;
        if (offset == 0 || target >= _buffer.Length)
            throw new InvalidModelException($"vector element {index}: offset {offset} points outside the buffer");
        return ReadString(_buffer, (int)target);
    }
}
