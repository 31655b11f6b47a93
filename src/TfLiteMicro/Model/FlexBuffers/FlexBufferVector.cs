namespace TfLiteMicro;

/// <summary>
/// A FlexBuffers vector: untyped (each element carries its own type byte after the elements), typed
/// (one element type, length stored before the data) or fixed-length typed (2, 3 or 4 elements, no length).
/// The extent of the elements (and type bytes) is checked when the vector is opened.
/// </summary>
public readonly struct FlexBufferVector
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly int _position;
    private readonly int _byteWidth;
    private readonly FlexBufferType _elementType; // Null for untyped vectors

    private FlexBufferVector(ReadOnlyMemory<byte> buffer, int position, int byteWidth, int length, FlexBufferType elementType)
    {
        _buffer = buffer;
        _position = position;
        _byteWidth = byteWidth;
        Length = length;
        _elementType = elementType;
    }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>True when every element has the same type (typed vector).</summary>
    public bool IsTyped => _elementType != FlexBufferType.Null;

    internal static FlexBufferVector Open(ReadOnlyMemory<byte> buffer, int position, int byteWidth, FlexBufferType type)
    {
        ReadOnlySpan<byte> span = buffer.Span;
        int fixedLength = 0;
        FlexBufferType elementType;
        switch (type)
        {
            case FlexBufferType.Vector:
            case FlexBufferType.Map:
                elementType = FlexBufferType.Null;
                break;
            case >= FlexBufferType.VectorInt and <= FlexBufferType.VectorStringDeprecated:
                elementType = type == FlexBufferType.VectorStringDeprecated ? FlexBufferType.String : type - FlexBufferType.VectorInt + FlexBufferType.Int;
                break;
            case >= FlexBufferType.VectorInt2 and <= FlexBufferType.VectorFloat4:
                int k = type - FlexBufferType.VectorInt2;
                elementType = FlexBufferType.Int + (k % 3);
                fixedLength = k / 3 + 2;
                break;
            case FlexBufferType.VectorBool:
                elementType = FlexBufferType.Bool;
                break;
            default:
                throw new InvalidModelException($"FlexBuffer value of type {type} at byte {position} is not a vector");
        }

        long length;
        if (fixedLength != 0)
        {
            length = fixedLength;
        }
        else
        {
            ulong stored = FlexBuffer.ReadUInt(span, position - byteWidth, byteWidth, $"{type} length");
            if (stored > int.MaxValue)
                throw new InvalidModelException($"FlexBuffer {type} at byte {position}: length {stored} is too large");
            length = (long)stored;
        }
        long bytes = length * byteWidth + (elementType == FlexBufferType.Null ? length : 0);
        FlexBuffer.CheckRange(span.Length, position, bytes, $"{type} of {length} elements at byte {position}");
        return new FlexBufferVector(buffer, position, byteWidth, (int)length, elementType);
    }

    /// <summary>Element <paramref name="index"/>; an index outside the vector is an <see cref="InvalidModelException"/>.</summary>
    public FlexBufferReference this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Length)
                throw new InvalidModelException($"FlexBuffer vector at byte {_position}: element {index} requested but it has {Length}");
            int element = _position + index * _byteWidth;
            if (_elementType != FlexBufferType.Null)
                return FlexBufferReference.CreateTyped(_buffer, element, _byteWidth, 1, _elementType);
            byte packed = _buffer.Span[_position + Length * _byteWidth + index];
            return FlexBufferReference.Create(_buffer, element, _byteWidth, packed);
        }
    }

    /// <summary>Element <paramref name="index"/> as an int; the access TFLM's custom op option readers use.</summary>
    public int ElementAsInt32(int index) => this[index].AsInt32();

    /// <summary>Element <paramref name="index"/> as a long.</summary>
    public long ElementAsInt64(int index) => this[index].AsInt64();

    /// <summary>Element <paramref name="index"/> as a bool.</summary>
    public bool ElementAsBool(int index) => this[index].AsBool();

    /// <summary>Element <paramref name="index"/> as a float.</summary>
    public float ElementAsSingle(int index) => this[index].AsSingle();

    /// <summary>Copies a numeric vector into <paramref name="destination"/> as ints.</summary>
    public void CopyTo(Span<int> destination)
    {
        if (destination.Length < Length)
            throw new ArgumentException($"destination holds {destination.Length} elements but the vector has {Length}", nameof(destination));
        for (int i = 0; i < Length; i++) destination[i] = this[i].AsInt32();
    }

    /// <summary>A copy of a numeric vector as ints.</summary>
    public int[] ToInt32Array()
    {
        var result = new int[Length];
        CopyTo(result);
        return result;
    }
}
