using System.Text;

namespace TfLiteMicro;

/// <summary>
/// A FlexBuffers map: a typed vector of keys (sorted, so lookups are binary searches) and an untyped vector
/// of values in the same order. Before the values sit three fields of the map's width: the offset of the
/// keys vector, the keys' width and the length.
/// </summary>
public readonly struct FlexBufferMap
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly int _keys;
    private readonly int _keyWidth;

    private FlexBufferMap(ReadOnlyMemory<byte> buffer, int keys, int keyWidth, FlexBufferVector values)
    {
        _buffer = buffer;
        _keys = keys;
        _keyWidth = keyWidth;
        Values = values;
    }

    /// <summary>The values, in key order (the order TFLM's kernels index them by).</summary>
    public FlexBufferVector Values { get; }

    /// <summary>Number of entries.</summary>
    public int Length => Values.Length;

    internal static FlexBufferMap Open(ReadOnlyMemory<byte> buffer, int position, int byteWidth)
    {
        ReadOnlySpan<byte> span = buffer.Span;
        FlexBufferVector values = FlexBufferVector.Open(buffer, position, byteWidth, FlexBufferType.Map);
        int keys = FlexBuffer.Indirect(span, position - 3 * byteWidth, byteWidth, $"map at byte {position}: keys");
        ulong keyWidth = FlexBuffer.ReadUInt(span, position - 2 * byteWidth, byteWidth, $"map at byte {position}: key width");
        if (!FlexBuffer.IsValidWidth((int)Math.Min(keyWidth, 16)))
            throw new InvalidModelException($"FlexBuffer map at byte {position}: key width {keyWidth} is invalid (must be 1, 2, 4 or 8)");
        ulong keyCount = FlexBuffer.ReadUInt(span, keys - (int)keyWidth, (int)keyWidth, $"map at byte {position}: key count");
        if (keyCount != (ulong)values.Length)
            throw new InvalidModelException($"FlexBuffer map at byte {position}: {keyCount} keys but {values.Length} values");
        FlexBuffer.CheckRange(span.Length, keys, (long)values.Length * (int)keyWidth, $"map at byte {position}: keys");
        return new FlexBufferMap(buffer, keys, (int)keyWidth, values);
    }

    /// <summary>Key <paramref name="index"/> as UTF-8 bytes.</summary>
    public ReadOnlyMemory<byte> KeyBytes(int index)
    {
        if ((uint)index >= (uint)Length)
            throw new InvalidModelException($"FlexBuffer map: key {index} requested but it has {Length}");
        int target = FlexBuffer.Indirect(_buffer.Span, _keys + index * _keyWidth, _keyWidth, $"map key {index}");
        return FlexBufferReference.KeyBytes(_buffer, target, $"map key {index}");
    }

    /// <summary>The key of entry <paramref name="index"/> (keys are sorted).</summary>
    public string Key(int index) => Encoding.UTF8.GetString(KeyBytes(index).Span);

    /// <summary>Finds <paramref name="key"/>; false when the map has no such key.</summary>
    public bool TryGetValue(string key, out FlexBufferReference value)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> utf8 = key.Length <= 64 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        utf8 = utf8[..Encoding.UTF8.GetBytes(key, utf8)];
        int lo = 0, hi = Length - 1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            int cmp = KeyBytes(mid).Span.SequenceCompareTo(utf8);
            if (cmp == 0)
            {
                value = Values[mid];
                return true;
            }
            if (cmp < 0) lo = mid + 1;
            else hi = mid - 1;
        }
        value = default;
        return false;
    }

    /// <summary>Whether the map has <paramref name="key"/>.</summary>
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <summary>The value stored under <paramref name="key"/>; a missing key is an <see cref="InvalidModelException"/>.</summary>
    public FlexBufferReference this[string key]
        => TryGetValue(key, out FlexBufferReference value)
            ? value
            : throw new InvalidModelException($"FlexBuffer map has no key '{key}' (keys: {KeyList()})");

    private string KeyList()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(Key(i));
        }
        return sb.ToString();
    }
}
