using System.Numerics;
using System.Runtime.InteropServices;

namespace TfLiteMicro.Compression;

/// <summary>
/// DECODE's prune decoder (TFLM's decode_state_prune): one bit per element, most significant bit first; a set bit takes
/// the next value of the value list, a clear bit the zero point. INT8 tensors use their zero point (per channel when
/// per-channel quantized with any non-zero zero point, channels along the first or last axis); other types use zero
/// (their zero points must all be zero). Values are copied as raw bits (FLOAT32 as 32-bit words).
/// </summary>
internal readonly struct PruneDecoder
{
    public PruneDecoder(int count, int elementSize, int channelCount, bool lastAxis)
    {
        Count = count;
        ElementSize = elementSize;
        ChannelCount = channelCount;
        LastAxis = lastAxis;
    }

    public int Count { get; }
    public int ElementSize { get; }

    /// <summary>Channels with zero points of their own (1 when one zero point serves the whole tensor).</summary>
    public int ChannelCount { get; }

    public bool LastAxis { get; }

    /// <summary>Null when the mask and values suffice for <see cref="Count"/> elements, otherwise what is wrong.</summary>
    public string? Check(ReadOnlySpan<byte> mask, int valueBytes)
    {
        if (ElementSize is not (1 or 2 or 4 or 8)) return $"elements of {ElementSize} bytes cannot be decoded";
        if (ChannelCount < 1 || Count % ChannelCount != 0) return $"{Count} elements do not divide into {ChannelCount} channels";
        long maskBytes = ((long)Count + 7) / 8;
        if (mask.Length < maskBytes) return $"the mask holds {mask.Length} bytes, {maskBytes} needed for {Count} elements";
        long kept = 0;
        int whole = Count / 8;
        for (int i = 0; i < whole; i++) kept += BitOperations.PopCount(mask[i]);
        if (Count % 8 != 0) kept += BitOperations.PopCount((uint)(mask[whole] >> (8 - Count % 8)));
        long available = valueBytes / ElementSize;
        if (kept > available) return $"the mask keeps {kept} values, the value list holds {available}";
        return null;
    }

    /// <summary>
    /// Writes the elements; <paramref name="zeroPoints"/> holds one zero point, or one per channel (only INT8 uses them).
    /// The caller has checked the lengths (<see cref="Check"/>).
    /// </summary>
    public void Decode(ReadOnlySpan<byte> mask, ReadOnlySpan<byte> values, ReadOnlySpan<sbyte> zeroPoints, Span<byte> destination)
    {
        switch (ElementSize)
        {
            case 1: Decode(mask, values, MemoryMarshal.Cast<sbyte, byte>(zeroPoints), destination); break;
            case 2: Decode<ushort>(mask, values, destination); break;
            case 4: Decode<uint>(mask, values, destination); break;
            default: Decode<ulong>(mask, values, destination); break;
        }
    }

    private void Decode(ReadOnlySpan<byte> mask, ReadOnlySpan<byte> values, ReadOnlySpan<byte> zeroPoints, Span<byte> output)
    {
        int next = 0;
        int perChannel = Count / ChannelCount;
        for (int i = 0; i < Count; i++)
        {
            int channel = zeroPoints.Length == 1 ? 0 : LastAxis ? i % ChannelCount : i / perChannel;
            output[i] = (mask[i >> 3] >> (7 - (i & 7)) & 1) != 0 ? values[next++] : zeroPoints[channel];
        }
    }

    private void Decode<T>(ReadOnlySpan<byte> mask, ReadOnlySpan<byte> valueBytes, Span<byte> destination) where T : unmanaged
    {
        ReadOnlySpan<T> values = MemoryMarshal.Cast<byte, T>(valueBytes);
        Span<T> output = MemoryMarshal.Cast<byte, T>(destination);
        int next = 0;
        for (int i = 0; i < Count; i++)
            output[i] = (mask[i >> 3] >> (7 - (i & 7)) & 1) != 0 ? values[next++] : default;
    }
}
