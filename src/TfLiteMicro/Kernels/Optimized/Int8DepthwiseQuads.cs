using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The AVX-VNNI row kernel of int8 DEPTHWISE_CONV_2D (filters of at most four rows; a depth multiplier of one with eight
/// or a multiple of sixteen channels, or one input channel feeding them). vpdpbusd sums four byte products into each
/// 32-bit lane; here the four bytes of a lane are one channel's value in four input rows ("quads"): for each output row
/// the filter's input rows are byte-interleaved once (<see cref="Interleave"/>, the padding written as the input zero
/// point), so that one load at a column gives every channel's vertical quad there, and one vpdpbusd per filter column
/// adds all of the filter's rows. The weights are arranged the same way ([variant][column][channel][row], missing rows
/// zero). With unit vertical stride and dilation and at most three filter rows, the quad's fourth row is the next output
/// row's last one: two output rows share every load, the second with the weights moved one row down ("variant" 1).
/// Activations enter as x + 128 (unsigned): sum w * (x + offset) = sum w * (x + 128) + (offset - 128) * sum w, the
/// second term folded into the bias; a padded value (the zero point) adds w * (zp + 128) - w * (zp + 128) = 0, as the
/// reference's skipped tap. Integer sums wrap as the reference's do, so the bytes are its own.
/// </summary>
internal static class Int8DepthwiseQuads
{
    /// <summary>Most filter rows one quad holds.</summary>
    public const int MaxFilterHeight = 4;

    /// <summary>Whether the kernel takes <paramref name="channels"/> outputs from <paramref name="inputDepth"/> input channels at <paramref name="level"/>.</summary>
    public static bool Applies(SimdLevel level, int inputDepth, int channels, int filterHeight, int filterWidth)
        => level == SimdLevel.AvxVnni && AvxVnni.IsSupported && Avx2.IsSupported && filterHeight is >= 1 and <= MaxFilterHeight && filterWidth >= 1
           && (inputDepth == channels || inputDepth == 1) && (channels == 8 || (channels > 0 && channels % 16 == 0));

    /// <summary>
    /// How many quad slots the second output row of a pair starts below the first (quad slot j holds input row
    /// first + j * dilation), or 0 when two rows cannot share one quad.
    /// </summary>
    public static int SecondRowShift(int filterHeight, int strideHeight, int dilationHeight)
        => strideHeight % dilationHeight == 0 && strideHeight / dilationHeight + filterHeight <= MaxFilterHeight ? strideHeight / dilationHeight : 0;

    /// <summary>Bytes of the arranged filter: [column][channel][four rows], a second variant when two rows share a quad (<paramref name="shift"/> &gt; 0).</summary>
    public static long TableBytes(int filterWidth, int channels, int shift) => (shift > 0 ? 2L : 1L) * filterWidth * channels * 4;

    /// <summary>Columns of the interleaved rows: every window of an output row, and one pixel of slack for the two-pixel units.</summary>
    public static long Columns(int outputWidth, int strideWidth, int filterWidth, int dilationWidth)
        => (outputWidth - 1L) * strideWidth + (filterWidth - 1L) * dilationWidth + 1 + strideWidth;

    /// <summary>
    /// The filter ([height, width, channels]) as quads ([variant][column][channel][slot]: variant v's slot j holds filter
    /// row j - v * <paramref name="shift"/>, zero outside the filter) and the folded biases bias[c] + (inputOffset - 128) * (sum of channel c's taps).
    /// </summary>
    public static void Arrange(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, int inputOffset, int filterHeight, int filterWidth, int channels,
        int shift, Span<byte> table, Span<int> folded)
    {
        int taps = filterHeight * filterWidth, columnBytes = channels * 4;
        if (filterHeight is < 1 or > MaxFilterHeight || filterWidth < 1 || channels % 8 != 0 || channels <= 0 || shift < 0 || (shift != 0 && shift + filterHeight > MaxFilterHeight)
            || weights.Length < taps * channels || table.Length < TableBytes(filterWidth, channels, shift) || folded.Length < channels
            || (!bias.IsEmpty && bias.Length < channels))
            throw new ArgumentException("depthwise operands do not match");
        for (int variant = 0; variant < (shift > 0 ? 2 : 1); variant++)
            for (int fx = 0; fx < filterWidth; fx++)
            {
                ReadOnlySpan<sbyte> r0 = FilterRow(weights, 0 - variant * shift, fx, filterHeight, filterWidth, channels);
                ReadOnlySpan<sbyte> r1 = FilterRow(weights, 1 - variant * shift, fx, filterHeight, filterWidth, channels);
                ReadOnlySpan<sbyte> r2 = FilterRow(weights, 2 - variant * shift, fx, filterHeight, filterWidth, channels);
                ReadOnlySpan<sbyte> r3 = FilterRow(weights, 3 - variant * shift, fx, filterHeight, filterWidth, channels);
                Interleave(r0, r1, r2, r3, 0, channels, 0, 0, table.Slice((variant * filterWidth + fx) * columnBytes, columnBytes));
            }
        ref sbyte w = ref MemoryMarshal.GetReference(weights);
        for (int c = 0; c < channels; c += 8)
        {
            Vector256<int> sum = Vector256<int>.Zero;
            for (int tap = 0; tap < taps; tap++)
                sum += Avx2.ConvertToVector256Int32(Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref w, tap * channels + c)))).AsSByte());
            Vector256<int> start = bias.IsEmpty ? Vector256<int>.Zero : Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(bias), (nuint)c);
            (start + sum * Vector256.Create(inputOffset - 128)).StoreUnsafe(ref MemoryMarshal.GetReference(folded), (nuint)c);
        }
    }

    /// <summary>The channels of filter tap (fy, fx), or nothing (zero weights) when fy is outside the filter.</summary>
    private static ReadOnlySpan<sbyte> FilterRow(ReadOnlySpan<sbyte> weights, int fy, int fx, int filterHeight, int filterWidth, int channels)
        => (uint)fy < (uint)filterHeight ? weights.Slice((fy * filterWidth + fx) * channels, channels) : default;

    /// <summary>
    /// destination[4k + j] = (padded row j)[k] ^ <paramref name="flip"/> for k in [0, <paramref name="count"/>), where padded row j
    /// is <paramref name="padBefore"/> values <paramref name="fill"/>, then row j (or, when it is empty, more of the fill), then the fill.
    /// Every present row has the same length.
    /// </summary>
    /// <remarks><paramref name="permute"/>: whether the AVX-512 VBMI form may be used (tests turn it off to check the other).</remarks>
    public static void Interleave(ReadOnlySpan<sbyte> row0, ReadOnlySpan<sbyte> row1, ReadOnlySpan<sbyte> row2, ReadOnlySpan<sbyte> row3,
        int padBefore, int count, sbyte fill, byte flip, Span<byte> destination, bool permute = true)
    {
        int length = Math.Max(Math.Max(row0.Length, row1.Length), Math.Max(row2.Length, row3.Length));
        if (padBefore < 0 || count < 0 || (long)count * 4 > destination.Length
            || (!row0.IsEmpty && row0.Length != length) || (!row1.IsEmpty && row1.Length != length)
            || (!row2.IsEmpty && row2.Length != length) || (!row3.IsEmpty && row3.Length != length))
            throw new ArgumentException("interleaved rows do not match");
        byte padded = (byte)((byte)fill ^ flip);
        int start = Math.Min(padBefore, count), end = (int)Math.Min(count, (long)padBefore + length);
        Span<int> quads = MemoryMarshal.Cast<byte, int>(destination.Slice(0, count * 4));
        int all = padded * 0x01010101;
        quads.Slice(0, start).Fill(all);
        quads.Slice(end).Fill(all);
        Vector128<byte> flips = Vector128.Create(flip), fills = Vector128.Create(padded);
        bool has0 = !row0.IsEmpty, has1 = !row1.IsEmpty, has2 = !row2.IsEmpty, has3 = !row3.IsEmpty;
        ref byte s0 = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(row0)), s1 = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(row1));
        ref byte s2 = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(row2)), s3 = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(row3));
        ref byte d = ref MemoryMarshal.GetReference(destination);
        int k = start;
        if (permute && Avx512Vbmi.IsSupported)
        {
            // Thirty-two values of each row per step: rows 0 and 1 in one 512-bit vector, 2 and 3 in another, and two
            // two-table byte permutes write the 128 interleaved bytes (instead of eight unpacks per 64).
            Vector512<byte> flips512 = Vector512.Create(flip), low = LowQuads, high = HighQuads;
            Vector256<byte> raw = Vector256.Create((byte)fill);
            for (; k + 32 <= end; k += 32)
            {
                nuint at = (nuint)(k - padBefore);
                Vector256<byte> v0 = has0 ? Vector256.LoadUnsafe(ref s0, at) : raw, v1 = has1 ? Vector256.LoadUnsafe(ref s1, at) : raw;
                Vector256<byte> v2 = has2 ? Vector256.LoadUnsafe(ref s2, at) : raw, v3 = has3 ? Vector256.LoadUnsafe(ref s3, at) : raw;
                Vector512<byte> a = Avx512F.InsertVector256(v0.ToVector512Unsafe(), v1, 1) ^ flips512;
                Vector512<byte> b = Avx512F.InsertVector256(v2.ToVector512Unsafe(), v3, 1) ^ flips512;
                nuint o = (nuint)(4 * k);
                Avx512Vbmi.PermuteVar64x8x2(a, low, b).StoreUnsafe(ref d, o);
                Avx512Vbmi.PermuteVar64x8x2(a, high, b).StoreUnsafe(ref d, o + 64);
            }
        }
        for (; k + 16 <= end; k += 16)
        {
            nuint at = (nuint)(k - padBefore);
            Vector128<byte> v0 = has0 ? Vector128.LoadUnsafe(ref s0, at) ^ flips : fills, v1 = has1 ? Vector128.LoadUnsafe(ref s1, at) ^ flips : fills;
            Vector128<byte> v2 = has2 ? Vector128.LoadUnsafe(ref s2, at) ^ flips : fills, v3 = has3 ? Vector128.LoadUnsafe(ref s3, at) ^ flips : fills;
            Vector128<short> a0 = Sse2.UnpackLow(v0, v1).AsInt16(), a1 = Sse2.UnpackHigh(v0, v1).AsInt16();
            Vector128<short> b0 = Sse2.UnpackLow(v2, v3).AsInt16(), b1 = Sse2.UnpackHigh(v2, v3).AsInt16();
            nuint o = (nuint)(4 * k);
            Sse2.UnpackLow(a0, b0).AsByte().StoreUnsafe(ref d, o);
            Sse2.UnpackHigh(a0, b0).AsByte().StoreUnsafe(ref d, o + 16);
            Sse2.UnpackLow(a1, b1).AsByte().StoreUnsafe(ref d, o + 32);
            Sse2.UnpackHigh(a1, b1).AsByte().StoreUnsafe(ref d, o + 48);
        }
        for (; k < end; k++)
        {
            int at = k - padBefore;
            Unsafe.Add(ref d, 4 * k) = has0 ? (byte)(Unsafe.Add(ref s0, at) ^ flip) : padded;
            Unsafe.Add(ref d, 4 * k + 1) = has1 ? (byte)(Unsafe.Add(ref s1, at) ^ flip) : padded;
            Unsafe.Add(ref d, 4 * k + 2) = has2 ? (byte)(Unsafe.Add(ref s2, at) ^ flip) : padded;
            Unsafe.Add(ref d, 4 * k + 3) = has3 ? (byte)(Unsafe.Add(ref s3, at) ^ flip) : padded;
        }
    }

    /// <summary>
    /// Permute indices for quads [16 part, 16 part + 16) of a step: rows 0 and 1 are bytes [0, 32) and [32, 64) of the
    /// first table, rows 2 and 3 the same of the second (indices 64 on).
    /// </summary>
    private static Vector512<byte> Quads(int part)
    {
        Span<byte> index = stackalloc byte[64];
        for (int k = 0; k < 16; k++)
            for (int j = 0; j < 4; j++) index[4 * k + j] = (byte)(j % 2 * 32 + j / 2 * 64 + 16 * part + k);
        return Vector512.Create((ReadOnlySpan<byte>)index);
    }

    private static readonly Vector512<byte> LowQuads = Quads(0), HighQuads = Quads(1);

    /// <summary>
    /// One output row (or, <paramref name="two"/>, two: the second with the weights' variant 1) from interleaved rows
    /// (<paramref name="quads"/>, <paramref name="inputDepth"/> quads per column), every channel. The callers' Prepare has
    /// checked that the quads hold <see cref="Columns"/> columns and the table <see cref="TableBytes"/> bytes (two variants when <paramref name="two"/>).
    /// </summary>
    public static void Run(ref byte quads, int outputWidth, int strideWidth, int dilationWidth, int filterWidth, int inputDepth, int channels,
        ref byte table, ref int folded, in Int8Requantizer requantizer, ref sbyte output0, ref sbyte output1, bool two)
    {
        if (inputDepth == 1)
        {
            if (two) Run<BroadcastLoad, TwoRows>(ref quads, outputWidth, strideWidth, dilationWidth, filterWidth, inputDepth, channels, ref table, ref folded, requantizer, ref output0, ref output1);
            else Run<BroadcastLoad, OneRow>(ref quads, outputWidth, strideWidth, dilationWidth, filterWidth, inputDepth, channels, ref table, ref folded, requantizer, ref output0, ref output1);
        }
        else if (two) Run<DirectLoad, TwoRows>(ref quads, outputWidth, strideWidth, dilationWidth, filterWidth, inputDepth, channels, ref table, ref folded, requantizer, ref output0, ref output1);
        else Run<DirectLoad, OneRow>(ref quads, outputWidth, strideWidth, dilationWidth, filterWidth, inputDepth, channels, ref table, ref folded, requantizer, ref output0, ref output1);
    }

    /// <summary>
    /// Units of sixteen lanes: two pixels' eight channels (eight channels), else one pixel's sixteen; each half one
    /// 256-bit vector of eight lanes, so a unit's sixteen output bytes are contiguous.
    /// </summary>
    private static void Run<TLoad, TRows>(ref byte quads, int outputWidth, int strideWidth, int dilationWidth, int filterWidth, int inputDepth, int channels,
        ref byte table, ref int folded, in Int8Requantizer requantizer, ref sbyte output0, ref sbyte output1)
        where TLoad : struct, IQuadLoad where TRows : struct, IRowCount
    {
        bool pixelPairs = channels == 8;
        int columnBytes = inputDepth * 4, tapBytes = dilationWidth * columnBytes, tableColumn = channels * 4, variantBytes = filterWidth * tableColumn;
        int unitPixels = pixelPairs ? 2 : 1, blocks = pixelPairs ? 1 : channels / 16;
        // The second half of a unit: the next pixel's column (pixel pairs), else the next eight channels (none when broadcast).
        int highInput = pixelPairs ? strideWidth * columnBytes : TLoad.ChannelBytes(32);
        int highWeights = pixelPairs ? 0 : 32;
        int unitStep = unitPixels * strideWidth * columnBytes;
        for (int block = 0; block < blocks; block++)
        {
            int c = block * 16;
            Requantization8 low = requantizer.Channels8(c), high = pixelPairs ? low : requantizer.Channels8(c + 8);
            Requantization16 both = Avx512F.IsSupported ? Requantization16.From(low, high) : default;
            Vector256<int> startLow = Vector256.LoadUnsafe(ref folded, (nuint)c);
            Vector256<int> startHigh = pixelPairs ? startLow : Vector256.LoadUnsafe(ref folded, (nuint)(c + 8));
            ref byte w = ref Unsafe.Add(ref table, c * 4);
            ref byte x = ref Unsafe.Add(ref quads, TLoad.ChannelBytes(c * 4));
            ref sbyte y0 = ref Unsafe.Add(ref output0, c), y1 = ref Unsafe.Add(ref output1, c);
            int outStep = unitPixels * channels;
            for (int ox = 0; ox < outputWidth; ox += unitPixels)
            {
                Vector256<int> l0 = startLow, h0 = startHigh, l1 = startLow, h1 = startHigh;
                ref byte at = ref x;
                ref byte wt = ref w;
                for (int fx = 0; fx < filterWidth; fx++)
                {
                    Vector256<byte> vl = TLoad.Load(ref at), vh = TLoad.Load(ref Unsafe.Add(ref at, highInput));
                    l0 = AvxVnni.MultiplyWideningAndAdd(l0, vl, Vector256.LoadUnsafe(ref wt).AsSByte());
                    h0 = AvxVnni.MultiplyWideningAndAdd(h0, vh, Vector256.LoadUnsafe(ref wt, (nuint)highWeights).AsSByte());
                    if (TRows.Two)
                    {
                        l1 = AvxVnni.MultiplyWideningAndAdd(l1, vl, Vector256.LoadUnsafe(ref wt, (nuint)variantBytes).AsSByte());
                        h1 = AvxVnni.MultiplyWideningAndAdd(h1, vh, Vector256.LoadUnsafe(ref wt, (nuint)(variantBytes + highWeights)).AsSByte());
                    }
                    at = ref Unsafe.Add(ref at, tapBytes);
                    wt = ref Unsafe.Add(ref wt, tableColumn);
                }
                // A pixel pair past the row's end (odd width) computes its second pixel from the slack column and stores the first only.
                bool whole = !pixelPairs || ox + 1 < outputWidth;
                Store(l0, h0, low, high, both, ref y0, whole);
                if (TRows.Two) Store(l1, h1, low, high, both, ref y1, whole);
                x = ref Unsafe.Add(ref x, unitStep);
                y0 = ref Unsafe.Add(ref y0, outStep);
                y1 = ref Unsafe.Add(ref y1, outStep);
            }
        }
    }

    /// <summary>Requantizes a unit's sixteen lanes and stores them in lane order (only the first eight unless <paramref name="whole"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<int> lowSums, Vector256<int> highSums, in Requantization8 low, in Requantization8 high,
        in Requantization16 both, ref sbyte destination, bool whole)
    {
        if (Avx512F.IsSupported)
        {
            Vector128<sbyte> bytes = Int8Requantizer.Apply16(lowSums, highSums, both);
            if (whole) bytes.StoreUnsafe(ref destination);
            else Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref destination), bytes.AsInt64().ToScalar());
            return;
        }
        Int8Requantizer.Store8(Int8Requantizer.Apply(lowSums, low), ref destination);
        if (whole) Int8Requantizer.Store8(Int8Requantizer.Apply(highSums, high), ref Unsafe.Add(ref destination, 8));
    }

    /// <summary>How a lane's quad is read: each channel its own (multiplier one), or one input channel's quad for every lane.</summary>
    private interface IQuadLoad
    {
        static abstract Vector256<byte> Load(ref byte at);

        /// <summary>Byte offset in a column of the quads of channel offset <paramref name="bytes"/> / 4 (none when broadcast).</summary>
        static abstract int ChannelBytes(int bytes);
    }

    private struct DirectLoad : IQuadLoad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Load(ref byte at) => Vector256.LoadUnsafe(ref at);

        public static int ChannelBytes(int bytes) => bytes;
    }

    private struct BroadcastLoad : IQuadLoad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Load(ref byte at) => Vector256.Create(Unsafe.ReadUnaligned<int>(ref at)).AsByte();

        public static int ChannelBytes(int bytes) => 0;
    }

    /// <summary>One output row per interleave, or two sharing it.</summary>
    private interface IRowCount
    {
        static abstract bool Two { get; }
    }

    private struct OneRow : IRowCount
    {
        public static bool Two => false;
    }

    private struct TwoRows : IRowCount
    {
        public static bool Two => true;
    }
}
