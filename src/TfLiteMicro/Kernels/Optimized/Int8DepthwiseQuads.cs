using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The "quad" row kernel of int8 DEPTHWISE_CONV_2D: a four-byte dot product (AVX-VNNI vpdpbusd, Arm64 SDOT) sums four
/// byte products into each 32-bit lane; here the four bytes of a lane are one channel's value in four input rows
/// ("quads"): for each output row the filter's input rows are byte-interleaved once (<see cref="Interleave"/>, the
/// padding written as the input zero point), so that one load at a column gives every channel's vertical quad there, and
/// one dot product per filter column adds four of the filter's rows. The weights are arranged the same way
/// ([variant or group][column][channel][row], missing rows zero). One walk (<see cref="Walk"/>) goes over blocks of
/// channels and units of output pixels for every instruction set; a step operator per instruction set adds a filter
/// column and requantizes (x64 here, Arm64 in Int8DepthwiseQuads.Arm64.cs).
/// <para>
/// AVX-VNNI (filters of at most four rows; a depth multiplier of one with eight or a multiple of sixteen channels, or
/// one input channel feeding them): with unit vertical stride and dilation and at most three filter rows, the quad's
/// fourth row is the next output row's last one: two output rows share every load, the second with the weights moved
/// one row down ("variant" 1). Activations enter as x + 128 (unsigned): sum w * (x + offset) = sum w * (x + 128) +
/// (offset - 128) * sum w, the second term folded into the bias; a padded value (the zero point) adds w * (zp + 128) -
/// w * (zp + 128) = 0, as the reference's skipped tap. Arm64 takes the activations as they are (signed), folding
/// offset * sum w. Integer sums wrap as the reference's do, so the bytes are its own.
/// </para>
/// </summary>
internal static partial class Int8DepthwiseQuads
{
    /// <summary>Most filter rows one quad holds.</summary>
    public const int MaxFilterHeight = 4;

    /// <summary>Whether the AVX-VNNI kernel takes <paramref name="channels"/> outputs from <paramref name="inputDepth"/> input channels at <paramref name="level"/>.</summary>
    public static bool Applies(SimdLevel level, int inputDepth, int channels, int filterHeight, int filterWidth)
        => level == SimdLevel.AvxVnni && AvxVnni.IsSupported && Avx2.IsSupported && filterHeight is >= 1 and <= MaxFilterHeight && filterWidth >= 1
           && (inputDepth == channels || inputDepth == 1) && (channels == 8 || (channels > 0 && channels % 16 == 0));

    /// <summary>
    /// How many quad slots the second output row of a pair starts below the first (quad slot j holds input row
    /// first + j * dilation), or 0 when two rows cannot share one quad.
    /// </summary>
    public static int SecondRowShift(int filterHeight, int strideHeight, int dilationHeight)
        => strideHeight % dilationHeight == 0 && strideHeight / dilationHeight + filterHeight <= MaxFilterHeight ? strideHeight / dilationHeight : 0;

    /// <summary>Groups of four filter rows (one quad each): rows 4g to 4g + 3 in group g.</summary>
    public static int Groups(int filterHeight) => (filterHeight + MaxFilterHeight - 1) / MaxFilterHeight;

    /// <summary>
    /// Bytes of the arranged filter: [column][channel][four rows] per group of four filter rows, or, when two rows share
    /// a quad (<paramref name="shift"/> &gt; 0, at most four rows), two variants.
    /// </summary>
    public static long TableBytes(int filterHeight, int filterWidth, int channels, int shift)
        => (shift > 0 ? 2L : Groups(filterHeight)) * filterWidth * channels * 4;

    /// <summary>Columns of the interleaved rows: every window of an output row, and one pixel of slack for the two-pixel units.</summary>
    public static long Columns(int outputWidth, int strideWidth, int filterWidth, int dilationWidth)
        => (outputWidth - 1L) * strideWidth + (filterWidth - 1L) * dilationWidth + 1 + strideWidth;

    /// <summary>What the activations are offset by before the dot products: 128 on x64 (vpdpbusd takes them unsigned), none on Arm64 (SDOT is signed).</summary>
    private static int ActivationShift => AdvSimd.Arm64.IsSupported ? 0 : 128;

    /// <summary>
    /// The filter ([height, width, channels]) as quads ([block][column][channel][slot], zero outside the filter; with
    /// <paramref name="shift"/> &gt; 0 block v's slot j holds filter row j - v * <paramref name="shift"/>, else block g's
    /// slot j holds row 4g + j) and the folded biases bias[c] + (inputOffset - <see cref="ActivationShift"/>) * (sum of channel c's taps).
    /// </summary>
    public static void Arrange(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, int inputOffset, int filterHeight, int filterWidth, int channels,
        int shift, Span<byte> table, Span<int> folded)
    {
        int taps = filterHeight * filterWidth, columnBytes = channels * 4;
        if (filterHeight < 1 || filterWidth < 1 || channels <= 0 || shift < 0 || (shift != 0 && shift + filterHeight > MaxFilterHeight)
            || (long)taps * channels > weights.Length || table.Length < TableBytes(filterHeight, filterWidth, channels, shift) || folded.Length < channels
            || (!bias.IsEmpty && bias.Length < channels))
            throw new ArgumentException("depthwise operands do not match");
        int blocks = shift > 0 ? 2 : Groups(filterHeight);
        for (int block = 0; block < blocks; block++)
        {
            int firstRow = shift > 0 ? -block * shift : block * MaxFilterHeight;
            for (int fx = 0; fx < filterWidth; fx++)
            {
                ReadOnlySpan<sbyte> r0 = FilterRow(weights, firstRow, fx, filterHeight, filterWidth, channels);
                ReadOnlySpan<sbyte> r1 = FilterRow(weights, firstRow + 1, fx, filterHeight, filterWidth, channels);
                ReadOnlySpan<sbyte> r2 = FilterRow(weights, firstRow + 2, fx, filterHeight, filterWidth, channels);
                ReadOnlySpan<sbyte> r3 = FilterRow(weights, firstRow + 3, fx, filterHeight, filterWidth, channels);
                Interleave(r0, r1, r2, r3, 0, channels, 0, 0, table.Slice((block * filterWidth + fx) * columnBytes, columnBytes));
            }
        }
        FoldBiases(weights, bias, inputOffset - ActivationShift, taps, channels, folded);
    }

    /// <summary>folded[c] = bias[c] (zero without biases) + <paramref name="offset"/> * (sum of channel c's <paramref name="taps"/> weights), wrapping as the reference's sums do.</summary>
    public static void FoldBiases(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, int offset, int taps, int channels, Span<int> folded)
    {
        for (int c = 0; c < channels; c++)
        {
            int sum = 0;
            for (int tap = 0; tap < taps; tap++) sum += weights[tap * channels + c];
            folded[c] = unchecked((bias.IsEmpty ? 0 : bias[c]) + offset * sum);
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
            Quads16(v0, v1, v2, v3, ref d, (nuint)(4 * k));
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

    /// <summary>Writes the sixteen quads of four vectors (quad k: byte k of v0, v1, v2, v3) as 64 bytes at <paramref name="d"/> + <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quads16(Vector128<byte> v0, Vector128<byte> v1, Vector128<byte> v2, Vector128<byte> v3, ref byte d, nuint at)
    {
        if (AdvSimd.Arm64.IsSupported)
        {
            Vector128<short> c0 = AdvSimd.Arm64.ZipLow(v0, v1).AsInt16(), c1 = AdvSimd.Arm64.ZipHigh(v0, v1).AsInt16();
            Vector128<short> e0 = AdvSimd.Arm64.ZipLow(v2, v3).AsInt16(), e1 = AdvSimd.Arm64.ZipHigh(v2, v3).AsInt16();
            AdvSimd.Arm64.ZipLow(c0, e0).AsByte().StoreUnsafe(ref d, at);
            AdvSimd.Arm64.ZipHigh(c0, e0).AsByte().StoreUnsafe(ref d, at + 16);
            AdvSimd.Arm64.ZipLow(c1, e1).AsByte().StoreUnsafe(ref d, at + 32);
            AdvSimd.Arm64.ZipHigh(c1, e1).AsByte().StoreUnsafe(ref d, at + 48);
            return;
        }
        Vector128<short> a0 = Sse2.UnpackLow(v0, v1).AsInt16(), a1 = Sse2.UnpackHigh(v0, v1).AsInt16();
        Vector128<short> b0 = Sse2.UnpackLow(v2, v3).AsInt16(), b1 = Sse2.UnpackHigh(v2, v3).AsInt16();
        Sse2.UnpackLow(a0, b0).AsByte().StoreUnsafe(ref d, at);
        Sse2.UnpackHigh(a0, b0).AsByte().StoreUnsafe(ref d, at + 16);
        Sse2.UnpackLow(a1, b1).AsByte().StoreUnsafe(ref d, at + 32);
        Sse2.UnpackHigh(a1, b1).AsByte().StoreUnsafe(ref d, at + 48);
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
    /// (<paramref name="quads"/>, <paramref name="inputDepth"/> quads per column), every channel (AVX-VNNI). The callers'
    /// Prepare has checked that the quads hold <see cref="Columns"/> columns and the table <see cref="TableBytes"/> bytes
    /// (two variants when <paramref name="two"/>).
    /// </summary>
    public static void Run(ref byte quads, int outputWidth, int strideWidth, int dilationWidth, int filterWidth, int inputDepth, int channels,
        ref byte table, ref int folded, in Int8Requantizer requantizer, ref sbyte output0, ref sbyte output1, bool two)
    {
        int columnBytes = inputDepth * 4;
        var walk = new QuadWalk(outputWidth, strideWidth * columnBytes, dilationWidth * columnBytes, 0, 1, filterWidth, channels);
        if (inputDepth == 1)
        {
            if (two) Run<BroadcastLoad, TwoRows>(walk, ref quads, ref table, ref folded, requantizer, ref output0, ref output1);
            else Run<BroadcastLoad, OneRow>(walk, ref quads, ref table, ref folded, requantizer, ref output0, ref output1);
        }
        else if (two) Run<DirectLoad, TwoRows>(walk, ref quads, ref table, ref folded, requantizer, ref output0, ref output1);
        else Run<DirectLoad, OneRow>(walk, ref quads, ref table, ref folded, requantizer, ref output0, ref output1);
    }

    /// <summary>Units of sixteen lanes: two pixels' eight channels (eight channels), else one pixel's sixteen.</summary>
    private static void Run<TLoad, TRows>(in QuadWalk walk, ref byte quads, ref byte table, ref int folded, in Int8Requantizer requantizer,
        ref sbyte output0, ref sbyte output1) where TLoad : struct, IQuadLoad where TRows : struct, IRowCount
    {
        if (walk.Channels == 8)
            Walk<VnniStep<TLoad, TRows, PixelPair>, VnniBlock, VnniSums>(walk, ref quads, ref table, ref folded, requantizer, ref output0, ref output1);
        else
            Walk<VnniStep<TLoad, TRows, OnePixel>, VnniBlock, VnniSums>(walk, ref quads, ref table, ref folded, requantizer, ref output0, ref output1);
    }

    /// <summary>
    /// What one output row's walk steps over: <see cref="OutputWidth"/> pixels <see cref="PixelBytes"/> apart in the quads,
    /// filter columns <see cref="TapBytes"/> apart, <see cref="Groups"/> groups of four filter rows
    /// <see cref="GroupBytes"/> apart, and the arranged filter's columns of <see cref="Channels"/> quads.
    /// </summary>
    private readonly record struct QuadWalk(int OutputWidth, int PixelBytes, int TapBytes, int GroupBytes, int Groups, int FilterWidth, int Channels)
    {
        /// <summary>Bytes of one filter column of the arranged filter.</summary>
        public int TableColumn => Channels * 4;

        /// <summary>Bytes of one group (or variant) of the arranged filter.</summary>
        public int TableGroup => FilterWidth * Channels * 4;
    }

    /// <summary>
    /// The one traversal of every instruction set: blocks of <c>TStep.Channels</c> channels (a last block that does not
    /// fill them overlaps the one before: its channels are computed again and written with the same bytes), and in each
    /// <c>TStep.Units</c> units of <c>TStep.UnitPixels</c> output pixels per step, every sum in registers, the filter's
    /// groups and columns added by the step operator, then each unit requantized and stored.
    /// </summary>
    private static void Walk<TStep, TBlock, TSums>(in QuadWalk walk, ref byte quads, ref byte table, ref int folded, in Int8Requantizer requantizer,
        ref sbyte output0, ref sbyte output1)
        where TStep : struct, IQuadStep<TBlock, TSums> where TBlock : struct where TSums : struct
    {
        // The walk's numbers in locals (registers), not read through the reference in the loops.
        QuadWalk layout = walk;
        int channels = layout.Channels, units = (layout.OutputWidth + TStep.UnitPixels - 1) / TStep.UnitPixels;
        int unitBytes = TStep.UnitPixels * layout.PixelBytes, unitOutput = TStep.UnitPixels * channels;
        int groups = layout.Groups, groupBytes = layout.GroupBytes, tableGroup = layout.TableGroup, filterWidth = layout.FilterWidth;
        int tapBytes = layout.TapBytes, tableColumn = layout.TableColumn, outputWidth = layout.OutputWidth;
        for (int start = 0; start < channels; start += TStep.Channels)
        {
            int c = Math.Min(start, channels - TStep.Channels);
            TBlock block = TStep.Block(requantizer, ref folded, c);
            TSums initial = TStep.Start(block);
            ref byte x = ref Unsafe.Add(ref quads, TStep.ChannelBytes(c * 4));
            ref byte w = ref Unsafe.Add(ref table, c * 4);
            ref sbyte y0 = ref Unsafe.Add(ref output0, c), y1 = ref Unsafe.Add(ref output1, c);
            for (int u = 0; u < units; u += TStep.Units)
            {
                int valid = Math.Min(TStep.Units, units - u);
                // Past the row's last unit the last one is computed again (not stored), so every step reads inside the quads.
                ref byte x0 = ref Unsafe.Add(ref x, u * unitBytes);
                ref byte x1 = ref TStep.Units > 1 ? ref Unsafe.Add(ref x, (u + Math.Min(1, valid - 1)) * unitBytes) : ref x0;
                ref byte x2 = ref TStep.Units > 2 ? ref Unsafe.Add(ref x, (u + Math.Min(2, valid - 1)) * unitBytes) : ref x0;
                ref byte x3 = ref TStep.Units > 3 ? ref Unsafe.Add(ref x, (u + Math.Min(3, valid - 1)) * unitBytes) : ref x0;
                TSums a0 = initial, a1 = initial, a2 = initial, a3 = initial;
                for (int g = 0; g < groups; g++)
                {
                    int at = g * groupBytes;
                    ref byte wt = ref Unsafe.Add(ref w, g * tableGroup);
                    for (int fx = 0; fx < filterWidth; fx++)
                    {
                        TStep.Tap(ref a0, ref a1, ref a2, ref a3, ref Unsafe.Add(ref x0, at), ref Unsafe.Add(ref x1, at), ref Unsafe.Add(ref x2, at),
                            ref Unsafe.Add(ref x3, at), ref wt, layout);
                        at += tapBytes;
                        wt = ref Unsafe.Add(ref wt, tableColumn);
                    }
                }
                // A unit past the row's end (two-pixel units, odd width) stores its first pixel only.
                int pixel = u * TStep.UnitPixels, o = u * unitOutput;
                TStep.Store(a0, block, ref Unsafe.Add(ref y0, o), ref Unsafe.Add(ref y1, o), pixel + TStep.UnitPixels <= outputWidth);
                if (TStep.Units > 1 && valid > 1) TStep.Store(a1, block, ref Unsafe.Add(ref y0, o + unitOutput), ref Unsafe.Add(ref y1, o + unitOutput), true);
                if (TStep.Units > 2 && valid > 2) TStep.Store(a2, block, ref Unsafe.Add(ref y0, o + 2 * unitOutput), ref Unsafe.Add(ref y1, o + 2 * unitOutput), true);
                if (TStep.Units > 3 && valid > 3) TStep.Store(a3, block, ref Unsafe.Add(ref y0, o + 3 * unitOutput), ref Unsafe.Add(ref y1, o + 3 * unitOutput), true);
            }
        }
    }

    /// <summary>One instruction set's part of <see cref="Walk"/>: a block's constants, and one filter column of a step's units added, then stored.</summary>
    private interface IQuadStep<TBlock, TSums> where TBlock : struct where TSums : struct
    {
        /// <summary>Channels of a block.</summary>
        static abstract int Channels { get; }

        /// <summary>Output pixels of a unit.</summary>
        static abstract int UnitPixels { get; }

        /// <summary>Units per step (at most four).</summary>
        static abstract int Units { get; }

        /// <summary>Byte offset in a column of the quads of channel offset <paramref name="bytes"/> / 4 (none when one input channel is broadcast).</summary>
        static abstract int ChannelBytes(int bytes);

        /// <summary>The constants of the block of channels from <paramref name="c"/>: requantization and folded biases.</summary>
        static abstract TBlock Block(in Int8Requantizer requantizer, ref int folded, int c);

        /// <summary>A unit's sums before any tap.</summary>
        static abstract TSums Start(in TBlock block);

        /// <summary>Adds one filter column of four filter rows (the weights at <paramref name="w"/>) to each unit's sums (its quads at x0-x3).</summary>
        static abstract void Tap(ref TSums a0, ref TSums a1, ref TSums a2, ref TSums a3, ref byte x0, ref byte x1, ref byte x2, ref byte x3, ref byte w,
            in QuadWalk walk);

        /// <summary>Requantizes a unit and stores it (only its first pixel unless <paramref name="whole"/>).</summary>
        static abstract void Store(in TSums sums, in TBlock block, ref sbyte y0, ref sbyte y1, bool whole);
    }

    /// <summary>An AVX-VNNI unit's sums: lanes 0-7 and 8-15 of the first output row, then of the second.</summary>
    private readonly record struct VnniSums(Vector256<int> Low0, Vector256<int> High0, Vector256<int> Low1, Vector256<int> High1);

    /// <summary>An AVX-VNNI block's requantization constants and folded biases (lanes 0-7 and 8-15 of a unit).</summary>
    private readonly record struct VnniBlock(Requantization8 Low, Requantization8 High, Requantization16 Both, Vector256<int> StartLow, Vector256<int> StartHigh);

    /// <summary>
    /// AVX-VNNI: a unit of sixteen lanes, each half one 256-bit vector of eight, so a unit's sixteen output bytes are
    /// contiguous; one vpdpbusd per half and output row per filter column.
    /// </summary>
    private struct VnniStep<TLoad, TRows, TUnit> : IQuadStep<VnniBlock, VnniSums>
        where TLoad : struct, IQuadLoad where TRows : struct, IRowCount where TUnit : struct, IVnniUnit
    {
        public static int Channels { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => TUnit.PixelPairs ? 8 : 16; }

        public static int UnitPixels { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => TUnit.PixelPairs ? 2 : 1; }

        public static int Units { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 1; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int ChannelBytes(int bytes) => TLoad.ChannelBytes(bytes);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static VnniBlock Block(in Int8Requantizer requantizer, ref int folded, int c)
        {
            Requantization8 low = requantizer.Channels8(c), high = TUnit.PixelPairs ? low : requantizer.Channels8(c + 8);
            Vector256<int> startLow = Vector256.LoadUnsafe(ref folded, (nuint)c);
            return new(low, high, Avx512F.IsSupported ? Requantization.Join(low, high) : default,
                startLow, TUnit.PixelPairs ? startLow : Vector256.LoadUnsafe(ref folded, (nuint)(c + 8)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static VnniSums Start(in VnniBlock block) => new(block.StartLow, block.StartHigh, block.StartLow, block.StartHigh);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Tap(ref VnniSums a0, ref VnniSums a1, ref VnniSums a2, ref VnniSums a3, ref byte x0, ref byte x1, ref byte x2, ref byte x3,
            ref byte w, in QuadWalk walk)
        {
            // The second half of a unit: the next pixel's column (pixel pairs), else the next eight channels (none when broadcast).
            Vector256<byte> vl = TLoad.Load(ref x0), vh = TLoad.Load(ref Unsafe.Add(ref x0, TUnit.PixelPairs ? walk.PixelBytes : TLoad.ChannelBytes(32)));
            int highWeights = TUnit.PixelPairs ? 0 : 32;
            a0 = new(AvxVnni.MultiplyWideningAndAdd(a0.Low0, vl, Vector256.LoadUnsafe(ref w).AsSByte()),
                AvxVnni.MultiplyWideningAndAdd(a0.High0, vh, Vector256.LoadUnsafe(ref w, (nuint)highWeights).AsSByte()),
                TRows.Two ? AvxVnni.MultiplyWideningAndAdd(a0.Low1, vl, Vector256.LoadUnsafe(ref w, (nuint)walk.TableGroup).AsSByte()) : a0.Low1,
                TRows.Two ? AvxVnni.MultiplyWideningAndAdd(a0.High1, vh, Vector256.LoadUnsafe(ref w, (nuint)(walk.TableGroup + highWeights)).AsSByte()) : a0.High1);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(in VnniSums sums, in VnniBlock block, ref sbyte y0, ref sbyte y1, bool whole)
        {
            StoreUnit(sums.Low0, sums.High0, block.Low, block.High, block.Both, ref y0, whole);
            if (TRows.Two) StoreUnit(sums.Low1, sums.High1, block.Low, block.High, block.Both, ref y1, whole);
        }
    }

    /// <summary>What an AVX-VNNI unit's sixteen lanes hold: one pixel's sixteen channels, or two pixels' eight.</summary>
    private interface IVnniUnit
    {
        static abstract bool PixelPairs { get; }
    }

    private struct OnePixel : IVnniUnit
    {
        public static bool PixelPairs => false;
    }

    private struct PixelPair : IVnniUnit
    {
        public static bool PixelPairs => true;
    }

    /// <summary>Requantizes a unit's sixteen lanes and stores them in lane order (only the first eight unless <paramref name="whole"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreUnit(Vector256<int> lowSums, Vector256<int> highSums, in Requantization8 low, in Requantization8 high,
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

    /// <summary>How a lane's quad is read: each channel its own (multiplier one, or quads expanded to the output channels), or one input channel's quad for every lane.</summary>
    private interface IQuadLoad
    {
        static abstract Vector256<byte> Load(ref byte at);

        /// <summary>Four lanes' quads (Arm64).</summary>
        static abstract Vector128<sbyte> Load128(ref byte at);

        /// <summary>Byte offset in a column of the quads of channel offset <paramref name="bytes"/> / 4 (none when broadcast).</summary>
        static abstract int ChannelBytes(int bytes);
    }

    private struct DirectLoad : IQuadLoad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Load(ref byte at) => Vector256.LoadUnsafe(ref at);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<sbyte> Load128(ref byte at) => Vector128.LoadUnsafe(ref at).AsSByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int ChannelBytes(int bytes) => bytes;
    }

    private struct BroadcastLoad : IQuadLoad
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Load(ref byte at) => Vector256.Create(Unsafe.ReadUnaligned<int>(ref at)).AsByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<sbyte> Load128(ref byte at) => Vector128.Create(Unsafe.ReadUnaligned<int>(ref at)).AsSByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
