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
        if (row.Length < depth || (long)n * depth > weights.Length || initial.Length < n || sums.Length < n)
            throw new ArgumentException("dot product operands are too short");
        ref byte x = ref MemoryMarshal.GetReference(row);
        ref sbyte w = ref MemoryMarshal.GetReference(weights);
        ref int init = ref MemoryMarshal.GetReference(initial);
        ref int sum = ref MemoryMarshal.GetReference(sums);
        switch (level)
        {
            case SimdLevel.AvxVnni: RowsVnni(ref x, ref w, depth, n, ref init, ref sum); break;
            case SimdLevel.Avx2: RowsAvx2(ref x, ref w, depth, n, ref init, ref sum); break;
            case SimdLevel.ArmDot when Dp.IsSupported && AdvSimd.Arm64.IsSupported: RowsDot(ref x, ref w, depth, n, ref init, ref sum); break;
            default: RowsVector128(ref x, ref w, depth, n, ref init, ref sum); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Tail(ref byte x, ref sbyte w, int from, int depth)
    {
        int total = 0;
        for (int d = from; d < depth; d++) total += Unsafe.Add(ref x, d) * Unsafe.Add(ref w, d);
        return total;
    }

    private static void RowsVnni(ref byte x, ref sbyte w, int depth, int n, ref int init, ref int sum)
    {
        int o = 0;
        for (; o + 4 <= n; o += 4)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, o * depth);
            ref sbyte w1 = ref Unsafe.Add(ref w0, depth);
            ref sbyte w2 = ref Unsafe.Add(ref w1, depth);
            ref sbyte w3 = ref Unsafe.Add(ref w2, depth);
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
            int d = 0;
            for (; d + 32 <= depth; d += 32)
            {
                Vector256<byte> v = Vector256.LoadUnsafe(ref x, (nuint)d);
                a0 = AvxVnni.MultiplyWideningAndAdd(a0, v, Vector256.LoadUnsafe(ref w0, (nuint)d));
                a1 = AvxVnni.MultiplyWideningAndAdd(a1, v, Vector256.LoadUnsafe(ref w1, (nuint)d));
                a2 = AvxVnni.MultiplyWideningAndAdd(a2, v, Vector256.LoadUnsafe(ref w2, (nuint)d));
                a3 = AvxVnni.MultiplyWideningAndAdd(a3, v, Vector256.LoadUnsafe(ref w3, (nuint)d));
            }
            Vector128<int> b0 = a0.GetLower() + a0.GetUpper(), b1 = a1.GetLower() + a1.GetUpper();
            Vector128<int> b2 = a2.GetLower() + a2.GetUpper(), b3 = a3.GetLower() + a3.GetUpper();
            if (d + 16 <= depth)
            {
                Vector128<byte> v = Vector128.LoadUnsafe(ref x, (nuint)d);
                b0 = AvxVnni.MultiplyWideningAndAdd(b0, v, Vector128.LoadUnsafe(ref w0, (nuint)d));
                b1 = AvxVnni.MultiplyWideningAndAdd(b1, v, Vector128.LoadUnsafe(ref w1, (nuint)d));
                b2 = AvxVnni.MultiplyWideningAndAdd(b2, v, Vector128.LoadUnsafe(ref w2, (nuint)d));
                b3 = AvxVnni.MultiplyWideningAndAdd(b3, v, Vector128.LoadUnsafe(ref w3, (nuint)d));
                d += 16;
            }
            if (d + 8 <= depth)
            {
                Vector128<byte> v = PartialLoad.Load8(ref x, d);
                b0 = AvxVnni.MultiplyWideningAndAdd(b0, v, PartialLoad.Load8(ref w0, d));
                b1 = AvxVnni.MultiplyWideningAndAdd(b1, v, PartialLoad.Load8(ref w1, d));
                b2 = AvxVnni.MultiplyWideningAndAdd(b2, v, PartialLoad.Load8(ref w2, d));
                b3 = AvxVnni.MultiplyWideningAndAdd(b3, v, PartialLoad.Load8(ref w3, d));
                d += 8;
            }
            if (d + 4 <= depth)
            {
                Vector128<byte> v = PartialLoad.Load4(ref x, d);
                b0 = AvxVnni.MultiplyWideningAndAdd(b0, v, PartialLoad.Load4(ref w0, d));
                b1 = AvxVnni.MultiplyWideningAndAdd(b1, v, PartialLoad.Load4(ref w1, d));
                b2 = AvxVnni.MultiplyWideningAndAdd(b2, v, PartialLoad.Load4(ref w2, d));
                b3 = AvxVnni.MultiplyWideningAndAdd(b3, v, PartialLoad.Load4(ref w3, d));
                d += 4;
            }
            // Transpose-free reduction: two rounds of horizontal adds give the four sums in order.
            Vector128<int> s = Ssse3.HorizontalAdd(Ssse3.HorizontalAdd(b0, b1), Ssse3.HorizontalAdd(b2, b3));
            s += Vector128.LoadUnsafe(ref Unsafe.Add(ref init, o));
            if (d < depth)
                s += Vector128.Create(Tail(ref x, ref w0, d, depth), Tail(ref x, ref w1, d, depth), Tail(ref x, ref w2, d, depth), Tail(ref x, ref w3, d, depth));
            s.StoreUnsafe(ref Unsafe.Add(ref sum, o));
        }
        for (; o < n; o++)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, o * depth);
            Vector256<int> a0 = default;
            int d = 0;
            for (; d + 32 <= depth; d += 32)
                a0 = AvxVnni.MultiplyWideningAndAdd(a0, Vector256.LoadUnsafe(ref x, (nuint)d), Vector256.LoadUnsafe(ref w0, (nuint)d));
            Vector128<int> b0 = a0.GetLower() + a0.GetUpper();
            if (d + 16 <= depth) { b0 = AvxVnni.MultiplyWideningAndAdd(b0, Vector128.LoadUnsafe(ref x, (nuint)d), Vector128.LoadUnsafe(ref w0, (nuint)d)); d += 16; }
            if (d + 8 <= depth) { b0 = AvxVnni.MultiplyWideningAndAdd(b0, PartialLoad.Load8(ref x, d), PartialLoad.Load8(ref w0, d)); d += 8; }
            if (d + 4 <= depth) { b0 = AvxVnni.MultiplyWideningAndAdd(b0, PartialLoad.Load4(ref x, d), PartialLoad.Load4(ref w0, d)); d += 4; }
            Unsafe.Add(ref sum, o) = Unsafe.Add(ref init, o) + Vector128.Sum(b0) + Tail(ref x, ref w0, d, depth);
        }
    }

    /// <summary>Exact without VNNI: both operands widened to 16 bits, then multiply-add of pairs into 32 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> MulAdd16(Vector256<int> acc, Vector256<short> x, ref sbyte w, int d)
        => Avx2.Add(acc, Avx2.MultiplyAddAdjacent(x, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref w, (nuint)d))));

    private static void RowsAvx2(ref byte x, ref sbyte w, int depth, int n, ref int init, ref int sum)
    {
        int o = 0;
        for (; o + 4 <= n; o += 4)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, o * depth);
            ref sbyte w1 = ref Unsafe.Add(ref w0, depth);
            ref sbyte w2 = ref Unsafe.Add(ref w1, depth);
            ref sbyte w3 = ref Unsafe.Add(ref w2, depth);
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
            int d = 0;
            for (; d + 16 <= depth; d += 16)
            {
                Vector256<short> v = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, (nuint)d));
                a0 = MulAdd16(a0, v, ref w0, d);
                a1 = MulAdd16(a1, v, ref w1, d);
                a2 = MulAdd16(a2, v, ref w2, d);
                a3 = MulAdd16(a3, v, ref w3, d);
            }
            if (d + 8 <= depth)
            {
                Vector128<short> v = Sse41.ConvertToVector128Int16(PartialLoad.Load8(ref x, d));
                a0 = Avx2.Add(a0, Sse2.MultiplyAddAdjacent(v, Sse41.ConvertToVector128Int16(PartialLoad.Load8(ref w0, d))).ToVector256());
                a1 = Avx2.Add(a1, Sse2.MultiplyAddAdjacent(v, Sse41.ConvertToVector128Int16(PartialLoad.Load8(ref w1, d))).ToVector256());
                a2 = Avx2.Add(a2, Sse2.MultiplyAddAdjacent(v, Sse41.ConvertToVector128Int16(PartialLoad.Load8(ref w2, d))).ToVector256());
                a3 = Avx2.Add(a3, Sse2.MultiplyAddAdjacent(v, Sse41.ConvertToVector128Int16(PartialLoad.Load8(ref w3, d))).ToVector256());
                d += 8;
            }
            Vector128<int> b0 = a0.GetLower() + a0.GetUpper(), b1 = a1.GetLower() + a1.GetUpper();
            Vector128<int> b2 = a2.GetLower() + a2.GetUpper(), b3 = a3.GetLower() + a3.GetUpper();
            Vector128<int> s = Ssse3.HorizontalAdd(Ssse3.HorizontalAdd(b0, b1), Ssse3.HorizontalAdd(b2, b3));
            s += Vector128.LoadUnsafe(ref Unsafe.Add(ref init, o));
            if (d < depth)
                s += Vector128.Create(Tail(ref x, ref w0, d, depth), Tail(ref x, ref w1, d, depth), Tail(ref x, ref w2, d, depth), Tail(ref x, ref w3, d, depth));
            s.StoreUnsafe(ref Unsafe.Add(ref sum, o));
        }
        for (; o < n; o++)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, o * depth);
            Vector256<int> a0 = default;
            int d = 0;
            for (; d + 16 <= depth; d += 16)
                a0 = MulAdd16(a0, Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref x, (nuint)d)), ref w0, d);
            Unsafe.Add(ref sum, o) = Unsafe.Add(ref init, o) + Vector256.Sum(a0) + Tail(ref x, ref w0, d, depth);
        }
    }

    /// <summary>
    /// Arm64 dot product path. UDOT multiplies unsigned bytes by unsigned bytes, so each weight is flipped to w + 128 as it
    /// is loaded; the surplus 128 * (sum of the row) does not depend on the output channel and is subtracted once.
    /// </summary>
    private static void RowsDot(ref byte x, ref sbyte w, int depth, int n, ref int init, ref int sum)
    {
        int wide = depth & ~15, vectorDepth = depth & ~3;
        Vector128<byte> flip = Vector128.Create((byte)0x80);
        Vector128<uint> rowTotal = default;
        for (int d = 0; d < wide; d += 16)
            rowTotal = Dp.DotProduct(rowTotal, Vector128.LoadUnsafe(ref x, (nuint)d), Vector128<byte>.One);
        uint rowSum = Vector128.Sum(rowTotal);
        for (int d = wide; d < vectorDepth; d++) rowSum += Unsafe.Add(ref x, d);
        Vector128<int> surplus = Vector128.Create(unchecked((int)(rowSum << 7)));
        // Short loads leave zero activations in the upper lanes, so the flipped zero weights there add nothing.
        int o = 0;
        for (; o + 4 <= n; o += 4)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, o * depth);
            ref sbyte w1 = ref Unsafe.Add(ref w0, depth);
            ref sbyte w2 = ref Unsafe.Add(ref w1, depth);
            ref sbyte w3 = ref Unsafe.Add(ref w2, depth);
            Vector128<uint> a0 = default, a1 = default, a2 = default, a3 = default;
            int d = 0;
            for (; d < wide; d += 16)
            {
                Vector128<byte> v = Vector128.LoadUnsafe(ref x, (nuint)d);
                a0 = Dp.DotProduct(a0, v, Vector128.LoadUnsafe(ref w0, (nuint)d).AsByte() ^ flip);
                a1 = Dp.DotProduct(a1, v, Vector128.LoadUnsafe(ref w1, (nuint)d).AsByte() ^ flip);
                a2 = Dp.DotProduct(a2, v, Vector128.LoadUnsafe(ref w2, (nuint)d).AsByte() ^ flip);
                a3 = Dp.DotProduct(a3, v, Vector128.LoadUnsafe(ref w3, (nuint)d).AsByte() ^ flip);
            }
            if (d + 8 <= depth)
            {
                Vector128<byte> v = PartialLoad.Load8(ref x, d);
                a0 = Dp.DotProduct(a0, v, PartialLoad.Load8(ref w0, d).AsByte() ^ flip);
                a1 = Dp.DotProduct(a1, v, PartialLoad.Load8(ref w1, d).AsByte() ^ flip);
                a2 = Dp.DotProduct(a2, v, PartialLoad.Load8(ref w2, d).AsByte() ^ flip);
                a3 = Dp.DotProduct(a3, v, PartialLoad.Load8(ref w3, d).AsByte() ^ flip);
                d += 8;
            }
            if (d + 4 <= depth)
            {
                Vector128<byte> v = PartialLoad.Load4(ref x, d);
                a0 = Dp.DotProduct(a0, v, PartialLoad.Load4(ref w0, d).AsByte() ^ flip);
                a1 = Dp.DotProduct(a1, v, PartialLoad.Load4(ref w1, d).AsByte() ^ flip);
                a2 = Dp.DotProduct(a2, v, PartialLoad.Load4(ref w2, d).AsByte() ^ flip);
                a3 = Dp.DotProduct(a3, v, PartialLoad.Load4(ref w3, d).AsByte() ^ flip);
                d += 4;
            }
            // Two rounds of pairwise adds give the four sums in order.
            Vector128<int> s = AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a0, a1), AdvSimd.Arm64.AddPairwise(a2, a3)).AsInt32();
            s = s - surplus + Vector128.LoadUnsafe(ref Unsafe.Add(ref init, o));
            if (d < depth)
                s += Vector128.Create(Tail(ref x, ref w0, d, depth), Tail(ref x, ref w1, d, depth), Tail(ref x, ref w2, d, depth), Tail(ref x, ref w3, d, depth));
            s.StoreUnsafe(ref Unsafe.Add(ref sum, o));
        }
        for (; o < n; o++)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, o * depth);
            Vector128<uint> a0 = default;
            int d = 0;
            for (; d < wide; d += 16)
                a0 = Dp.DotProduct(a0, Vector128.LoadUnsafe(ref x, (nuint)d), Vector128.LoadUnsafe(ref w0, (nuint)d).AsByte() ^ flip);
            if (d + 8 <= depth) { a0 = Dp.DotProduct(a0, PartialLoad.Load8(ref x, d), PartialLoad.Load8(ref w0, d).AsByte() ^ flip); d += 8; }
            if (d + 4 <= depth) { a0 = Dp.DotProduct(a0, PartialLoad.Load4(ref x, d), PartialLoad.Load4(ref w0, d).AsByte() ^ flip); d += 4; }
            Unsafe.Add(ref sum, o) = unchecked(Unsafe.Add(ref init, o) + (int)Vector128.Sum(a0) - surplus.ToScalar()) + Tail(ref x, ref w0, d, depth);
        }
    }

    /// <summary>Portable path: 16-bit products (|u * w| &lt;= 255 * 128 fits) widened to 32 bits before adding.</summary>
    private static void RowsVector128(ref byte x, ref sbyte w, int depth, int n, ref int init, ref int sum)
    {
        for (int o = 0; o < n; o++)
        {
            ref sbyte w0 = ref Unsafe.Add(ref w, o * depth);
            Vector128<int> acc = default;
            int d = 0;
            for (; d + 16 <= depth; d += 16)
            {
                Vector128<byte> v = Vector128.LoadUnsafe(ref x, (nuint)d);
                Vector128<sbyte> k = Vector128.LoadUnsafe(ref w0, (nuint)d);
                Vector128<short> lo = Vector128.WidenLower(v).AsInt16() * Vector128.WidenLower(k);
                Vector128<short> hi = Vector128.WidenUpper(v).AsInt16() * Vector128.WidenUpper(k);
                acc += Vector128.WidenLower(lo) + Vector128.WidenUpper(lo) + Vector128.WidenLower(hi) + Vector128.WidenUpper(hi);
            }
            Unsafe.Add(ref sum, o) = Unsafe.Add(ref init, o) + Vector128.Sum(acc) + Tail(ref x, ref w0, d, depth);
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
