using System.Text;

namespace TfLiteMicro;

/// <summary>
/// One FlexBuffers value: where it is stored, the width it is stored with (its parent's width), and its
/// packed type (value type and, for values stored out of line, the width of their elements).
/// </summary>
public readonly struct FlexBufferReference
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly int _position;
    private readonly int _parentWidth;
    private readonly int _byteWidth;

    private FlexBufferReference(ReadOnlyMemory<byte> buffer, int position, int parentWidth, int byteWidth, FlexBufferType type)
    {
        _buffer = buffer;
        _position = position;
        _parentWidth = parentWidth;
        _byteWidth = byteWidth;
        Type = type;
    }

    internal static FlexBufferReference Create(ReadOnlyMemory<byte> buffer, int position, int parentWidth, byte packedType)
    {
        int type = packedType >> 2;
        if (!Enum.IsDefined((FlexBufferType)type))
            throw new InvalidModelException($"FlexBuffer value at byte {position} has unknown type {type}");
        return new FlexBufferReference(buffer, position, parentWidth, 1 << (packedType & 3), (FlexBufferType)type);
    }

    internal static FlexBufferReference CreateTyped(ReadOnlyMemory<byte> buffer, int position, int parentWidth, int byteWidth, FlexBufferType type)
        => new(buffer, position, parentWidth, byteWidth, type);

    /// <summary>The value's type.</summary>
    public FlexBufferType Type { get; }

    /// <summary>True for a null value.</summary>
    public bool IsNull => Type == FlexBufferType.Null;
    /// <summary>True for a bool.</summary>
    public bool IsBool => Type == FlexBufferType.Bool;
    /// <summary>True for a signed integer, inline or indirect.</summary>
    public bool IsInt => Type is FlexBufferType.Int or FlexBufferType.IndirectInt;
    /// <summary>True for an unsigned integer, inline or indirect.</summary>
    public bool IsUInt => Type is FlexBufferType.UInt or FlexBufferType.IndirectUInt;
    /// <summary>True for a float, inline or indirect.</summary>
    public bool IsFloat => Type is FlexBufferType.Float or FlexBufferType.IndirectFloat;
    /// <summary>True for any value <see cref="AsInt64"/> and <see cref="AsDouble"/> read as a number (integers, floats, bools).</summary>
    public bool IsNumeric => IsInt || IsUInt || IsFloat || IsBool;
    /// <summary>True for a string.</summary>
    public bool IsString => Type == FlexBufferType.String;
    /// <summary>True for a key (a zero-terminated string without a length).</summary>
    public bool IsKey => Type == FlexBufferType.Key;
    /// <summary>True for a blob of bytes.</summary>
    public bool IsBlob => Type == FlexBufferType.Blob;
    /// <summary>True for a map.</summary>
    public bool IsMap => Type == FlexBufferType.Map;

    /// <summary>True for untyped, typed and fixed-length typed vectors (and maps, whose values form a vector).</summary>
    public bool IsVector => Type is FlexBufferType.Vector or FlexBufferType.Map || IsTypedVector;

    /// <summary>True for typed and fixed-length typed vectors (every element of one type, stored without type bytes).</summary>
    public bool IsTypedVector => Type is (>= FlexBufferType.VectorInt and <= FlexBufferType.VectorFloat4) or FlexBufferType.VectorBool;

    private string Where => $"{Type} value at byte {_position}";

    private int Target => FlexBuffer.Indirect(_buffer.Span, _position, _parentWidth, Where);

    /// <summary>The value as a signed integer (integers, unsigned integers in range, floats truncated, bools, null as 0).</summary>
    public long AsInt64()
    {
        ReadOnlySpan<byte> span = _buffer.Span;
        switch (Type)
        {
            case FlexBufferType.Null: return 0;
            case FlexBufferType.Int: return FlexBuffer.ReadInt(span, _position, _parentWidth, Where);
            case FlexBufferType.IndirectInt: return FlexBuffer.ReadInt(span, Target, _byteWidth, Where);
            case FlexBufferType.UInt:
            case FlexBufferType.IndirectUInt:
            case FlexBufferType.Bool:
                ulong u = AsUInt64();
                if (u > long.MaxValue) throw new InvalidModelException($"FlexBuffer {Where}: unsigned value {u} does not fit a signed 64-bit integer");
                return (long)u;
            case FlexBufferType.Float:
            case FlexBufferType.IndirectFloat:
                double d = AsDouble();
                if (!(d >= long.MinValue && d < 9.2233720368547758e18))
                    throw new InvalidModelException($"FlexBuffer {Where}: float {d} cannot be read as an integer");
                return (long)d;
            default:
                throw new InvalidModelException($"FlexBuffer {Where}: expected a number but found {Type}");
        }
    }

    /// <summary>The value as a 32-bit signed integer; values outside its range are an error rather than wrapped.</summary>
    public int AsInt32()
    {
        long v = AsInt64();
        if (v < int.MinValue || v > int.MaxValue)
            throw new InvalidModelException($"FlexBuffer {Where}: value {v} does not fit a 32-bit integer");
        return (int)v;
    }

    /// <summary>The value as an unsigned integer (integers, floats read as by <see cref="AsInt64"/>, bools, null as 0); negative values are an error.</summary>
    public ulong AsUInt64()
    {
        ReadOnlySpan<byte> span = _buffer.Span;
        switch (Type)
        {
            case FlexBufferType.Null: return 0;
            case FlexBufferType.UInt:
            case FlexBufferType.Bool:
                return FlexBuffer.ReadUInt(span, _position, _parentWidth, Where);
            case FlexBufferType.IndirectUInt: return FlexBuffer.ReadUInt(span, Target, _byteWidth, Where);
            case FlexBufferType.Int:
            case FlexBufferType.IndirectInt:
            case FlexBufferType.Float:
            case FlexBufferType.IndirectFloat:
                long v = AsInt64();
                if (v < 0) throw new InvalidModelException($"FlexBuffer {Where}: negative value {v} read as unsigned");
                return (ulong)v;
            default:
                throw new InvalidModelException($"FlexBuffer {Where}: expected a number but found {Type}");
        }
    }

    /// <summary>The value as a 32-bit unsigned integer; values outside its range are an error rather than wrapped.</summary>
    public uint AsUInt32()
    {
        ulong v = AsUInt64();
        if (v > uint.MaxValue)
            throw new InvalidModelException($"FlexBuffer {Where}: value {v} does not fit an unsigned 32-bit integer");
        return (uint)v;
    }

    /// <summary>The value as a double (floats, integers converted, bools, null as 0).</summary>
    public double AsDouble()
    {
        ReadOnlySpan<byte> span = _buffer.Span;
        return Type switch
        {
            FlexBufferType.Null => 0,
            FlexBufferType.Float => FlexBuffer.ReadFloat(span, _position, _parentWidth, Where),
            FlexBufferType.IndirectFloat => FlexBuffer.ReadFloat(span, Target, _byteWidth, Where),
            FlexBufferType.Int or FlexBufferType.IndirectInt => AsInt64(),
            FlexBufferType.UInt or FlexBufferType.IndirectUInt or FlexBufferType.Bool => AsUInt64(),
            _ => throw new InvalidModelException($"FlexBuffer {Where}: expected a number but found {Type}"),
        };
    }

    /// <summary>The value as a float (see <see cref="AsDouble"/>).</summary>
    public float AsSingle() => (float)AsDouble();

    /// <summary>The value as a bool: a stored bool, or any number (non-zero is true).</summary>
    public bool AsBool() => Type switch
    {
        FlexBufferType.Bool or FlexBufferType.UInt or FlexBufferType.IndirectUInt => AsUInt64() != 0,
        FlexBufferType.Int or FlexBufferType.IndirectInt => AsInt64() != 0,
        FlexBufferType.Float or FlexBufferType.IndirectFloat => AsDouble() != 0,
        FlexBufferType.Null => false,
        _ => throw new InvalidModelException($"FlexBuffer {Where}: expected a bool but found {Type}"),
    };

    /// <summary>The bytes of a string (UTF-8, without its terminating zero) or of a key.</summary>
    public ReadOnlyMemory<byte> AsStringBytes()
    {
        if (Type == FlexBufferType.Key)
            return KeyBytes(_buffer, Target, Where);
        if (Type != FlexBufferType.String)
            throw new InvalidModelException($"FlexBuffer {Where}: expected a string but found {Type}");
        return SizedBytes("string");
    }

    /// <summary>A string or key decoded from UTF-8.</summary>
    public string AsString() => Encoding.UTF8.GetString(AsStringBytes().Span);

    /// <summary>A key decoded from UTF-8; any other type is an error.</summary>
    public string AsKey()
    {
        if (Type != FlexBufferType.Key)
            throw new InvalidModelException($"FlexBuffer {Where}: expected a key but found {Type}");
        return AsString();
    }

    /// <summary>The bytes of a blob (no copy); any other type is an error.</summary>
    public ReadOnlyMemory<byte> AsBlob()
    {
        if (Type != FlexBufferType.Blob)
            throw new InvalidModelException($"FlexBuffer {Where}: expected a blob but found {Type}");
        return SizedBytes("blob");
    }

    private ReadOnlyMemory<byte> SizedBytes(string what)
    {
        ReadOnlySpan<byte> span = _buffer.Span;
        int target = Target;
        ulong size = FlexBuffer.ReadUInt(span, target - _byteWidth, _byteWidth, what + " length");
        if (size > (ulong)(span.Length - target))
            throw new InvalidModelException($"FlexBuffer {what} at byte {target}: length {size} runs past the {span.Length}-byte buffer");
        return _buffer.Slice(target, (int)size);
    }

    internal static ReadOnlyMemory<byte> KeyBytes(ReadOnlyMemory<byte> buffer, int position, string where)
    {
        ReadOnlySpan<byte> span = buffer.Span;
        if (position < 0 || position >= span.Length)
            throw new InvalidModelException($"FlexBuffer {where}: key at byte {position} lies outside the {span.Length}-byte buffer");
        int end = span.Slice(position).IndexOf((byte)0);
        if (end < 0)
            throw new InvalidModelException($"FlexBuffer {where}: key at byte {position} has no terminating zero");
        return buffer.Slice(position, end);
    }

    /// <summary>The value as a vector: untyped, typed, fixed-length typed, or the values of a map.</summary>
    public FlexBufferVector AsVector()
    {
        if (!IsVector)
            throw new InvalidModelException($"FlexBuffer {Where}: expected a vector but found {Type}");
        return FlexBufferVector.Open(_buffer, Target, _byteWidth, Type);
    }

    /// <summary>The value as a map; any other type is an error.</summary>
    public FlexBufferMap AsMap()
    {
        if (Type != FlexBufferType.Map)
            throw new InvalidModelException($"FlexBuffer {Where}: expected a map but found {Type}");
        return FlexBufferMap.Open(_buffer, Target, _byteWidth);
    }

    /// <summary>The type and the value, for messages and debugging.</summary>
    public override string ToString() => Type switch
    {
        FlexBufferType.Int or FlexBufferType.IndirectInt => AsInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
        FlexBufferType.UInt or FlexBufferType.IndirectUInt => AsUInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
        FlexBufferType.Float or FlexBufferType.IndirectFloat => AsDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
        FlexBufferType.Bool => AsBool() ? "true" : "false",
        FlexBufferType.String or FlexBufferType.Key => AsString(),
        _ => Type.ToString(),
    };
}
