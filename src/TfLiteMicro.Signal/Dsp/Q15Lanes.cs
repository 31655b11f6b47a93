using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Signal;

/// <summary>
/// A vector of Q15 complex numbers, (real, imaginary) int16 pairs as <see cref="Complex{T}"/> lays them out, and the
/// operations of KISS FFT's FIXED_POINT=16 build on every pair at once, each giving the integers
/// <see cref="Q15FftArithmetic"/> gives: sums wrap at 16 bits, products round to nearest at bit 15.
/// One implementation per instruction set; <see cref="Q15RealFft"/> is written once over them. Loads and stores are the
/// same at every width (<see cref="Q15Vector"/>).
/// </summary>
internal interface IQ15Lanes<TV> where TV : struct
{
    /// <summary>
    /// Count / <paramref name="chunk"/> runs of <paramref name="chunk"/> complex numbers, the runs
    /// <paramref name="stride"/> apart (chunk is 2 or 4 and less than Count).
    /// </summary>
    static abstract TV LoadChunks(ref Complex<short> source, int chunk, int stride);

    static abstract void StoreChunks(TV value, ref Complex<short> destination, int chunk, int stride);

    /// <summary>
    /// Lane l of <paramref name="y0"/> ... <paramref name="y3"/> as four consecutive complex numbers at
    /// <paramref name="destination"/> + positions[l].
    /// </summary>
    static abstract void StoreTransposed(TV y0, TV y1, TV y2, TV y3, ref Complex<short> destination, ref int positions);

    /// <summary>Lane l of <paramref name="y0"/> and <paramref name="y1"/> as two consecutive complex numbers at destination + positions[l].</summary>
    static abstract void StoreTransposed(TV y0, TV y1, ref Complex<short> destination, ref int positions);

    /// <summary>Sum, wrapping at 16 bits.</summary>
    static abstract TV Add(TV a, TV b);

    /// <summary>Difference, wrapping at 16 bits.</summary>
    static abstract TV Subtract(TV a, TV b);

    /// <summary>(a * scale + 2^14) &gt;&gt; 15 on every int16 (S_MUL and C_FIXDIV by a constant other than -32768).</summary>
    static abstract TV MultiplyRound(TV a, short scale);

    /// <summary>
    /// C_MUL: each pair times a twiddle given as (real, -imaginary) in <paramref name="forReal"/> and (imaginary, real)
    /// in <paramref name="forImaginary"/>; each part is the exact sum of its two products, rounded once.
    /// </summary>
    static abstract TV ComplexMultiply(TV a, TV forReal, TV forImaginary);

    /// <summary>(imaginary, real) of every pair.</summary>
    static abstract TV Swap(TV a);

    /// <summary>The real parts of <paramref name="real"/> with the imaginary parts of <paramref name="imaginary"/>.</summary>
    static abstract TV Combine(TV real, TV imaginary);

    static abstract TV And(TV a, TV b);

    /// <summary>a &amp; ~b.</summary>
    static abstract TV AndNot(TV a, TV b);

    static abstract TV Xor(TV a, TV b);

    /// <summary>floor(a / 2) on every int16 (an arithmetic shift right by one).</summary>
    static abstract TV Halve(TV a);

    /// <summary>Imaginary parts negated, wrapping (-(-32768) is -32768, as the C code's int16 store gives).</summary>
    static abstract TV Conjugate(TV a);

    /// <summary>The complex numbers in reverse order.</summary>
    static abstract TV Reverse(TV a);
}

/// <summary>
/// Loads and stores of vectors of Q15 complex numbers: the same at every width (a vector is its bytes), so the
/// per-instruction-set operations leave them out.
/// </summary>
internal static class Q15Vector
{
    /// <summary>Complex numbers per <typeparamref name="TV"/>.</summary>
    public static int Count<TV>() where TV : struct => Unsafe.SizeOf<TV>() / Unsafe.SizeOf<Complex<short>>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load<TV>(ref Complex<short> source) where TV : struct => Unsafe.ReadUnaligned<TV>(ref Unsafe.As<Complex<short>, byte>(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<TV>(TV value, ref Complex<short> destination) where TV : struct
        => Unsafe.WriteUnaligned(ref Unsafe.As<Complex<short>, byte>(ref destination), value);
}

/// <summary>The multiply-add of adjacent int16 products into int32 lanes, plus an addend (AVX2 or AVX-VNNI).</summary>
internal interface IPairMultiplyAdd
{
    static abstract Vector256<int> Apply(Vector256<int> addend, Vector256<short> a, Vector256<short> b);
}

internal readonly struct Avx2PairMultiplyAdd : IPairMultiplyAdd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Apply(Vector256<int> addend, Vector256<short> a, Vector256<short> b) => Avx2.Add(addend, Avx2.MultiplyAddAdjacent(a, b));
}

/// <summary>vpdpwssd: the multiply-add and the addition in one instruction (wrapping, as the separate add does).</summary>
internal readonly struct VnniPairMultiplyAdd : IPairMultiplyAdd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Apply(Vector256<int> addend, Vector256<short> a, Vector256<short> b) => AvxVnni.MultiplyWideningAndAdd(addend, a, b);
}

/// <summary>Eight complex numbers per 256-bit vector (AVX2; AVX-VNNI fuses the rounding addend into the multiply-add).</summary>
internal readonly struct Q15Lanes256<TMultiplyAdd> : IQ15Lanes<Vector256<short>> where TMultiplyAdd : struct, IPairMultiplyAdd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> LoadChunks(ref Complex<short> source, int chunk, int stride)
    {
        if (chunk == 4)
            return Vector256.Create(Q15Vector.Load<Vector128<short>>(ref source), Q15Vector.Load<Vector128<short>>(ref Unsafe.Add(ref source, stride)));
        return Vector256.Create(
            Unsafe.As<Complex<short>, long>(ref source), Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref source, stride)),
            Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref source, 2 * stride)), Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref source, 3 * stride))).AsInt16();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreChunks(Vector256<short> value, ref Complex<short> destination, int chunk, int stride)
    {
        if (chunk == 4)
        {
            Q15Vector.Store(value.GetLower(), ref destination);
            Q15Vector.Store(value.GetUpper(), ref Unsafe.Add(ref destination, stride));
            return;
        }
        Vector256<long> pairs = value.AsInt64();
        Unsafe.As<Complex<short>, long>(ref destination) = pairs.GetElement(0);
        Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref destination, stride)) = pairs.GetElement(1);
        Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref destination, 2 * stride)) = pairs.GetElement(2);
        Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref destination, 3 * stride)) = pairs.GetElement(3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(Vector256<short> y0, Vector256<short> y1, Vector256<short> y2, Vector256<short> y3, ref Complex<short> destination, ref int positions)
    {
        // A 4x4 transpose of complex numbers within each 128-bit half: row r of the low half is lane r, of the high half lane r + 4.
        Vector256<int> t0 = Avx2.UnpackLow(y0.AsInt32(), y1.AsInt32()), t1 = Avx2.UnpackHigh(y0.AsInt32(), y1.AsInt32());
        Vector256<int> t2 = Avx2.UnpackLow(y2.AsInt32(), y3.AsInt32()), t3 = Avx2.UnpackHigh(y2.AsInt32(), y3.AsInt32());
        Vector256<short> r0 = Avx2.UnpackLow(t0.AsInt64(), t2.AsInt64()).AsInt16(), r1 = Avx2.UnpackHigh(t0.AsInt64(), t2.AsInt64()).AsInt16();
        Vector256<short> r2 = Avx2.UnpackLow(t1.AsInt64(), t3.AsInt64()).AsInt16(), r3 = Avx2.UnpackHigh(t1.AsInt64(), t3.AsInt64()).AsInt16();
        Q15Vector.Store(r0.GetLower(), ref Unsafe.Add(ref destination, positions));
        Q15Vector.Store(r1.GetLower(), ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 1)));
        Q15Vector.Store(r2.GetLower(), ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 2)));
        Q15Vector.Store(r3.GetLower(), ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 3)));
        Q15Vector.Store(r0.GetUpper(), ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 4)));
        Q15Vector.Store(r1.GetUpper(), ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 5)));
        Q15Vector.Store(r2.GetUpper(), ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 6)));
        Q15Vector.Store(r3.GetUpper(), ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 7)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(Vector256<short> y0, Vector256<short> y1, ref Complex<short> destination, ref int positions)
    {
        // Lanes (0, 1 | 4, 5) and (2, 3 | 6, 7) as (y0, y1) pairs of 64 bits.
        Vector256<long> low = Avx2.UnpackLow(y0.AsInt32(), y1.AsInt32()).AsInt64(), high = Avx2.UnpackHigh(y0.AsInt32(), y1.AsInt32()).AsInt64();
        StorePair(low.GetElement(0), ref destination, positions);
        StorePair(low.GetElement(1), ref destination, Unsafe.Add(ref positions, 1));
        StorePair(high.GetElement(0), ref destination, Unsafe.Add(ref positions, 2));
        StorePair(high.GetElement(1), ref destination, Unsafe.Add(ref positions, 3));
        StorePair(low.GetElement(2), ref destination, Unsafe.Add(ref positions, 4));
        StorePair(low.GetElement(3), ref destination, Unsafe.Add(ref positions, 5));
        StorePair(high.GetElement(2), ref destination, Unsafe.Add(ref positions, 6));
        StorePair(high.GetElement(3), ref destination, Unsafe.Add(ref positions, 7));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePair(long pair, ref Complex<short> destination, int position)
        => Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref destination, position)) = pair;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Add(Vector256<short> a, Vector256<short> b) => Avx2.Add(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Subtract(Vector256<short> a, Vector256<short> b) => Avx2.Subtract(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> MultiplyRound(Vector256<short> a, short scale) => Avx2.MultiplyHighRoundScale(a, Vector256.Create(scale));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> ComplexMultiply(Vector256<short> a, Vector256<short> forReal, Vector256<short> forImaginary)
    {
        Vector256<int> half = Vector256.Create(1 << 14);
        Vector256<int> real = TMultiplyAdd.Apply(half, a, forReal);
        Vector256<int> imaginary = TMultiplyAdd.Apply(half, a, forImaginary);
        // Bits 15..30 of each sum: the low int16 of (real >> 15), the high int16 of (imaginary << 1).
        return Avx2.Blend(Avx2.ShiftRightLogical(real, 15).AsInt16(), Avx2.ShiftLeftLogical(imaginary, 1).AsInt16(), 0b1010_1010);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Swap(Vector256<short> a)
        => Avx2.Shuffle(a.AsByte(), Vector256.Create((byte)2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13)).AsInt16();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Combine(Vector256<short> real, Vector256<short> imaginary) => Avx2.Blend(real, imaginary, 0b1010_1010);

    public static Vector256<short> And(Vector256<short> a, Vector256<short> b) => a & b;
    public static Vector256<short> AndNot(Vector256<short> a, Vector256<short> b) => Vector256.AndNot(a, b);
    public static Vector256<short> Xor(Vector256<short> a, Vector256<short> b) => a ^ b;
    public static Vector256<short> Halve(Vector256<short> a) => Vector256.ShiftRightArithmetic(a, 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Conjugate(Vector256<short> a) => Avx2.Sign(a, Vector256.Create((short)1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<short> Reverse(Vector256<short> a) => Avx2.PermuteVar8x32(a.AsInt32(), Vector256.Create(7, 6, 5, 4, 3, 2, 1, 0)).AsInt16();
}

/// <summary>
/// Four complex numbers per 128-bit vector: SSE on x64, AdvSimd on Arm64, and a formulation in portable vector
/// operations where neither is present.
/// </summary>
internal readonly struct Q15Lanes128 : IQ15Lanes<Vector128<short>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> LoadChunks(ref Complex<short> source, int chunk, int stride)
        => Vector128.Create(Unsafe.As<Complex<short>, long>(ref source), Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref source, stride))).AsInt16();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreChunks(Vector128<short> value, ref Complex<short> destination, int chunk, int stride)
    {
        Unsafe.As<Complex<short>, long>(ref destination) = value.AsInt64().GetElement(0);
        Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref destination, stride)) = value.AsInt64().GetElement(1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(Vector128<short> y0, Vector128<short> y1, Vector128<short> y2, Vector128<short> y3, ref Complex<short> destination, ref int positions)
    {
        (Vector128<int> t0, Vector128<int> t1) = Zip(y0.AsInt32(), y1.AsInt32());
        (Vector128<int> t2, Vector128<int> t3) = Zip(y2.AsInt32(), y3.AsInt32());
        (Vector128<long> r0, Vector128<long> r1) = Zip(t0.AsInt64(), t2.AsInt64());
        (Vector128<long> r2, Vector128<long> r3) = Zip(t1.AsInt64(), t3.AsInt64());
        Q15Vector.Store(r0.AsInt16(), ref Unsafe.Add(ref destination, positions));
        Q15Vector.Store(r1.AsInt16(), ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 1)));
        Q15Vector.Store(r2.AsInt16(), ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 2)));
        Q15Vector.Store(r3.AsInt16(), ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 3)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreTransposed(Vector128<short> y0, Vector128<short> y1, ref Complex<short> destination, ref int positions)
    {
        (Vector128<int> low, Vector128<int> high) = Zip(y0.AsInt32(), y1.AsInt32());
        Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref destination, positions)) = low.AsInt64().GetElement(0);
        Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 1))) = low.AsInt64().GetElement(1);
        Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 2))) = high.AsInt64().GetElement(0);
        Unsafe.As<Complex<short>, long>(ref Unsafe.Add(ref destination, Unsafe.Add(ref positions, 3))) = high.AsInt64().GetElement(1);
    }

    /// <summary>The 32-bit lanes of <paramref name="a"/> and <paramref name="b"/> interleaved: the low halves', then the high halves'.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<int> Low, Vector128<int> High) Zip(Vector128<int> a, Vector128<int> b)
    {
        if (Sse2.IsSupported) return (Sse2.UnpackLow(a, b), Sse2.UnpackHigh(a, b));
        if (AdvSimd.Arm64.IsSupported) return (AdvSimd.Arm64.ZipLow(a, b), AdvSimd.Arm64.ZipHigh(a, b));
        return (Vector128.Create(a[0], b[0], a[1], b[1]), Vector128.Create(a[2], b[2], a[3], b[3]));
    }

    /// <summary>The 64-bit lanes of <paramref name="a"/> and <paramref name="b"/> interleaved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<long> Low, Vector128<long> High) Zip(Vector128<long> a, Vector128<long> b)
    {
        if (Sse2.IsSupported) return (Sse2.UnpackLow(a, b), Sse2.UnpackHigh(a, b));
        if (AdvSimd.Arm64.IsSupported) return (AdvSimd.Arm64.ZipLow(a, b), AdvSimd.Arm64.ZipHigh(a, b));
        return (Vector128.Create(a[0], b[0]), Vector128.Create(a[1], b[1]));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> Add(Vector128<short> a, Vector128<short> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> Subtract(Vector128<short> a, Vector128<short> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> MultiplyRound(Vector128<short> a, short scale)
    {
        if (Ssse3.IsSupported) return Ssse3.MultiplyHighRoundScale(a, Vector128.Create(scale));
        // sqrdmulh: (2ab + 2^15) >> 16, the same value; it saturates only for -32768 * -32768, and scale is never -32768.
        if (AdvSimd.IsSupported) return AdvSimd.MultiplyRoundedDoublingSaturateHigh(a, Vector128.Create(scale));
        (Vector128<int> low, Vector128<int> high) = Vector128.Widen(a);
        Vector128<int> s = Vector128.Create((int)scale), half = Vector128.Create(1 << 14);
        return Vector128.Narrow(Vector128.ShiftRightArithmetic(low * s + half, 15), Vector128.ShiftRightArithmetic(high * s + half, 15));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> ComplexMultiply(Vector128<short> a, Vector128<short> forReal, Vector128<short> forImaginary)
    {
        Vector128<int> half = Vector128.Create(1 << 14);
        Vector128<int> real = Int16Pairs.MultiplyAdd(a, forReal) + half;
        Vector128<int> imaginary = Int16Pairs.MultiplyAdd(a, forImaginary) + half;
        return Combine(Vector128.ShiftRightLogical(real, 15).AsInt16(), Vector128.ShiftLeft(imaginary, 1).AsInt16());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> Swap(Vector128<short> a)
    {
        if (AdvSimd.IsSupported) return AdvSimd.ReverseElement16(a.AsInt32()).AsInt16();
        Vector128<int> pairs = a.AsInt32();
        return (Vector128.ShiftLeft(pairs, 16) | Vector128.ShiftRightLogical(pairs, 16)).AsInt16();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> Combine(Vector128<short> real, Vector128<short> imaginary)
    {
        if (Sse41.IsSupported) return Sse41.Blend(real, imaginary, 0b1010_1010);
        return Vector128.ConditionalSelect(Vector128.Create((short)0, -1, 0, -1, 0, -1, 0, -1), imaginary, real);
    }

    public static Vector128<short> And(Vector128<short> a, Vector128<short> b) => a & b;
    public static Vector128<short> AndNot(Vector128<short> a, Vector128<short> b) => Vector128.AndNot(a, b);
    public static Vector128<short> Xor(Vector128<short> a, Vector128<short> b) => a ^ b;
    public static Vector128<short> Halve(Vector128<short> a) => Vector128.ShiftRightArithmetic(a, 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> Conjugate(Vector128<short> a)
    {
        Vector128<short> odd = Vector128.Create((short)0, -1, 0, -1, 0, -1, 0, -1);
        return (a ^ odd) - odd;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<short> Reverse(Vector128<short> a)
    {
        if (Sse2.IsSupported) return Sse2.Shuffle(a.AsInt32(), 0b00_01_10_11).AsInt16();
        return Vector128.Shuffle(a.AsInt32(), Vector128.Create(3, 2, 1, 0)).AsInt16();
    }
}

/// <summary>
/// HALF_OF(a + b) and HALF_OF(a - b) on every int16 lane, exact without widening: over the integers (two's complement
/// extended without end) a + b = (a ^ b) + 2 (a &amp; b) and a - b = (a ^ b) - 2 (b &amp; ~a), and every term is an int16.
/// </summary>
internal static class Q15Halves
{
    /// <summary>floor((a + b) / 2) = (a &amp; b) + floor((a ^ b) / 2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV OfSum<TOps, TV>(TV a, TV b) where TOps : struct, IQ15Lanes<TV> where TV : struct
        => TOps.Add(TOps.And(a, b), TOps.Halve(TOps.Xor(a, b)));

    /// <summary>floor((a - b) / 2) = floor((a ^ b) / 2) - (b &amp; ~a).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV OfDifference<TOps, TV>(TV a, TV b) where TOps : struct, IQ15Lanes<TV> where TV : struct
        => TOps.Subtract(TOps.Halve(TOps.Xor(a, b)), TOps.AndNot(b, a));
}

/// <summary>Products of adjacent int16 lanes summed into int32 lanes, on any 128-bit vector hardware.</summary>
internal static class Int16Pairs
{
    /// <summary>a[2i] * b[2i] + a[2i+1] * b[2i+1] in int32 lane i, wrapping as pmaddwd does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyAdd(Vector128<short> a, Vector128<short> b)
    {
        if (Sse2.IsSupported) return Sse2.MultiplyAddAdjacent(a, b);
        if (AdvSimd.Arm64.IsSupported)
            return AdvSimd.Arm64.AddPairwise(AdvSimd.MultiplyWideningLower(a.GetLower(), b.GetLower()), AdvSimd.MultiplyWideningUpper(a, b));
        Vector128<int> x = a.AsInt32(), y = b.AsInt32();
        Vector128<int> xLow = Vector128.ShiftRightArithmetic(Vector128.ShiftLeft(x, 16), 16), yLow = Vector128.ShiftRightArithmetic(Vector128.ShiftLeft(y, 16), 16);
        return xLow * yLow + Vector128.ShiftRightArithmetic(x, 16) * Vector128.ShiftRightArithmetic(y, 16);
    }
}
