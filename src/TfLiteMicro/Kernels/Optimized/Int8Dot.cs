using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>
/// Dot products of one row of unsigned activations (int8 values plus 128) with many rows of int8 weights, the inner loop
/// of the optimized FULLY_CONNECTED and CONV_2D. Integer sums wrap like the reference's int arithmetic, so any order of
/// addition gives the reference's exact result.
/// </summary>
internal static class Int8Dot
{
    /// <summary>Largest activation row (bytes) a kernel keeps on the stack instead of in arena scratch.</summary>
    public const int StackRowBytes = 8192;

    /// <summary>Largest number of int32 sums a kernel keeps on the stack.</summary>
    public const int StackSums = 1024;

    /// <summary>For each o in [0, n): sums[o] = initial[o] + sum over d &lt; depth of row[d] * weights[o * depth + d].</summary>
    public static void Rows(SimdLevel level, ReadOnlySpan<byte> row, ReadOnlySpan<sbyte> weights, int depth, int n,
        ReadOnlySpan<int> initial, Span<int> sums)
    {
        if (depth < 0 || n < 0 || row.Length < depth || (long)n * depth > weights.Length || initial.Length < n || sums.Length < n)
            throw new ArgumentException("dot product operands are too short");
        if (n == 0) return;
        ref byte x = ref MemoryMarshal.GetReference(row);
        ref sbyte w = ref MemoryMarshal.GetReference(weights);
        ref int init = ref MemoryMarshal.GetReference(initial);
        ref int sum = ref MemoryMarshal.GetReference(sums);
        if (depth < 4)
        {
            // Shorter than the narrowest step: the vector loop would only set up lanes that stay zero.
            for (int o = 0; o < n; o++)
                Unsafe.Add(ref sum, o) = unchecked(Unsafe.Add(ref init, o) + Tail(ref x, ref Unsafe.Add(ref w, o * depth), 0, depth));
            return;
        }
        if (level >= SimdLevel.AvxVnni && AvxVnni.IsSupported && Avx2.IsSupported)
            Rows<VnniStep, Vector256<byte>, Vector256<int>>(ref x, ref w, depth, n, ref init, ref sum, 0);
        else if (level >= SimdLevel.Avx2 && Avx2.IsSupported)
            Rows<Avx2Step, Vector256<short>, Vector256<int>>(ref x, ref w, depth, n, ref init, ref sum, 0);
        else if (level == SimdLevel.ArmDot && Dp.IsSupported && AdvSimd.Arm64.IsSupported)
            Rows<Vector128Step<ArmDot>, Vector128<byte>, Vector128<int>>(ref x, ref w, depth, n, ref init, ref sum, ArmDot.Surplus(ref x, depth));
        else if (AdvSimd.Arm64.IsSupported)
            Rows<Vector128Step<AdvSimdMultiplyAdd>, Vector128<byte>, Vector128<int>>(ref x, ref w, depth, n, ref init, ref sum, 0);
        else
            Rows<Vector128Step<PortableMultiplyAdd>, Vector128<byte>, Vector128<int>>(ref x, ref w, depth, n, ref init, ref sum, 0);
    }

    /// <summary>
    /// The one loop of every instruction set: four weight rows at a time (a last group of fewer repeats its last row),
    /// whole steps, then steps of 16, 8 and 4 values in 128-bit lanes, then the last values one by one.
    /// <paramref name="surplus"/> is what a step adds to every sum beyond the products (see <see cref="ArmDot"/>).
    /// </summary>
    private static void Rows<TStep, TRow, TLanes>(ref byte x, ref sbyte w, int depth, int n, ref int init, ref int sum, int surplus)
        where TStep : struct, IStep<TRow, TLanes>
        where TRow : struct
        where TLanes : struct
    {
        for (int o = 0; o < n; o += 4)
        {
            var rows = new FourRows(ref w, depth, o, n);
            TLanes a0 = default, a1 = default, a2 = default, a3 = default;
            int d = DotSteps.Four<TStep, byte, TRow, TLanes>(ref x, rows, 0, depth, ref a0, ref a1, ref a2, ref a3);
            Vector128<int> b0 = TStep.Fold(a0), b1 = TStep.Fold(a1), b2 = TStep.Fold(a2), b3 = TStep.Fold(a3);
            d = Narrow<TStep, TRow, TLanes>(16, ref x, rows, d, depth, ref b0, ref b1, ref b2, ref b3);
            d = Narrow<TStep, TRow, TLanes>(8, ref x, rows, d, depth, ref b0, ref b1, ref b2, ref b3);
            d = Narrow<TStep, TRow, TLanes>(4, ref x, rows, d, depth, ref b0, ref b1, ref b2, ref b3);
            Vector128<int> s = Totals(b0, b1, b2, b3) - Vector128.Create(surplus);
            if (d < depth)
                s += Vector128.Create(Tail(ref x, ref rows.W0, d, depth), Tail(ref x, ref rows.W1, d, depth), Tail(ref x, ref rows.W2, d, depth), Tail(ref x, ref rows.W3, d, depth));
            if (o + 4 <= n)
            {
                (s + Vector128.LoadUnsafe(ref Unsafe.Add(ref init, o))).StoreUnsafe(ref Unsafe.Add(ref sum, o));
                continue;
            }
            // One to three rows left: their sums taken from fixed lanes, which stay in registers.
            int left = n - o;
            Unsafe.Add(ref sum, o) = unchecked(Unsafe.Add(ref init, o) + s.ToScalar());
            if (left > 1) Unsafe.Add(ref sum, o + 1) = unchecked(Unsafe.Add(ref init, o + 1) + s.GetElement(1));
            if (left > 2) Unsafe.Add(ref sum, o + 2) = unchecked(Unsafe.Add(ref init, o + 2) + s.GetElement(2));
        }
    }

    /// <summary>
    /// One step of <paramref name="bytes"/> (16, 8 or 4) values in 128-bit lanes if that many are left: a short load leaves
    /// zero activations in the upper lanes, which add nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Narrow<TStep, TRow, TLanes>(int bytes, ref byte x, FourRows w, int d, int depth,
        ref Vector128<int> b0, ref Vector128<int> b1, ref Vector128<int> b2, ref Vector128<int> b3)
        where TStep : struct, IStep<TRow, TLanes>
        where TRow : struct
        where TLanes : struct
    {
        if (d + bytes > depth) return d;
        Vector128<byte> v = Load(bytes, ref x, d);
        b0 = TStep.AddNarrow(b0, v, Load(bytes, ref Unsafe.As<sbyte, byte>(ref w.W0), d).AsSByte());
        b1 = TStep.AddNarrow(b1, v, Load(bytes, ref Unsafe.As<sbyte, byte>(ref w.W1), d).AsSByte());
        b2 = TStep.AddNarrow(b2, v, Load(bytes, ref Unsafe.As<sbyte, byte>(ref w.W2), d).AsSByte());
        b3 = TStep.AddNarrow(b3, v, Load(bytes, ref Unsafe.As<sbyte, byte>(ref w.W3), d).AsSByte());
        return d + bytes;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Load(int bytes, ref byte p, int d) => bytes switch
    {
        16 => Vector128.LoadUnsafe(ref p, (nuint)d),
        8 => PartialLoad.Load8(ref p, d),
        _ => PartialLoad.Load4(ref p, d),
    };

    /// <summary>The four rows' sums from their lanes, in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Totals(Vector128<int> b0, Vector128<int> b1, Vector128<int> b2, Vector128<int> b3)
    {
        if (Ssse3.IsSupported) return Ssse3.HorizontalAdd(Ssse3.HorizontalAdd(b0, b1), Ssse3.HorizontalAdd(b2, b3));
        if (AdvSimd.Arm64.IsSupported) return AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(b0, b1), AdvSimd.Arm64.AddPairwise(b2, b3));
        return Vector128.Create(Vector128.Sum(b0), Vector128.Sum(b1), Vector128.Sum(b2), Vector128.Sum(b3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Tail(ref byte x, ref sbyte w, int from, int depth)
    {
        int total = 0;
        for (int d = from; d < depth; d++) total = unchecked(total + Unsafe.Add(ref x, d) * Unsafe.Add(ref w, d));
        return total;
    }

    /// <summary>A step of unsigned activations by signed weights into 32-bit lanes (wrapping like the reference's sum).</summary>
    private interface IStep<TRow, TLanes> : IDotStep<byte, TRow, TLanes>
        where TRow : struct
        where TLanes : struct
    {
        /// <summary>The lanes folded to four 32-bit lanes (their sum is the same).</summary>
        static abstract Vector128<int> Fold(TLanes lanes);

        /// <summary>The products of sixteen activations and weights added to four lanes.</summary>
        static abstract Vector128<int> AddNarrow(Vector128<int> lanes, Vector128<byte> x, Vector128<sbyte> w);
    }

    /// <summary>AVX-VNNI: vpdpbusd multiplies unsigned by signed bytes and adds four products to each 32-bit lane.</summary>
    private struct VnniStep : IStep<Vector256<byte>, Vector256<int>>
    {
        public static int Width => 32;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<byte> Load(ref byte x, int d) => Vector256.LoadUnsafe(ref x, (nuint)d);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> lanes, Vector256<byte> x, ref sbyte w, int d)
            => AvxVnni.MultiplyWideningAndAdd(lanes, x, Vector256.LoadUnsafe(ref w, (nuint)d));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Fold(Vector256<int> lanes) => lanes.GetLower() + lanes.GetUpper();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> AddNarrow(Vector128<int> lanes, Vector128<byte> x, Vector128<sbyte> w) => AvxVnni.MultiplyWideningAndAdd(lanes, x, w);
    }

    /// <summary>AVX2, exact without VNNI: both operands widened to 16 bits, then multiply-add of pairs into 32 bits.</summary>
    private struct Avx2Step : IStep<Vector256<short>, Vector256<int>>
    {
        public static int Width => 16;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<short> Load(ref byte x, int d) => Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, (nuint)d));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> lanes, Vector256<short> x, ref sbyte w, int d)
            => Avx2.Add(lanes, Avx2.MultiplyAddAdjacent(x, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)d))));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Fold(Vector256<int> lanes) => lanes.GetLower() + lanes.GetUpper();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> AddNarrow(Vector128<int> lanes, Vector128<byte> x, Vector128<sbyte> w)
            => lanes + Fold(Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(x), Avx2.ConvertToVector256Int16(w)));
    }

    /// <summary>The products of sixteen activations and weights added to four 32-bit lanes.</summary>
    private interface IMultiplyAdd
    {
        static abstract Vector128<int> Apply(Vector128<int> lanes, Vector128<byte> x, Vector128<sbyte> w);
    }

    /// <summary>The 128-bit step of any <see cref="IMultiplyAdd"/>: sixteen values a step, four lanes.</summary>
    private struct Vector128Step<TMultiplyAdd> : IStep<Vector128<byte>, Vector128<int>> where TMultiplyAdd : struct, IMultiplyAdd
    {
        public static int Width => 16;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<byte> Load(ref byte x, int d) => Vector128.LoadUnsafe(ref x, (nuint)d);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Add(Vector128<int> lanes, Vector128<byte> x, ref sbyte w, int d) => TMultiplyAdd.Apply(lanes, x, Vector128.LoadUnsafe(ref w, (nuint)d));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Fold(Vector128<int> lanes) => lanes;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> AddNarrow(Vector128<int> lanes, Vector128<byte> x, Vector128<sbyte> w) => TMultiplyAdd.Apply(lanes, x, w);
    }

    /// <summary>
    /// Arm64 dot product: UDOT multiplies unsigned bytes by unsigned bytes, so each weight is flipped to w + 128 as it is
    /// loaded; the surplus 128 * (sum of the activations the steps cover) does not depend on the output channel and is
    /// subtracted once (<see cref="Surplus"/>).
    /// </summary>
    private struct ArmDot : IMultiplyAdd
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Apply(Vector128<int> lanes, Vector128<byte> x, Vector128<sbyte> w)
            => Dp.DotProduct(lanes.AsUInt32(), x, w.AsByte() ^ Vector128.Create((byte)0x80)).AsInt32();

        /// <summary>128 times the sum of the activations the vector steps cover (all but the last depth mod 4).</summary>
        public static int Surplus(ref byte x, int depth)
        {
            int wide = depth & ~15, covered = depth & ~3;
            Vector128<uint> total = default;
            for (int d = 0; d < wide; d += 16) total = Dp.DotProduct(total, Vector128.LoadUnsafe(ref x, (nuint)d), Vector128<byte>.One);
            uint sum = Vector128.Sum(total);
            for (int d = wide; d < covered; d++) sum += Unsafe.Add(ref x, d);
            return unchecked((int)(sum << 7));
        }
    }

    /// <summary>Arm64 without the dot product: 16-bit products (|u * w| &lt;= 255 * 128 fits), pairs added into 32-bit lanes (SADALP).</summary>
    private struct AdvSimdMultiplyAdd : IMultiplyAdd
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Apply(Vector128<int> lanes, Vector128<byte> x, Vector128<sbyte> w)
        {
            Vector128<short> low = AdvSimd.ZeroExtendWideningLower(x.GetLower()).AsInt16() * AdvSimd.SignExtendWideningLower(w.GetLower());
            Vector128<short> high = AdvSimd.ZeroExtendWideningUpper(x).AsInt16() * AdvSimd.SignExtendWideningUpper(w);
            return AdvSimd.AddPairwiseWideningAndAdd(AdvSimd.AddPairwiseWideningAndAdd(lanes, low), high);
        }
    }

    /// <summary>Portable: 16-bit products (|u * w| &lt;= 255 * 128 fits) widened to 32 bits before adding.</summary>
    private struct PortableMultiplyAdd : IMultiplyAdd
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Apply(Vector128<int> lanes, Vector128<byte> x, Vector128<sbyte> w)
        {
            Vector128<short> low = Vector128.WidenLower(x).AsInt16() * Vector128.WidenLower(w);
            Vector128<short> high = Vector128.WidenUpper(x).AsInt16() * Vector128.WidenUpper(w);
            return lanes + Vector128.WidenLower(low) + Vector128.WidenUpper(low) + Vector128.WidenLower(high) + Vector128.WidenUpper(high);
        }
    }

    /// <summary>Writes src[i] + 128 as unsigned bytes (the activation format of <see cref="Rows"/>).</summary>
    public static void ToUnsigned(ReadOnlySpan<sbyte> source, Span<byte> destination)
    {
        int length = source.Length;
        if (destination.Length < length) throw new ArgumentException("destination is too short");
        ref sbyte s = ref MemoryMarshal.GetReference(source);
        ref byte t = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<byte> flip = Vector256.Create((byte)0x80);
            for (; i + 32 <= length; i += 32)
                (Vector256.LoadUnsafe(ref s, (nuint)i).AsByte() ^ flip).StoreUnsafe(ref t, (nuint)i);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<byte> flip = Vector128.Create((byte)0x80);
            for (; i + 16 <= length; i += 16)
                (Vector128.LoadUnsafe(ref s, (nuint)i).AsByte() ^ flip).StoreUnsafe(ref t, (nuint)i);
        }
        for (; i < length; i++) Unsafe.Add(ref t, i) = (byte)(Unsafe.Add(ref s, i) ^ unchecked((sbyte)0x80));
    }

    /// <summary>Sums of each weight row (for the +128 correction folded into the bias).</summary>
    public static int[] RowSums(ReadOnlySpan<sbyte> weights, int depth, int n)
    {
        var sums = new int[n];
        for (int o = 0; o < n; o++)
        {
            int total = 0;
            foreach (sbyte v in weights.Slice(o * depth, depth)) total += v;
            sums[o] = total;
        }
        return sums;
    }
}
