using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The row micro-kernel of the optimized int8 DEPTHWISE_CONV_2D with a depth multiplier of one (AVX2). Each output row
/// first copies the filter's input rows into a small buffer with the padding written as the input zero point, so that
/// every window is whole and the edges need no separate loop: a padded value x = -inputOffset adds w * (x + inputOffset)
/// = 0, exactly what the reference's skipped tap adds. Then four units of sixteen lanes per step (a unit is one pixel's
/// sixteen channels, or two pixels' eight channels when the layer has eight), all sums in registers. Two horizontally
/// adjacent taps share one 16-bit multiply-add: their sign-extended inputs are interleaved (within 128-bit halves, so
/// one vector holds lanes 0-3 and 8-11 of the unit, the other 4-7 and 12-15) against weights arranged in the same order
/// (<see cref="Arrange"/>), with inputOffset * (sum of a channel's taps) folded into its bias. The requantization
/// constants are made per block in that lane order, so packing the two vectors gives the bytes in order with no permute.
/// </summary>
internal static partial class Int8DepthwiseRows
{
    /// <summary>Units of sixteen lanes per step.</summary>
    public const int BlockUnits = 4;

    /// <summary>
    /// Whether the kernel takes <paramref name="channels"/> output channels from <paramref name="inputDepth"/> input channels:
    /// eight (two pixels per unit) or a multiple of sixteen with a multiplier of one, or eight from one input channel;
    /// on Arm64, eight or more with a multiplier of one.
    /// </summary>
    public static bool Applies(SimdLevel level, int inputDepth, int channels)
        => (level >= SimdLevel.Avx2 && Avx2.IsSupported && (inputDepth == channels ? channels == 8 || channels % 16 == 0 : inputDepth == 1 && channels == 8))
           || ArmApplies(level, inputDepth, channels);

    /// <summary>16-bit weights of the arranged filter (<see cref="Arrange"/>).</summary>
    public static long TableValues(int filterHeight, int filterWidth, int channels) => AdvSimd.Arm64.IsSupported ? ArmTableValues(filterHeight, filterWidth, channels) : (long)filterHeight * ((filterWidth + 1) / 2) * Math.Max(channels, 16) * 2;

    /// <summary>Columns of one padded input row: every window of an output row, and a pixel of slack for the two-pixel units.</summary>
    public static long PaddedColumns(int outputWidth, int strideWidth, int filterWidth, int dilationWidth)
        => (outputWidth - 1L) * strideWidth + (filterWidth - 1L) * dilationWidth + 1 + strideWidth;

    /// <summary>
    /// The filter ([height, width, channels]) as 16-bit pairs of horizontally adjacent taps, [fy][pair][block][32] in the
    /// lane order of the 16-bit interleave, and the folded biases bias[c] + inputOffset * (sum of channel c's taps).
    /// </summary>
    public static void Arrange(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, int inputOffset, int filterHeight, int filterWidth, int channels,
        Span<short> table, Span<int> folded)
    {
        if (AdvSimd.Arm64.IsSupported) { ArrangeArm(weights, bias, inputOffset, filterHeight, filterWidth, channels, table, folded); return; }
        int pairs = (filterWidth + 1) / 2, blocks = Math.Max(channels / 16, 1), taps = filterHeight * filterWidth;
        if (!(channels == 8 || channels % 16 == 0) || weights.Length < taps * channels || table.Length < TableValues(filterHeight, filterWidth, channels)
            || folded.Length < channels || (!bias.IsEmpty && bias.Length < channels))
            throw new ArgumentException("depthwise operands do not match");
        ref sbyte w = ref MemoryMarshal.GetReference(weights);
        ref short t = ref MemoryMarshal.GetReference(table);
        // The weights go through the same sign extension and interleave as the inputs, so their lanes match.
        for (int fy = 0; fy < filterHeight; fy++)
            for (int p = 0; p < pairs; p++)
                for (int k = 0; k < blocks; k++)
                {
                    int first = (fy * filterWidth + 2 * p) * channels + k * 16;
                    Vector256<short> a = Taps(ref Unsafe.Add(ref w, first), channels);
                    Vector256<short> b = 2 * p + 1 < filterWidth ? Taps(ref Unsafe.Add(ref w, first + channels), channels) : Vector256<short>.Zero;
                    ref short at = ref Unsafe.Add(ref t, ((fy * pairs + p) * blocks + k) * 32);
                    Avx2.UnpackLow(a, b).StoreUnsafe(ref at);
                    Avx2.UnpackHigh(a, b).StoreUnsafe(ref at, 16);
                }
        for (int c = 0; c < channels; c += 8)
        {
            Vector256<int> sum = Vector256<int>.Zero;
            for (int tap = 0; tap < taps; tap++)
                sum += Avx2.ConvertToVector256Int32(Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref w, tap * channels + c)))).AsSByte());
            Vector256<int> start = bias.IsEmpty ? Vector256<int>.Zero : Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(bias), (nuint)c);
            (start + sum * Vector256.Create(inputOffset)).StoreUnsafe(ref MemoryMarshal.GetReference(folded), (nuint)c);
        }
    }

    /// <summary>Sixteen weights of one tap sign-extended: sixteen channels, or eight channels twice (two pixels per unit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Taps(ref sbyte w, int channels)
    {
        if (channels != 8) return Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w));
        long eight = Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref w));
        return Avx2.ConvertToVector256Int16(Vector128.Create(eight, eight).AsSByte());
    }

    /// <summary>
    /// Copies input row <paramref name="sourceRow"/> (or, when null, nothing) into one padded row of
    /// <paramref name="columns"/> pixels starting at input column -<paramref name="padWidth"/>, the rest the zero point.
    /// </summary>
    public static void PadRow(ReadOnlySpan<sbyte> sourceRow, int channels, int padWidth, long columns, sbyte zeroPoint, Span<sbyte> destination)
    {
        int width = sourceRow.Length / Math.Max(channels, 1);
        long before = Math.Min(padWidth, columns), inside = Math.Max(0, Math.Min(width, columns - padWidth));
        if (sourceRow.IsEmpty) inside = 0;
        destination.Slice(0, (int)(before * channels)).Fill(zeroPoint);
        sourceRow.Slice(0, (int)(inside * channels)).CopyTo(destination.Slice((int)(before * channels)));
        destination.Slice((int)((before + inside) * channels), (int)((columns - before - inside) * channels)).Fill(zeroPoint);
    }

    /// <summary>
    /// Output pixels [0, count) of one row from padded rows (pixel i's window at <c>rows + i * pixelStep</c>, filter
    /// rows <paramref name="rowStep"/> apart), every channel; pixel i's channels go to <c>output + i * channels</c>.
    /// <paramref name="broadcast"/>: one input channel feeds the eight outputs.
    /// </summary>
    public static void Run(ref sbyte rows, int count, int pixelStep, int tapStep, int rowStep, int filterHeight, int filterWidth, int channels,
        bool broadcast, ref short table, ref int folded, in Int8Requantizer requantizer, ref sbyte output)
    {
        if (AdvSimd.Arm64.IsSupported && !broadcast) { RunArm(ref rows, count, pixelStep, tapStep, rowStep, filterHeight, filterWidth, channels, ref table, ref folded, requantizer, ref output); return; }
        if (broadcast) Run<BroadcastPixels>(ref rows, count, pixelStep, tapStep, rowStep, filterHeight, filterWidth, channels, ref table, ref folded, requantizer, ref output);
        else if (channels == 8) Run<TwoPixels>(ref rows, count, pixelStep, tapStep, rowStep, filterHeight, filterWidth, channels, ref table, ref folded, requantizer, ref output);
        else Run<OnePixel>(ref rows, count, pixelStep, tapStep, rowStep, filterHeight, filterWidth, channels, ref table, ref folded, requantizer, ref output);
    }

    private static void Run<TUnit>(ref sbyte rows, int count, int pixelStep, int tapStep, int rowStep, int filterHeight, int filterWidth, int channels,
        ref short table, ref int folded, in Int8Requantizer requantizer, ref sbyte output) where TUnit : struct, IUnit
    {
        int pairs = (filterWidth + 1) / 2, full = filterWidth / 2, blocks = Math.Max(channels / 16, 1);
        int units = (count + TUnit.Pixels - 1) / TUnit.Pixels;
        for (int block = 0; block < blocks; block++)
        {
            int c = block * 16;
            Requantization8 first = requantizer.Channels8(c), second = TUnit.Pixels == 2 ? first : requantizer.Channels8(c + 8);
            Requantization8 low = Interleave(first, second, upper: false), high = Interleave(first, second, upper: true);
            Requantization16 both = Avx512F.IsSupported ? Requantization.Join(low, high) : default;
            Vector256<int> biasA = Vector256.LoadUnsafe(ref folded, (nuint)c);
            Vector256<int> biasB = TUnit.Pixels == 2 ? biasA : Vector256.LoadUnsafe(ref folded, (nuint)(c + 8));
            Vector256<int> startLow = Half(biasA, biasB, upper: false), startHigh = Half(biasA, biasB, upper: true);
            ref sbyte rowsBlock = ref Unsafe.Add(ref rows, c);
            ref sbyte outBlock = ref Unsafe.Add(ref output, c);
            int unitStep = TUnit.Pixels * pixelStep;
            for (int u = 0; u < units; u += BlockUnits)
            {
                int valid = Math.Min(BlockUnits, units - u);
                // Past the row's last unit the last one is computed again (not stored), so every step reads inside the rows.
                ref sbyte x0 = ref Unsafe.Add(ref rowsBlock, u * unitStep);
                ref sbyte x1 = ref Unsafe.Add(ref rowsBlock, (u + Math.Min(1, valid - 1)) * unitStep);
                ref sbyte x2 = ref Unsafe.Add(ref rowsBlock, (u + Math.Min(2, valid - 1)) * unitStep);
                ref sbyte x3 = ref Unsafe.Add(ref rowsBlock, (u + Math.Min(3, valid - 1)) * unitStep);
                Vector256<int> l0 = startLow, h0 = startHigh, l1 = startLow, h1 = startHigh;
                Vector256<int> l2 = startLow, h2 = startHigh, l3 = startLow, h3 = startHigh;
                for (int fy = 0; fy < filterHeight; fy++)
                {
                    int rowAt = fy * rowStep;
                    ref short wRow = ref Unsafe.Add(ref table, (fy * pairs * blocks + block) * 32);
                    for (int q = 0; q < pairs; q++)
                    {
                        ref short wp = ref Unsafe.Add(ref wRow, q * blocks * 32);
                        Vector256<short> wLow = Vector256.LoadUnsafe(ref wp), wHigh = Vector256.LoadUnsafe(ref wp, 16);
                        int at = rowAt + 2 * q * tapStep;
                        if (q < full)
                        {
                            TapPair<TUnit>(ref l0, ref h0, ref Unsafe.Add(ref x0, at), tapStep, pixelStep, wLow, wHigh);
                            TapPair<TUnit>(ref l1, ref h1, ref Unsafe.Add(ref x1, at), tapStep, pixelStep, wLow, wHigh);
                            TapPair<TUnit>(ref l2, ref h2, ref Unsafe.Add(ref x2, at), tapStep, pixelStep, wLow, wHigh);
                            TapPair<TUnit>(ref l3, ref h3, ref Unsafe.Add(ref x3, at), tapStep, pixelStep, wLow, wHigh);
                        }
                        else
                        {
                            LastTap<TUnit>(ref l0, ref h0, ref Unsafe.Add(ref x0, at), pixelStep, wLow, wHigh);
                            LastTap<TUnit>(ref l1, ref h1, ref Unsafe.Add(ref x1, at), pixelStep, wLow, wHigh);
                            LastTap<TUnit>(ref l2, ref h2, ref Unsafe.Add(ref x2, at), pixelStep, wLow, wHigh);
                            LastTap<TUnit>(ref l3, ref h3, ref Unsafe.Add(ref x3, at), pixelStep, wLow, wHigh);
                        }
                    }
                }
                int pixel = u * TUnit.Pixels;
                TUnit.Store(l0, h0, low, high, both, ref outBlock, pixel, count, channels);
                if (valid > 1) TUnit.Store(l1, h1, low, high, both, ref outBlock, pixel + TUnit.Pixels, count, channels);
                if (valid > 2) TUnit.Store(l2, h2, low, high, both, ref outBlock, pixel + 2 * TUnit.Pixels, count, channels);
                if (valid > 3) TUnit.Store(l3, h3, low, high, both, ref outBlock, pixel + 3 * TUnit.Pixels, count, channels);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TapPair<TUnit>(ref Vector256<int> low, ref Vector256<int> high, ref sbyte x, int tapStep, int pixelStep,
        Vector256<short> wLow, Vector256<short> wHigh) where TUnit : struct, IUnit
    {
        if (TUnit.AdjacentTapsLoad && tapStep == 1)
        {
            // Both taps are adjacent bytes: one load gives the interleaved pairs.
            Vector256<short> pairs = TUnit.LoadAdjacentTaps(ref x, pixelStep);
            low += Avx2.MultiplyAddAdjacent(pairs, wLow);
            high += Avx2.MultiplyAddAdjacent(pairs, wHigh);
            return;
        }
        Vector256<short> a = TUnit.Load(ref x, pixelStep), b = TUnit.Load(ref Unsafe.Add(ref x, tapStep), pixelStep);
        low += Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(a, b), wLow);
        high += Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(a, b), wHigh);
    }

    /// <summary>The last tap of an odd filter width (its pair's second weight is zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LastTap<TUnit>(ref Vector256<int> low, ref Vector256<int> high, ref sbyte x, int pixelStep,
        Vector256<short> wLow, Vector256<short> wHigh) where TUnit : struct, IUnit
    {
        Vector256<short> a = TUnit.Load(ref x, pixelStep);
        low += Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(a, Vector256<short>.Zero), wLow);
        high += Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(a, Vector256<short>.Zero), wHigh);
    }

    /// <summary>What sixteen lanes hold: one pixel's sixteen channels or two pixels' eight.</summary>
    private interface IUnit
    {
        static abstract int Pixels { get; }

        /// <summary>Sixteen input values of one tap, sign-extended.</summary>
        static abstract Vector256<short> Load(ref sbyte x, int pixelStep);

        /// <summary>Whether <see cref="LoadAdjacentTaps"/> applies (one input channel).</summary>
        static abstract bool AdjacentTapsLoad { get; }

        /// <summary>The interleaved inputs of two taps one byte apart, as <see cref="Load"/> and the unpacks would give them.</summary>
        static abstract Vector256<short> LoadAdjacentTaps(ref sbyte x, int pixelStep);

        /// <summary>Requantizes the unit whose first pixel is <paramref name="pixel"/> and stores its pixels below <paramref name="count"/>.</summary>
        static abstract void Store(Vector256<int> lowSums, Vector256<int> highSums, in Requantization8 low, in Requantization8 high,
            in Requantization16 both, ref sbyte output, int pixel, int count, int channels);
    }

    private struct OnePixel : IUnit
    {
        public static bool AdjacentTapsLoad => false;

        public static Vector256<short> LoadAdjacentTaps(ref sbyte x, int pixelStep) => throw new NotSupportedException();

        public static int Pixels => 1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<short> Load(ref sbyte x, int pixelStep) => Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<int> lowSums, Vector256<int> highSums, in Requantization8 low, in Requantization8 high,
            in Requantization16 both, ref sbyte output, int pixel, int count, int channels)
            => Pack(lowSums, highSums, low, high, both).StoreUnsafe(ref Unsafe.Add(ref output, pixel * channels));
    }

    private struct TwoPixels : IUnit
    {
        public static bool AdjacentTapsLoad => false;

        public static Vector256<short> LoadAdjacentTaps(ref sbyte x, int pixelStep) => throw new NotSupportedException();

        public static int Pixels => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<short> Load(ref sbyte x, int pixelStep)
            => Avx2.ConvertToVector256Int16(Vector128.Create(Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref x)),
                Unsafe.ReadUnaligned<long>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref x, pixelStep)))).AsSByte());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<int> lowSums, Vector256<int> highSums, in Requantization8 low, in Requantization8 high,
            in Requantization16 both, ref sbyte output, int pixel, int count, int channels)
        {
            Vector128<sbyte> bytes = Pack(lowSums, highSums, low, high, both);
            ref sbyte destination = ref Unsafe.Add(ref output, pixel * 8);
            if (pixel + 1 < count) bytes.StoreUnsafe(ref destination);
            else Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref destination), bytes.AsInt64().ToScalar());
        }
    }

    /// <summary>Two pixels' eight channels from one input channel: each pixel's value in its eight lanes.</summary>
    private struct BroadcastPixels : IUnit
    {
        public static bool AdjacentTapsLoad => true;

        /// <summary>Each pixel's two bytes broadcast as a 16-bit word, then sign-extended: (x0, x1) in every 32-bit lane of its half.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<short> LoadAdjacentTaps(ref sbyte x, int pixelStep)
            => Vector256.Create(
                Sse41.ConvertToVector128Int16(Vector128.Create(Unsafe.ReadUnaligned<short>(ref Unsafe.As<sbyte, byte>(ref x))).AsSByte()),
                Sse41.ConvertToVector128Int16(Vector128.Create(Unsafe.ReadUnaligned<short>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref x, pixelStep)))).AsSByte()));

        public static int Pixels => 2;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<short> Load(ref sbyte x, int pixelStep)
            => Vector256.Create(Vector128.Create((short)x), Vector128.Create((short)Unsafe.Add(ref x, pixelStep)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Store(Vector256<int> lowSums, Vector256<int> highSums, in Requantization8 low, in Requantization8 high,
            in Requantization16 both, ref sbyte output, int pixel, int count, int channels)
            => TwoPixels.Store(lowSums, highSums, low, high, both, ref output, pixel, count, channels);
    }

    /// <summary>Requantizes sixteen lanes: packing lanes 0-3, 8-11 with 4-7, 12-15 gives them in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Pack(Vector256<int> lowSums, Vector256<int> highSums, in Requantization8 low, in Requantization8 high,
        in Requantization16 both)
    {
        // AVX-512: all sixteen lanes at once in their order (0-3, 8-11, 4-7, 12-15), then the four-byte groups put in order.
        if (Avx512F.IsSupported)
            return Sse2.Shuffle(Int8Requantizer.Apply16(lowSums, highSums, both).AsInt32(), 0b11_01_10_00).AsSByte();
        Vector256<short> words = Avx2.PackSignedSaturate(Int8Requantizer.Apply(lowSums, low), Int8Requantizer.Apply(highSums, high));
        return Sse2.PackSignedSaturate(words.GetLower(), words.GetUpper());
    }

    /// <summary>The constants of lanes 0-3 and 8-11 (or, <paramref name="upper"/>, 4-7 and 12-15) from those of channels a and b.</summary>
    private static Requantization8 Interleave(in Requantization8 a, in Requantization8 b, bool upper) => new(
        Half(a.Multiplier, b.Multiplier, upper), Half(a.MultiplierOdd, b.MultiplierOdd, upper), Half(a.Left, b.Left, upper),
        Half(a.Right, b.Right, upper), Half(a.Mask, b.Mask, upper), Half(a.HalfMask, b.HalfMask, upper), a.OutputOffset, a.Min, a.Max);

    /// <summary>
    /// Lanes 0-3 of a and of b (or 4-7 of each): for sixteen channels a holds 0-7 and b 8-15; for eight, a and b are the
    /// same eight, so each half of the result holds the same four channels (one per pixel).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Half(Vector256<int> a, Vector256<int> b, bool upper)
        => upper ? Avx2.Permute2x128(a, b, 0x31) : Avx2.Permute2x128(a, b, 0x20);
}
