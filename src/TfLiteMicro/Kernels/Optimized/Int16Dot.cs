using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>
/// Exact 64-bit dot products of one row of int16 activations with many rows of int8 weights, the inner loop of the
/// optimized int16x8 FULLY_CONNECTED and CONV_2D.
/// </summary>
/// <remarks>
/// Products are summed in 32-bit lanes for a bounded number of steps and then widened into 64-bit sums, so no lane can
/// overflow. One product is at most 32768 * 128 = 2^22 in magnitude. In one step a lane gains at most two products
/// (AVX2 and AVX-VNNI: one multiply-add of an adjacent pair; portable: the products of the low and the high half), so
/// at most 2^23; after <see cref="BlockSteps"/> = 128 steps a lane holds at most 2^30 &lt; 2^31 before it is widened and cleared.
/// The sums are therefore the exact integers, whatever the order of addition.
/// </remarks>
internal static class Int16Dot
{
    /// <summary>Largest activation row (int16 values) a kernel keeps on the stack instead of in arena scratch.</summary>
    public const int StackRowValues = 4096;

    /// <summary>Largest number of int64 sums a kernel keeps on the stack.</summary>
    public const int StackSums = 1024;

    /// <summary>Steps accumulated in 32-bit lanes before they are widened (see the remarks for the bound).</summary>
    private const int BlockSteps = 128;

    /// <summary>For each o in [0, n): sums[o] = sum over d &lt; depth of row[d] * weights[o * depth + d], exactly.</summary>
    public static void Rows(SimdLevel level, ReadOnlySpan<short> row, ReadOnlySpan<sbyte> weights, int depth, int n, Span<long> sums)
    {
        if (depth < 0 || n < 0 || row.Length < depth || (long)n * depth > weights.Length || sums.Length < n)
            throw new ArgumentException("dot product operands are too short");
        if (n == 0) return;
        ref short x = ref MemoryMarshal.GetReference(row);
        ref sbyte w = ref MemoryMarshal.GetReference(weights);
        ref long sum = ref MemoryMarshal.GetReference(sums);
        if (level >= SimdLevel.AvxVnni && AvxVnni.IsSupported && Avx2.IsSupported) RowsAvx2<VnniMultiplyAdd>(ref x, ref w, depth, n, ref sum);
        else if (level >= SimdLevel.Avx2 && Avx2.IsSupported) RowsAvx2<Avx2MultiplyAdd>(ref x, ref w, depth, n, ref sum);
        else if (AdvSimd.Arm64.IsSupported) Rows<AdvSimdStep, Vector128<short>, Vector128<int>, Vector128<long>>(ref x, ref w, depth, n, ref sum);
        else Rows<Vector128Step, (Vector128<int>, Vector128<int>), Vector128<int>, Vector128<long>>(ref x, ref w, depth, n, ref sum);
    }

    /// <summary>Sum of the values of <paramref name="values"/> (exact: at most 2^15 per value).</summary>
    public static long Sum(ReadOnlySpan<short> values)
    {
        long total = 0;
        foreach (short v in values) total += v;
        return total;
    }

    /// <summary>
    /// <see cref="Rows"/> for two activation rows at once (two output pixels of a convolution): each weight vector is
    /// loaded and widened once for both.
    /// </summary>
    public static void Rows2(SimdLevel level, ReadOnlySpan<short> row0, ReadOnlySpan<short> row1, ReadOnlySpan<sbyte> weights, int depth, int n,
        Span<long> sums0, Span<long> sums1)
    {
        if (depth < 0 || n < 0 || row0.Length < depth || row1.Length < depth || (long)n * depth > weights.Length || sums0.Length < n || sums1.Length < n)
            throw new ArgumentException("dot product operands are too short");
        if (level < SimdLevel.Avx2 || !Avx2.IsSupported)
        {
            Rows(level, row0, weights, depth, n, sums0);
            Rows(level, row1, weights, depth, n, sums1);
            return;
        }
        ref short x0 = ref MemoryMarshal.GetReference(row0);
        ref short x1 = ref MemoryMarshal.GetReference(row1);
        ref sbyte w = ref MemoryMarshal.GetReference(weights);
        ref long s0 = ref MemoryMarshal.GetReference(sums0);
        ref long s1 = ref MemoryMarshal.GetReference(sums1);
        int done = level >= SimdLevel.AvxVnni && AvxVnni.IsSupported
            ? Rows2Avx2<VnniMultiplyAdd>(ref x0, ref x1, ref w, depth, n, ref s0, ref s1)
            : Rows2Avx2<Avx2MultiplyAdd>(ref x0, ref x1, ref w, depth, n, ref s0, ref s1);
        if (done < n)
        {
            Rows(level, row0, weights.Slice(done * depth), depth, n - done, sums0.Slice(done));
            Rows(level, row1, weights.Slice(done * depth), depth, n - done, sums1.Slice(done));
        }
    }

    /// <summary>Widens the eight 32-bit lanes and adds them up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Total(Vector256<int> lanes)
        => Vector256.Sum(Avx2.Add(Avx2.ConvertToVector256Int64(lanes.GetLower()), Avx2.ConvertToVector256Int64(lanes.GetUpper())));

    /// <summary>Four weight rows times two activation rows per pass; returns how many weight rows it did (a multiple of four).</summary>
    private static int Rows2Avx2<TMultiplyAdd>(ref short x0, ref short x1, ref sbyte w, int depth, int n, ref long s0, ref long s1)
        where TMultiplyAdd : struct, IMultiplyAdd
    {
        int vectorEnd = depth & ~15;
        int o = 0;
        for (; o + 4 <= n; o += 4)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, o * depth);
            ref sbyte w1 = ref Unsafe.Add(ref w0, depth);
            ref sbyte w2 = ref Unsafe.Add(ref w1, depth);
            ref sbyte w3 = ref Unsafe.Add(ref w2, depth);
            long t00 = 0, t01 = 0, t02 = 0, t03 = 0, t10 = 0, t11 = 0, t12 = 0, t13 = 0;
            int d = 0;
            while (d < vectorEnd)
            {
                int blockEnd = Math.Min(vectorEnd, d + BlockSteps * 16);
                Vector256<int> a00 = default, a01 = default, a02 = default, a03 = default;
                Vector256<int> a10 = default, a11 = default, a12 = default, a13 = default;
                for (; d < blockEnd; d += 16)
                {
                    Vector256<short> v0 = Vector256.LoadUnsafe(ref x0, (nuint)d), v1 = Vector256.LoadUnsafe(ref x1, (nuint)d);
                    Vector256<short> k = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w0, (nuint)d));
                    a00 = TMultiplyAdd.Apply(a00, v0, k);
                    a10 = TMultiplyAdd.Apply(a10, v1, k);
                    k = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w1, (nuint)d));
                    a01 = TMultiplyAdd.Apply(a01, v0, k);
                    a11 = TMultiplyAdd.Apply(a11, v1, k);
                    k = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w2, (nuint)d));
                    a02 = TMultiplyAdd.Apply(a02, v0, k);
                    a12 = TMultiplyAdd.Apply(a12, v1, k);
                    k = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w3, (nuint)d));
                    a03 = TMultiplyAdd.Apply(a03, v0, k);
                    a13 = TMultiplyAdd.Apply(a13, v1, k);
                }
                t00 += Total(a00); t01 += Total(a01); t02 += Total(a02); t03 += Total(a03);
                t10 += Total(a10); t11 += Total(a11); t12 += Total(a12); t13 += Total(a13);
            }
            Unsafe.Add(ref s0, o) = t00 + Tail(ref x0, ref w0, d, depth);
            Unsafe.Add(ref s0, o + 1) = t01 + Tail(ref x0, ref w1, d, depth);
            Unsafe.Add(ref s0, o + 2) = t02 + Tail(ref x0, ref w2, d, depth);
            Unsafe.Add(ref s0, o + 3) = t03 + Tail(ref x0, ref w3, d, depth);
            Unsafe.Add(ref s1, o) = t10 + Tail(ref x1, ref w0, d, depth);
            Unsafe.Add(ref s1, o + 1) = t11 + Tail(ref x1, ref w1, d, depth);
            Unsafe.Add(ref s1, o + 2) = t12 + Tail(ref x1, ref w2, d, depth);
            Unsafe.Add(ref s1, o + 3) = t13 + Tail(ref x1, ref w3, d, depth);
        }
        return o;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Tail(ref short x, ref sbyte w, int from, int depth)
    {
        long total = 0;
        for (int d = from; d < depth; d++) total += Unsafe.Add(ref x, d) * Unsafe.Add(ref w, d);
        return total;
    }

    /// <summary>Adds the exact sums of adjacent products of 16-bit lanes to 32-bit lanes (no lane can overflow, see the remarks).</summary>
    private interface IMultiplyAdd
    {
        static abstract Vector256<int> Apply(Vector256<int> acc, Vector256<short> x, Vector256<short> w);
    }

    private struct Avx2MultiplyAdd : IMultiplyAdd
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Apply(Vector256<int> acc, Vector256<short> x, Vector256<short> w) => Avx2.Add(acc, Avx2.MultiplyAddAdjacent(x, w));
    }

    /// <summary>AVX-VNNI fuses the multiply-add and the addition (vpdpwssd, wrapping, which the bound makes exact).</summary>
    private struct VnniMultiplyAdd : IMultiplyAdd
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Apply(Vector256<int> acc, Vector256<short> x, Vector256<short> w) => AvxVnni.MultiplyWideningAndAdd(acc, x, w);
    }

    /// <summary>A step of int16 activations by int8 weights into 32-bit lanes, widened into <typeparamref name="TWide"/> every <see cref="BlockSteps"/> steps.</summary>
    private interface IStep<TRow, TLanes, TWide> : IDotStep<short, TRow, TLanes>
        where TRow : struct
        where TLanes : struct
        where TWide : struct
    {
        static abstract TWide Widen(TWide wide, TLanes lanes);

        static abstract long Sum(TWide wide);
    }

    /// <summary>AVX2 or AVX-VNNI: 16 activations times 16 weights widened to 16 bits, as eight exact pair sums added to the lanes.</summary>
    private struct Avx2Step<TMultiplyAdd> : IStep<Vector256<short>, Vector256<int>, Vector256<long>> where TMultiplyAdd : struct, IMultiplyAdd
    {
        public static int Width => 16;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<short> Load(ref short x, int d) => Vector256.LoadUnsafe(ref x, (nuint)d);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Add(Vector256<int> lanes, Vector256<short> x, ref sbyte w, int d)
            => TMultiplyAdd.Apply(lanes, x, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)d)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<long> Widen(Vector256<long> wide, Vector256<int> lanes)
            => Avx2.Add(wide, Avx2.Add(Avx2.ConvertToVector256Int64(lanes.GetLower()), Avx2.ConvertToVector256Int64(lanes.GetUpper())));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static long Sum(Vector256<long> wide) => Vector256.Sum(wide);
    }

    /// <summary>Arm64: eight activations times eight weights widened to 16 bits, multiplied and added into four 32-bit lanes (SMLAL, SMLAL2).</summary>
    private struct AdvSimdStep : IStep<Vector128<short>, Vector128<int>, Vector128<long>>
    {
        public static int Width => 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> Load(ref short x, int d) => Vector128.LoadUnsafe(ref x, (nuint)d);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Add(Vector128<int> lanes, Vector128<short> x, ref sbyte w, int d)
        {
            Vector128<short> weights = AdvSimd.SignExtendWideningLower(Vector64.LoadUnsafe(ref w, (nuint)d));
            return AdvSimd.MultiplyWideningUpperAndAdd(AdvSimd.MultiplyWideningLowerAndAdd(lanes, x.GetLower(), weights.GetLower()), x, weights);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<long> Widen(Vector128<long> wide, Vector128<int> lanes) => AdvSimd.AddWideningUpper(AdvSimd.AddWideningLower(wide, lanes.GetLower()), lanes);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static long Sum(Vector128<long> wide) => Vector128.Sum(wide);
    }

    /// <summary>Portable: eight activations and eight weights widened to 32 bits and multiplied there (all exact).</summary>
    private struct Vector128Step : IStep<(Vector128<int> Low, Vector128<int> High), Vector128<int>, Vector128<long>>
    {
        public static int Width => 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static (Vector128<int> Low, Vector128<int> High) Load(ref short x, int d) => Vector128.Widen(Vector128.LoadUnsafe(ref x, (nuint)d));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<int> Add(Vector128<int> lanes, (Vector128<int> Low, Vector128<int> High) x, ref sbyte w, int d)
        {
            (Vector128<int> low, Vector128<int> high) = Vector128.Widen(Vector128.WidenLower(PartialLoad.Load8(ref w, d)));
            return lanes + x.Low * low + x.High * high;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<long> Widen(Vector128<long> wide, Vector128<int> lanes)
        {
            (Vector128<long> low, Vector128<long> high) = Vector128.Widen(lanes);
            return wide + low + high;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static long Sum(Vector128<long> wide) => Vector128.Sum(wide);
    }

    /// <summary>Longest row <see cref="RowsShortAvx2"/> takes: 256 products of at most 2^22 sum to at most 2^30, exact in 32-bit lanes and totals.</summary>
    private const int ShortDepth = 256;

    /// <summary>
    /// Rows of 16 to <see cref="ShortDepth"/> values (the gate products of recurrent layers, small fully connected layers):
    /// whole 16-value steps, then one step over the last 16 values with the lanes earlier steps counted zeroed (every load
    /// within the row), four rows' totals by horizontal adds in 32 bits.
    /// </summary>
    private static void RowsShortAvx2<TMultiplyAdd>(ref short x, ref sbyte w, int depth, int n, ref long sum) where TMultiplyAdd : struct, IMultiplyAdd
    {
        int full = (depth - 1) & ~15, lastStart = depth - 16;
        Vector256<short> lanes = Vector256.Create((short)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        Vector256<short> last = Vector256.LoadUnsafe(ref x, (nuint)lastStart) & Vector256.GreaterThan(lanes, Vector256.Create((short)(full - lastStart - 1)));
        for (int o = 0; o < n; o += 4)
        {
            var rows = new FourRows(ref w, depth, o, n);
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
            DotSteps.Four<Avx2Step<TMultiplyAdd>, short, Vector256<short>, Vector256<int>>(ref x, rows, 0, full, ref a0, ref a1, ref a2, ref a3);
            a0 = Avx2Step<TMultiplyAdd>.Add(a0, last, ref rows.W0, lastStart);
            a1 = Avx2Step<TMultiplyAdd>.Add(a1, last, ref rows.W1, lastStart);
            a2 = Avx2Step<TMultiplyAdd>.Add(a2, last, ref rows.W2, lastStart);
            a3 = Avx2Step<TMultiplyAdd>.Add(a3, last, ref rows.W3, lastStart);
            Vector256<int> pairs = Avx2.HorizontalAdd(Avx2.HorizontalAdd(a0, a1), Avx2.HorizontalAdd(a2, a3));
            Vector256<long> totals = Avx2.ConvertToVector256Int64(pairs.GetLower() + pairs.GetUpper());
            if (o + 4 <= n) totals.StoreUnsafe(ref sum, (nuint)o);
            else for (int k = 0; o + k < n; k++) Unsafe.Add(ref sum, o + k) = totals.GetElement(k);
        }
    }

    private static void RowsAvx2<TMultiplyAdd>(ref short x, ref sbyte w, int depth, int n, ref long sum) where TMultiplyAdd : struct, IMultiplyAdd
    {
        if (depth is >= 16 and <= ShortDepth) RowsShortAvx2<TMultiplyAdd>(ref x, ref w, depth, n, ref sum);
        else if (depth < 16) Rows<Vector128Step, (Vector128<int>, Vector128<int>), Vector128<int>, Vector128<long>>(ref x, ref w, depth, n, ref sum);
        else Rows<Avx2Step<TMultiplyAdd>, Vector256<short>, Vector256<int>, Vector256<long>>(ref x, ref w, depth, n, ref sum);
    }

    /// <summary>
    /// The one blocked loop of every instruction set: four weight rows at a time (a last group of fewer repeats its last
    /// row), <see cref="BlockSteps"/> steps in 32-bit lanes widened into 64-bit ones, then the last values one by one.
    /// </summary>
    private static void Rows<TStep, TRow, TLanes, TWide>(ref short x, ref sbyte w, int depth, int n, ref long sum)
        where TStep : struct, IStep<TRow, TLanes, TWide>
        where TRow : struct
        where TLanes : struct
        where TWide : struct
    {
        int vectorEnd = depth - depth % TStep.Width;
        for (int o = 0; o < n; o += 4)
        {
            var rows = new FourRows(ref w, depth, o, n);
            TWide l0 = default, l1 = default, l2 = default, l3 = default;
            int d = 0;
            while (d < vectorEnd)
            {
                TLanes a0 = default, a1 = default, a2 = default, a3 = default;
                d = DotSteps.Four<TStep, short, TRow, TLanes>(ref x, rows, d, Math.Min(vectorEnd, d + BlockSteps * TStep.Width), ref a0, ref a1, ref a2, ref a3);
                l0 = TStep.Widen(l0, a0);
                l1 = TStep.Widen(l1, a1);
                l2 = TStep.Widen(l2, a2);
                l3 = TStep.Widen(l3, a3);
            }
            Unsafe.Add(ref sum, o) = TStep.Sum(l0) + Tail(ref x, ref rows.W0, d, depth);
            if (o + 1 < n) Unsafe.Add(ref sum, o + 1) = TStep.Sum(l1) + Tail(ref x, ref rows.W1, d, depth);
            if (o + 2 < n) Unsafe.Add(ref sum, o + 2) = TStep.Sum(l2) + Tail(ref x, ref rows.W2, d, depth);
            if (o + 3 < n) Unsafe.Add(ref sum, o + 3) = TStep.Sum(l3) + Tail(ref x, ref rows.W3, d, depth);
        }
    }
}
