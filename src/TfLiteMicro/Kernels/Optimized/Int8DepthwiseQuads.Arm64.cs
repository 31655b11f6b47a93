using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The Arm64 form of the quad kernel: a depth multiplier above one (the interleaved quads expanded once per output row
/// from input to output channels, <see cref="Expand"/>, so that output channel c reads its own quad) or one input
/// channel (its quad taken for every lane), eight output channels or more; and, with the dot product, a multiplier of
/// one with sixteen channels or more (each channel its own quad). Filters of any height (groups of four rows, one
/// interleave each). Blocks of channels, four output pixels per step,
/// every sum in registers, through the shared <see cref="Walk"/>:
/// <list type="bullet">
/// <item>ArmDot (sixteen channels or more): blocks of sixteen, one SDOT per four channels and filter column adds their
/// four rows.</item>
/// <item>Otherwise (no dot product, or eight to fifteen channels): blocks of eight; per four channels, SMULL and SMULL2
/// give the sixteen byte products as exact 16-bit values and SADALP adds their pairs into 32-bit lanes (rows 0-1 and 2-3
/// of each channel in neighbouring lanes), added pairwise (ADDP) before the requantization.</item>
/// </list>
/// The activations are used as they are (signed), with inputOffset * (sum of a channel's taps) folded into its bias;
/// the padding, written as the zero point, adds w * zp + w * offset = 0.
/// </summary>
internal static partial class Int8DepthwiseQuads
{
    /// <summary>Bytes the expansion may write past the last column (and read past the interleaved quads).</summary>
    public const int ExpandSlack = 16;

    /// <summary>
    /// Whether the Arm64 form takes <paramref name="channels"/> outputs from <paramref name="inputDepth"/> input channels at
    /// <paramref name="level"/>: a multiplier above one or one input channel, eight outputs or more; or, with the dot
    /// product, a multiplier of one and sixteen channels or more (below that, or without it, the row kernel takes those).
    /// </summary>
    public static bool ArmApplies(SimdLevel level, int inputDepth, int channels, int filterHeight, int filterWidth)
        => AdvSimd.Arm64.IsSupported && (level == SimdLevel.Vector128 || (level == SimdLevel.ArmDot && Dp.IsSupported))
           && inputDepth > 0 && channels % inputDepth == 0 && channels >= 8 && filterHeight >= 1 && filterWidth >= 1
           && (channels != inputDepth || (level == SimdLevel.ArmDot && channels >= 16));

    /// <summary>
    /// The expansion of quads from input to output channels: for each group g of four output channels, the byte offset
    /// of the first input channel's quad in a column (<paramref name="sources"/>[g]) and the sixteen lanes picking the
    /// four channels' quads from the sixteen bytes there (<paramref name="patterns"/>[16g..]); lanes of channels past the
    /// last repeat it.
    /// </summary>
    public static void ExpandPatterns(int channels, int multiplier, Span<byte> patterns, Span<int> sources)
    {
        int groups = (channels + 3) / 4;
        if (multiplier < 1 || channels < 1 || patterns.Length < groups * 16 || sources.Length < groups) throw new ArgumentException("expansion operands do not match");
        for (int g = 0; g < groups; g++)
        {
            int first = 4 * g / multiplier;
            sources[g] = first * 4;
            for (int j = 0; j < 16; j++)
                patterns[16 * g + j] = (byte)((Math.Min(4 * g + j / 4, channels - 1) / multiplier - first) * 4 + j % 4);
        }
    }

    /// <summary>
    /// destination[column][k] = quads[column][k / multiplier] (four-byte quads; <paramref name="channels"/> of them per
    /// destination column, <paramref name="inputDepth"/> per source column) for <paramref name="columns"/> columns, by one
    /// table lookup per four output channels. Both spans have <see cref="ExpandSlack"/> bytes beyond their columns: the
    /// last group of a column may write into the next (rewritten afterwards: the groups go last to first) or past the end.
    /// </summary>
    public static void Expand(ReadOnlySpan<byte> quads, int columns, int inputDepth, int channels, ReadOnlySpan<byte> patterns, ReadOnlySpan<int> sources,
        Span<byte> destination)
    {
        int groups = (channels + 3) / 4;
        if (columns < 0 || inputDepth < 1 || channels < 8 || patterns.Length < groups * 16 || sources.Length < groups
            || quads.Length < (long)columns * inputDepth * 4 + ExpandSlack || destination.Length < (long)columns * channels * 4 + ExpandSlack)
            throw new ArgumentException("expansion operands do not match");
        for (int g = 0; g < groups; g++)
            if ((uint)sources[g] > (uint)(inputDepth - 1) * 4) throw new ArgumentException("expansion operands do not match");
        ref byte source = ref MemoryMarshal.GetReference(quads);
        ref byte target = ref MemoryMarshal.GetReference(destination);
        int sourceColumn = inputDepth * 4, targetColumn = channels * 4;
        for (int g = groups - 1; g >= 0; g--)
        {
            Vector128<byte> lanes = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(patterns), (nuint)(16 * g));
            ref byte from = ref Unsafe.Add(ref source, sources[g]);
            ref byte to = ref Unsafe.Add(ref target, 16 * g);
            for (int column = 0; column < columns; column++)
                ByteLookup.Shuffle(Vector128.LoadUnsafe(ref from, (nuint)(column * sourceColumn)), lanes).StoreUnsafe(ref to, (nuint)(column * targetColumn));
        }
    }

    /// <summary>
    /// One output row from interleaved quads (<paramref name="groups"/> groups of four filter rows,
    /// <paramref name="groupBytes"/> apart; one quad per column when <paramref name="broadcast"/>, else one per output
    /// channel: a multiplier of one, or quads expanded), every channel (Arm64). The caller's Prepare has checked that each group holds <see cref="Columns"/>
    /// columns and the table <see cref="TableBytes"/> bytes.
    /// </summary>
    public static void RunArm(SimdLevel level, ref byte quads, int outputWidth, int strideWidth, int dilationWidth, int filterWidth, int groups, int groupBytes,
        bool broadcast, int channels, ref byte table, ref int folded, in Int8Requantizer requantizer, ref sbyte output)
    {
        int columnBytes = broadcast ? 4 : channels * 4;
        var walk = new QuadWalk(outputWidth, strideWidth * columnBytes, dilationWidth * columnBytes, groupBytes, groups, filterWidth, channels);
        bool dot = level == SimdLevel.ArmDot && Dp.IsSupported && channels >= 16;
        if (broadcast)
        {
            if (dot) Walk<ArmStep<BroadcastLoad, DotLanes>, ArmBlock, ChannelSums16>(walk, ref quads, ref table, ref folded, requantizer, ref output, ref output);
            else Walk<ArmStep<BroadcastLoad, WideningLanes>, ArmBlock, ChannelSums16>(walk, ref quads, ref table, ref folded, requantizer, ref output, ref output);
        }
        else if (dot) Walk<ArmStep<DirectLoad, DotLanes>, ArmBlock, ChannelSums16>(walk, ref quads, ref table, ref folded, requantizer, ref output, ref output);
        else Walk<ArmStep<DirectLoad, WideningLanes>, ArmBlock, ChannelSums16>(walk, ref quads, ref table, ref folded, requantizer, ref output, ref output);
    }

    /// <summary>An Arm64 block's requantization constants (made once per block) and its pixels' sums before any tap.</summary>
    private readonly record struct ArmBlock(Requantization4x4 Requantization, ChannelSums16 Start);

    /// <summary>A filter column's arranged weights for a block: four vectors of four channels' quads (the last two unused by eight-channel blocks).</summary>
    private readonly record struct ArmWeights(Vector128<sbyte> W0, Vector128<sbyte> W1, Vector128<sbyte> W2, Vector128<sbyte> W3);

    /// <summary>The Arm64 step: four output pixels of one block, each added by the instruction set's <typeparamref name="TLanes"/>.</summary>
    private struct ArmStep<TLoad, TLanes> : IQuadStep<ArmBlock, ChannelSums16> where TLoad : struct, IQuadLoad where TLanes : struct, IArmLanes
    {
        public static int Channels { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => TLanes.Channels; }

        public static int UnitPixels { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 1; }

        public static int Units { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 4; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static int ChannelBytes(int bytes) => TLoad.ChannelBytes(bytes);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ArmBlock Block(in Int8Requantizer requantizer, ref int folded, int c)
            => new(Requantization4x4.Of(requantizer, c, TLanes.Channels), TLanes.Start(ref Unsafe.Add(ref folded, c)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ChannelSums16 Start(in ArmBlock block) => block.Start;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Tap(ref ChannelSums16 a0, ref ChannelSums16 a1, ref ChannelSums16 a2, ref ChannelSums16 a3, ref byte x0, ref byte x1, ref byte x2,
            ref byte x3, ref byte w, in QuadWalk walk)
        {
            var weights = new ArmWeights(Vector128.LoadUnsafe(ref w).AsSByte(), Vector128.LoadUnsafe(ref w, 16).AsSByte(),
                TLanes.Channels > 8 ? Vector128.LoadUnsafe(ref w, 32).AsSByte() : default, TLanes.Channels > 8 ? Vector128.LoadUnsafe(ref w, 48).AsSByte() : default);
            a0 = TLanes.Add<TLoad>(a0, ref x0, weights);
            a1 = TLanes.Add<TLoad>(a1, ref x1, weights);
            a2 = TLanes.Add<TLoad>(a2, ref x2, weights);
            a3 = TLanes.Add<TLoad>(a3, ref x3, weights);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(in ChannelSums16 sums, in ArmBlock block, ref sbyte y0, ref sbyte y1, bool whole) => TLanes.Store(sums, block.Requantization, ref y0);
    }

    /// <summary>How one Arm64 instruction set adds a pixel's filter column to a block's lanes, and how the lanes start and are stored.</summary>
    private interface IArmLanes
    {
        /// <summary>Channels of a block.</summary>
        static abstract int Channels { get; }

        /// <summary>A pixel's lanes before any tap, from the block's folded biases.</summary>
        static abstract ChannelSums16 Start(ref int folded);

        /// <summary>Adds the products of the pixel's quads (at <paramref name="x"/>) and the column's weights.</summary>
        static abstract ChannelSums16 Add<TLoad>(ChannelSums16 a, ref byte x, in ArmWeights w) where TLoad : struct, IQuadLoad;

        /// <summary>Requantizes the block's channels and stores them.</summary>
        static abstract void Store(in ChannelSums16 sums, in Requantization4x4 requantization, ref sbyte destination);
    }

    /// <summary>SDOT: sixteen channels, each lane one channel's four rows of a filter column.</summary>
    private struct DotLanes : IArmLanes
    {
        public static int Channels { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 16; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ChannelSums16 Start(ref int folded) => ChannelSums16.Load(ref folded, 16);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ChannelSums16 Add<TLoad>(ChannelSums16 a, ref byte x, in ArmWeights w) where TLoad : struct, IQuadLoad
        {
            if (TLoad.ChannelBytes(16) == 0)
            {
                // One input channel: its quad taken by element (SDOT by element), not broadcast to every lane first.
                Vector128<sbyte> q = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<int>(ref x)).AsSByte();
                return new(Dp.DotProductBySelectedQuadruplet(a.C0, w.W0, q, 0), Dp.DotProductBySelectedQuadruplet(a.C1, w.W1, q, 0),
                    Dp.DotProductBySelectedQuadruplet(a.C2, w.W2, q, 0), Dp.DotProductBySelectedQuadruplet(a.C3, w.W3, q, 0));
            }
            return new(Dp.DotProduct(a.C0, TLoad.Load128(ref x), w.W0), Dp.DotProduct(a.C1, TLoad.Load128(ref Unsafe.Add(ref x, 16)), w.W1),
                Dp.DotProduct(a.C2, TLoad.Load128(ref Unsafe.Add(ref x, 32)), w.W2), Dp.DotProduct(a.C3, TLoad.Load128(ref Unsafe.Add(ref x, 48)), w.W3));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(in ChannelSums16 sums, in Requantization4x4 requantization, ref sbyte destination) => sums.Store(requantization, ref destination, 16);
    }

    /// <summary>
    /// Without the dot product: eight channels, C0-C3 each two channels' pair sums (rows 0-1 and 2-3 of channel 2k in
    /// lanes 0 and 1, of channel 2k + 1 in lanes 2 and 3), so the folded biases start in the even lanes.
    /// </summary>
    private struct WideningLanes : IArmLanes
    {
        public static int Channels { [MethodImpl(MethodImplOptions.AggressiveInlining)] get => 8; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ChannelSums16 Start(ref int folded)
        {
            Vector128<int> low = Vector128.LoadUnsafe(ref folded), high = Vector128.LoadUnsafe(ref folded, 4);
            return new(AdvSimd.Arm64.ZipLow(low, Vector128<int>.Zero), AdvSimd.Arm64.ZipHigh(low, Vector128<int>.Zero),
                AdvSimd.Arm64.ZipLow(high, Vector128<int>.Zero), AdvSimd.Arm64.ZipHigh(high, Vector128<int>.Zero));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ChannelSums16 Add<TLoad>(ChannelSums16 a, ref byte x, in ArmWeights w) where TLoad : struct, IQuadLoad
        {
            Vector128<sbyte> v0 = TLoad.Load128(ref x), v1 = TLoad.Load128(ref Unsafe.Add(ref x, TLoad.ChannelBytes(16)));
            return new(AdvSimd.AddPairwiseWideningAndAdd(a.C0, AdvSimd.MultiplyWideningLower(v0.GetLower(), w.W0.GetLower())),
                AdvSimd.AddPairwiseWideningAndAdd(a.C1, AdvSimd.MultiplyWideningUpper(v0, w.W0)),
                AdvSimd.AddPairwiseWideningAndAdd(a.C2, AdvSimd.MultiplyWideningLower(v1.GetLower(), w.W1.GetLower())),
                AdvSimd.AddPairwiseWideningAndAdd(a.C3, AdvSimd.MultiplyWideningUpper(v1, w.W1)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(in ChannelSums16 sums, in Requantization4x4 requantization, ref sbyte destination)
            => Int8Requantizer.Store8(AdvSimd.Arm64.AddPairwise(sums.C0, sums.C1), AdvSimd.Arm64.AddPairwise(sums.C2, sums.C3),
                requantization.R0, requantization.R1, ref destination);
    }
}
