namespace TfLiteMicro.Compression;

/// <summary>
/// How a LUT-compressed tensor is stored: <see cref="ElementCount"/> indices of <see cref="BitWidth"/> bits packed
/// most significant bit first, each looked up in the value table of its channel. The tables (<see cref="ChannelCount"/>
/// of them, <see cref="Stride"/> entries of <see cref="ElementSize"/> bytes each) lie one after another. Channels run
/// along the first axis (channel c holds one contiguous run of elements) or, with <see cref="LastAxis"/>, along the last
/// one (element i belongs to channel i % <see cref="ChannelCount"/>). TFLM's metadata form and DECODE's LUT share it.
/// </summary>
internal readonly struct LutLayout
{
    /// <summary>TFLM stores the bit width in three bits.</summary>
    public const int MaxBitWidth = 7;

    /// <summary>TFLM stores the entries per channel in one byte.</summary>
    public const int MaxStride = 255;

    public LutLayout(int bitWidth, int elementCount, int elementSize, int channelCount, int stride, bool lastAxis)
    {
        BitWidth = bitWidth;
        ElementCount = elementCount;
        ElementSize = elementSize;
        ChannelCount = channelCount;
        Stride = stride;
        LastAxis = lastAxis;
    }

    public int BitWidth { get; }
    public int ElementCount { get; }
    public int ElementSize { get; }
    public int ChannelCount { get; }

    /// <summary>Entries in each channel's value table.</summary>
    public int Stride { get; }

    public bool LastAxis { get; }

    /// <summary>Bytes of the packed indices: the bit string padded with zero bits to a whole byte.</summary>
    public long EncodedBytes => ((long)ElementCount * BitWidth + 7) / 8;

    /// <summary>Bytes of all value tables together.</summary>
    public long ValueTableBytes => (long)ChannelCount * Stride * ElementSize;

    public long DecodedBytes => (long)ElementCount * ElementSize;

    /// <summary>
    /// Null when <paramref name="encodedLength"/> bytes of indices and <paramref name="valueTableLength"/> bytes of tables
    /// are enough to decode with this layout; otherwise what is wrong. Indices past a table are checked separately
    /// (<see cref="LutDecoder.FindIndexPastTable"/>), and only when a table has fewer than 2^bits entries.
    /// </summary>
    public string? Check(long encodedLength, long valueTableLength)
    {
        if (BitWidth < 1 || BitWidth > MaxBitWidth)
            return $"index bit width {BitWidth} is outside 1..{MaxBitWidth}";
        if (ElementSize is not (1 or 2 or 4 or 8))
            return $"elements of {ElementSize} bytes cannot be decoded";
        if (ElementCount < 0) return $"element count {ElementCount} is negative";
        if (ChannelCount < 1) return $"channel count {ChannelCount} is not positive";
        if (ElementCount % ChannelCount != 0)
            return $"{ElementCount} elements do not divide into {ChannelCount} channels";
        if (ElementCount > 0 && (Stride < 1 || Stride > MaxStride))
            return $"{Stride} value table entries per channel is outside 1..{MaxStride}";
        if (encodedLength < EncodedBytes)
            return $"the bit string holds {encodedLength} bytes, {EncodedBytes} needed for {ElementCount} indices of {BitWidth} bits";
        if (valueTableLength < ValueTableBytes)
            return $"the value tables hold {valueTableLength} bytes, {ValueTableBytes} needed for {ChannelCount} channel(s) of {Stride} entries of {ElementSize} bytes";
        return null;
    }

    /// <summary>Whether every index the bit width can express lies inside a table, so no index needs checking.</summary>
    public bool TablesCoverEveryIndex => Stride >= 1 << BitWidth;
}
