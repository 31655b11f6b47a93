using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The interior micro-kernel of the optimized int8 DEPTHWISE_CONV_2D (depth multiplier one, AVX2): a run of output
/// pixels of one row whose windows lie wholly inside the input, <see cref="BlockPixels"/> pixels times sixteen channels
/// per step with all 64 sums in registers. Two horizontally adjacent taps share one 16-bit multiply-add: their sign-
/// extended inputs are interleaved (the interleave works within 128-bit halves, so one vector holds channels 0-3 and
/// 8-11, the other 4-7 and 12-15), against weights arranged in the same order with inputOffset * (sum of a channel's
/// taps) folded into its bias (see DepthwiseConv2D's BuildInteriorPairs). The requantization constants are made once
/// per block of channels in that order, so that packing the two vectors gives the channels in order with no permute.
/// Windows that reach into the padding stay with the kernel's per-pixel loop.
/// </summary>
internal static class Int8DepthwiseInterior
{
    /// <summary>Output pixels per step.</summary>
    public const int BlockPixels = 4;

    /// <summary>
    /// Output pixels [0, count) of one row, pixel i's window starting at <c>x + i * pixelStep</c>, every block of sixteen
    /// channels; pixel i's sixteen bytes of block k go to <c>output + i * channels + 16 k</c>. The caller has proven
    /// every window inside the input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ref sbyte x, int count, int pixelStep, int tapStep, int rowStep, int filterHeight, int filterWidth, int blocks,
        ref short table, ref int folded, in Int8Requantizer requantizer, ref sbyte output, int channels)
    {
        int pairs = (filterWidth + 1) / 2, full = filterWidth / 2;
        for (int block = 0; block < blocks; block++)
        {
            int c = block * 16;
            Requantization8 low = Interleave(requantizer.Channels8(c), requantizer.Channels8(c + 8), upper: false);
            Requantization8 high = Interleave(requantizer.Channels8(c), requantizer.Channels8(c + 8), upper: true);
            Vector256<int> biasA = Vector256.LoadUnsafe(ref folded, (nuint)c), biasB = Vector256.LoadUnsafe(ref folded, (nuint)(c + 8));
            Vector256<int> startLow = Half(biasA, biasB, upper: false), startHigh = Half(biasA, biasB, upper: true);
            ref sbyte xBlock = ref Unsafe.Add(ref x, c);
            ref sbyte outBlock = ref Unsafe.Add(ref output, c);
            for (int p = 0; p < count; p += BlockPixels)
            {
                int valid = Math.Min(BlockPixels, count - p);
                // Past the run's end the last pixel is computed again (not stored), so every step reads inside the input.
                ref sbyte x0 = ref Unsafe.Add(ref xBlock, p * pixelStep);
                ref sbyte x1 = ref Unsafe.Add(ref xBlock, (p + Math.Min(1, valid - 1)) * pixelStep);
                ref sbyte x2 = ref Unsafe.Add(ref xBlock, (p + Math.Min(2, valid - 1)) * pixelStep);
                ref sbyte x3 = ref Unsafe.Add(ref xBlock, (p + Math.Min(3, valid - 1)) * pixelStep);
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
                        int first = rowAt + 2 * q * tapStep;
                        bool second = q < full;
                        TapPair(ref l0, ref h0, ref Unsafe.Add(ref x0, first), tapStep, second, wLow, wHigh);
                        TapPair(ref l1, ref h1, ref Unsafe.Add(ref x1, first), tapStep, second, wLow, wHigh);
                        TapPair(ref l2, ref h2, ref Unsafe.Add(ref x2, first), tapStep, second, wLow, wHigh);
                        TapPair(ref l3, ref h3, ref Unsafe.Add(ref x3, first), tapStep, second, wLow, wHigh);
                    }
                }
                ref sbyte out0 = ref Unsafe.Add(ref outBlock, p * channels);
                Store(l0, h0, low, high, ref out0);
                if (valid > 1) Store(l1, h1, low, high, ref Unsafe.Add(ref out0, channels));
                if (valid > 2) Store(l2, h2, low, high, ref Unsafe.Add(ref out0, 2 * channels));
                if (valid > 3) Store(l3, h3, low, high, ref Unsafe.Add(ref out0, 3 * channels));
            }
        }
    }

    /// <summary>Adds one tap pair (the second tap absent past an odd filter width) of sixteen channels of one pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TapPair(ref Vector256<int> low, ref Vector256<int> high, ref sbyte x, int tapStep, bool second,
        Vector256<short> wLow, Vector256<short> wHigh)
    {
        Vector256<short> a = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x));
        Vector256<short> b = second ? Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref Unsafe.Add(ref x, tapStep))) : Vector256<short>.Zero;
        low += Avx2.MultiplyAddAdjacent(Avx2.UnpackLow(a, b), wLow);
        high += Avx2.MultiplyAddAdjacent(Avx2.UnpackHigh(a, b), wHigh);
    }

    /// <summary>The constants of channels 0-3 and 8-11 (or, <paramref name="upper"/>, 4-7 and 12-15) of a block of sixteen.</summary>
    private static Requantization8 Interleave(in Requantization8 a, in Requantization8 b, bool upper) => new(
        Half(a.Multiplier, b.Multiplier, upper), Half(a.MultiplierOdd, b.MultiplierOdd, upper), Half(a.Left, b.Left, upper).AsUInt32(),
        Half(a.Right, b.Right, upper).AsUInt32(), Half(a.Mask, b.Mask, upper), Half(a.HalfMask, b.HalfMask, upper), a.OutputOffset, a.Min, a.Max);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Half(Vector256<int> a, Vector256<int> b, bool upper)
        => upper ? Avx2.Permute2x128(a, b, 0x31) : Avx2.Permute2x128(a, b, 0x20);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Half(Vector256<uint> a, Vector256<uint> b, bool upper) => Half(a.AsInt32(), b.AsInt32(), upper);

    /// <summary>Requantizes and stores sixteen channels: packing channels 0-3, 8-11 with 4-7, 12-15 gives them in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<int> lowSums, Vector256<int> highSums, in Requantization8 low, in Requantization8 high, ref sbyte destination)
    {
        Vector256<short> words = Avx2.PackSignedSaturate(Int8Requantizer.Apply(lowSums, low), Int8Requantizer.Apply(highSums, high));
        Sse2.PackSignedSaturate(words.GetLower(), words.GetUpper()).StoreUnsafe(ref destination);
    }
}
