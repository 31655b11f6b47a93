#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace TfLiteMicro.Signal;

/// <summary>The inputs of SignalFilterBank besides the spectrum: weights, unweights and, per channel entry, the first bin, the first weight and the width.</summary>
internal readonly ref struct FilterBankTables(ReadOnlySpan<short> weights, ReadOnlySpan<short> unweights,
    ReadOnlySpan<short> frequencyStarts, ReadOnlySpan<short> weightStarts, ReadOnlySpan<short> widths)
{
    public readonly ReadOnlySpan<short> Weights = weights, Unweights = unweights;
    public readonly ReadOnlySpan<short> FrequencyStarts = frequencyStarts, WeightStarts = weightStarts, Widths = widths;
}

/// <summary>
/// The arithmetic of the per-channel ops after the spectrum (SignalFilterBank, SignalFilterBankSquareRoot): for each,
/// the reference function (the definition, TFLM's loop) and beside it the fast function over the same parameters,
/// which gives the same integers at every <see cref="SimdLevel"/> above <see cref="SimdLevel.Reference"/>.
/// </summary>
internal static class ChannelArithmetic
{
    /// <summary>
    /// The first of the <paramref name="channels"/> + 1 filter-bank entries whose bins or weights lie outside the
    /// spectrum of <paramref name="bins"/> values or the weights; -1 when every one fits (both functions below need it).
    /// </summary>
    public static int FirstBadChannel(int channels, int bins, scoped in FilterBankTables tables)
    {
        int weights = Math.Min(tables.Weights.Length, tables.Unweights.Length);
        for (int i = 0; i < channels + 1; i++)
        {
            int frequencyStart = tables.FrequencyStarts[i], weightStart = tables.WeightStarts[i], width = tables.Widths[i];
            if (frequencyStart < 0 || weightStart < 0 || width < 0 || frequencyStart + width > bins || weightStart + width > weights)
                return i;
        }
        return -1;
    }

    /// <summary>
    /// SignalFilterBank: per channel, the energies of its bins times the weights, plus those of the previous entry's
    /// bins times the unweights, in uint64 (wrapping); <paramref name="work"/> holds channels + 1 sums, entry 0 only
    /// feeding channel 1. Returns -1, or the first entry that does not fit (<see cref="FirstBadChannel"/>), computing nothing.
    /// </summary>
    public static int FilterBankReference(int channels, ReadOnlySpan<uint> input, scoped in FilterBankTables tables, Span<ulong> work, Span<ulong> output)
    {
        int bad = FirstBadChannel(channels, input.Length, tables);
        if (bad >= 0) return bad;
        ulong weighted = 0;
        ulong unweighted = 0;
        for (int i = 0; i < channels + 1; i++)
        {
            int frequencyStart = tables.FrequencyStarts[i];
            int weightStart = tables.WeightStarts[i];
            for (int j = 0; j < tables.Widths[i]; j++)
            {
                ulong energy = input[frequencyStart + j];
                // The int16 weight is widened to uint64 (sign extended) before the product, as in TFLM.
                weighted = unchecked(weighted + (ulong)(long)tables.Weights[weightStart + j] * energy);
                unweighted = unchecked(unweighted + (ulong)(long)tables.Unweights[weightStart + j] * energy);
            }
            work[i] = weighted;
            weighted = unweighted;
            unweighted = 0;
        }
        work.Slice(1, output.Length).CopyTo(output);
        return -1;
    }

#if NET8_0_OR_GREATER
    /// <summary>
    /// <see cref="FilterBankReference"/> with the products of four bins at a time (AVX2) and no bounds check per
    /// product (<see cref="FirstBadChannel"/> proves every index). Sums wrap at 64 bits, so their order does not matter.
    /// </summary>
    public static int FilterBank(SimdLevel level, int channels, ReadOnlySpan<uint> input, scoped in FilterBankTables tables, Span<ulong> work, Span<ulong> output)
    {
        if (level == SimdLevel.Reference) return FilterBankReference(channels, input, tables, work, output);
        int bad = FirstBadChannel(channels, input.Length, tables);
        if (bad >= 0) return bad;
        if (work.Length < channels + 1 || output.Length > channels) throw new ArgumentException("filter bank sums do not fit");
        ref uint energies = ref MemoryMarshal.GetReference(input);
        ref short weights = ref MemoryMarshal.GetReference(tables.Weights);
        ref short unweights = ref MemoryMarshal.GetReference(tables.Unweights);
        bool avx2 = level >= SimdLevel.Avx2 && Avx2.IsSupported;
        ulong weighted = 0;
        ulong unweighted = 0;
        for (int i = 0; i < channels + 1; i++)
        {
            ref uint energy = ref Unsafe.Add(ref energies, tables.FrequencyStarts[i]);
            ref short weight = ref Unsafe.Add(ref weights, tables.WeightStarts[i]);
            ref short unweight = ref Unsafe.Add(ref unweights, tables.WeightStarts[i]);
            int width = tables.Widths[i];
            int j = 0;
            if (avx2 && width >= 4)
            {
                Vector256<ulong> weightedLanes = default, unweightedLanes = default;
                for (; j + 4 <= width; j += 4)
                {
                    Vector256<ulong> e = Avx2.ConvertToVector256Int64(Vector128.LoadUnsafe(ref Unsafe.Add(ref energy, j))).AsUInt64();
                    Vector256<ulong> eHigh = Avx2.ShiftLeftLogical(e, 32);
                    weightedLanes = Avx2.Add(weightedLanes, SignedTimesUnsigned(Load4(ref Unsafe.Add(ref weight, j)), e, eHigh));
                    unweightedLanes = Avx2.Add(unweightedLanes, SignedTimesUnsigned(Load4(ref Unsafe.Add(ref unweight, j)), e, eHigh));
                }
                weighted = unchecked(weighted + Vector256.Sum(weightedLanes));
                unweighted = unchecked(unweighted + Vector256.Sum(unweightedLanes));
            }
            for (; j < width; j++)
            {
                // (ulong)(long)w * e wraps to the same 64 bits as the exact signed product (|w * e| < 2^47).
                long e = Unsafe.Add(ref energy, j);
                weighted = unchecked(weighted + (ulong)(Unsafe.Add(ref weight, j) * e));
                unweighted = unchecked(unweighted + (ulong)(Unsafe.Add(ref unweight, j) * e));
            }
            work[i] = weighted;
            weighted = unweighted;
            unweighted = 0;
        }
        work.Slice(1, output.Length).CopyTo(output);
        return -1;
    }

    /// <summary>Four int16 values sign-extended to 64-bit lanes (an 8-byte load: nothing read past the fourth).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> Load4(ref short values)
        => Avx2.ConvertToVector256Int64(Vector128.CreateScalar(Unsafe.ReadUnaligned<long>(ref Unsafe.As<short, byte>(ref values))).AsInt16());

    /// <summary>
    /// w * e modulo 2^64 for sign-extended w and zero-extended e &lt; 2^32: the unsigned product of the low halves,
    /// less e * 2^32 where w is negative (its high half, all ones, stands for -1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> SignedTimesUnsigned(Vector256<long> w, Vector256<ulong> e, Vector256<ulong> eHigh)
        => Avx2.Subtract(Avx2.Multiply(w.AsUInt32(), e.AsUInt32()), Avx2.And(eHigh, Avx2.CompareGreaterThan(Vector256<long>.Zero, w).AsUInt64()));
#else
    // netstandard2.1 has no vectors, and every level is Reference there.
    public static int FilterBank(SimdLevel level, int channels, ReadOnlySpan<uint> input, scoped in FilterBankTables tables, Span<ulong> work, Span<ulong> output)
        => FilterBankReference(channels, input, tables, work, output);
#endif

    /// <summary>SignalFilterBankSquareRoot: the rounded square root of each channel shifted right; all bits gone for a shift outside [0, 31].</summary>
    public static void SquareRootReference(ReadOnlySpan<ulong> input, int shift, Span<uint> output)
    {
        // A uint32 shifted by 32 or more (or a negative count) is undefined in C; clamp to "all bits gone".
        bool clear = shift < 0 || shift > 31;
        for (int i = 0; i < input.Length; i++)
            output[i] = clear ? 0 : SignalMath.Sqrt64(input[i]) >> shift;
    }

#if NET8_0_OR_GREATER
    /// <summary><see cref="SquareRootReference"/> with the root from the hardware square root (<see cref="RoundedSquareRoot(ulong)"/>) instead of bit by bit.</summary>
    public static void SquareRoot(SimdLevel level, ReadOnlySpan<ulong> input, int shift, Span<uint> output)
    {
        if (level == SimdLevel.Reference)
        {
            SquareRootReference(input, shift, output);
            return;
        }
        if (output.Length < input.Length) throw new ArgumentException("square root output is shorter than its input");
        bool clear = shift < 0 || shift > 31;
        int i = 0;
        if (level >= SimdLevel.Avx2 && Avx2.IsSupported && !clear)
        {
            ref ulong x = ref MemoryMarshal.GetReference(input);
            ref uint y = ref MemoryMarshal.GetReference(output);
            Vector128<ulong> count = Vector128.CreateScalar((ulong)shift);
            for (; i + 4 <= input.Length; i += 4)
            {
                Vector256<ulong> root = Avx2.ShiftRightLogical(RoundedSquareRoot(Vector256.LoadUnsafe(ref x, (nuint)i)), count);
                // The low halves of the four 64-bit lanes (each root fits in 32 bits).
                Avx2.PermuteVar8x32(root.AsUInt32(), Vector256.Create(0u, 2, 4, 6, 0, 2, 4, 6)).GetLower().StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < input.Length; i++)
            output[i] = clear ? 0 : RoundedSquareRoot(input[i]) >> shift;
    }
#else
    // netstandard2.1 has no vectors, and every level is Reference there.
    public static void SquareRoot(SimdLevel level, ReadOnlySpan<ulong> input, int shift, Span<uint> output) => SquareRootReference(input, shift, output);
#endif

    /// <summary>
    /// <see cref="SignalMath.Sqrt64"/>'s value: floor(sqrt(n)) rounded up when n - floor² exceeds floor (that is, to
    /// nearest), except at the cap of its width (0xFFFF below 2^32, as Sqrt32, else 0xFFFFFFFF). The double square
    /// root is within one of floor(sqrt(n)) (n rounds to 53 bits, the root then errs by far less than one), and the
    /// integer steps make it exact.
    /// </summary>
    internal static uint RoundedSquareRoot(ulong n)
    {
        ulong root = (ulong)Math.Sqrt(n);
        if (root > uint.MaxValue) root = uint.MaxValue;
        while (root * root > n) root--;
        while (root < uint.MaxValue && (root + 1) * (root + 1) <= n) root++;
        ulong cap = n >> 32 == 0 ? ushort.MaxValue : uint.MaxValue;
        if (n - root * root > root && root != cap) root++;
        return (uint)root;
    }

#if NET8_0_OR_GREATER
    /// <summary>
    /// <see cref="RoundedSquareRoot(ulong)"/> of four lanes: n as a double from its two 32-bit halves, the floor of its
    /// square root as an integer (below 2^52, read from the bits of its sum with 2^52), then the same integer steps.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> RoundedSquareRoot(Vector256<ulong> n)
    {
        Vector256<ulong> twoTo52Bits = Vector256.Create(0x4330000000000000UL), low32 = Vector256.Create(0xFFFFFFFFUL);
        Vector256<double> twoTo52 = Vector256.Create(4503599627370496.0);
        Vector256<double> low = Avx.Subtract(Avx2.Or(Avx2.And(n, low32), twoTo52Bits).AsDouble(), twoTo52);
        Vector256<double> high = Avx.Subtract(Avx2.Or(Avx2.ShiftRightLogical(n, 32), twoTo52Bits).AsDouble(), twoTo52);
        Vector256<double> estimate = Avx.RoundToNegativeInfinity(Avx.Sqrt(Avx.Add(Avx.Multiply(high, Vector256.Create(4294967296.0)), low)));
        Vector256<ulong> root = Avx2.Xor(Avx.Add(estimate, twoTo52).AsUInt64(), twoTo52Bits);
        root = Avx2.Subtract(root, Avx2.ShiftRightLogical(root, 32)); // 2^32 (from n near 2^64) becomes 2^32 - 1
        // Too large by one: root^2 > n (both compared as unsigned).
        root = Avx2.Add(root, GreaterThan(Square(root), n));
        Vector256<ulong> remainder = Avx2.Subtract(n, Square(root));
        // Too small by one: n - root^2 > 2 root, that is (root + 1)^2 <= n.
        Vector256<ulong> up = GreaterThan(remainder, Avx2.Add(root, root));
        remainder = Avx2.Subtract(remainder, Avx2.And(up, Avx2.Add(Avx2.Add(root, root), Vector256<ulong>.One)));
        root = Avx2.Subtract(root, up);
        // Rounding, as Sqrt64 rounds: up when the remainder exceeds the root, unless the root is at its width's cap.
        Vector256<ulong> cap = Avx2.BlendVariable(Vector256.Create((ulong)uint.MaxValue), Vector256.Create((ulong)ushort.MaxValue),
            Avx2.CompareEqual(Avx2.ShiftRightLogical(n, 32), Vector256<ulong>.Zero));
        Vector256<ulong> roundUp = Avx2.AndNot(Avx2.CompareEqual(root, cap), GreaterThan(remainder, root));
        return Avx2.Subtract(root, roundUp);
    }

    /// <summary>root^2 for roots below 2^32 (the unsigned product of the low halves).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Square(Vector256<ulong> root) => Avx2.Multiply(root.AsUInt32(), root.AsUInt32());

    /// <summary>All ones where a &gt; b as unsigned 64-bit values (a signed compare with the sign bits flipped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> GreaterThan(Vector256<ulong> a, Vector256<ulong> b)
    {
        Vector256<long> sign = Vector256.Create(long.MinValue);
        return Avx2.CompareGreaterThan(Avx2.Xor(a.AsInt64(), sign), Avx2.Xor(b.AsInt64(), sign)).AsUInt64();
    }
#endif
}
