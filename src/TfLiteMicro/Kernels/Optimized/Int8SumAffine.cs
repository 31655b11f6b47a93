using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>
/// int8 ADD/SUB as one affine function of the raw input bytes, with a proof per lane that it gives the exact bytes.
/// <para>
/// The exact result (<see cref="BinaryArithmetic.QuantizedSum"/>) is clamp(R(H(raw), eo) + zo) with raw = s1(a) ± s2(b),
/// s1 and s2 the exact rescaled inputs, H(raw) = floor((raw mo + 2^30) / 2^31) the rounding high multiply, R(h, eo) the
/// rounding divide by 2^eo (ties away from zero). Write w = raw mo / 2^(31 + eo). Since H(raw) / 2^eo lies within
/// tau = 2^-(eo+1) of w (above by at most tau, below by less), R(H(raw), eo) = floor(w + 1/2) whenever w is farther than
/// tau from every half-integer (tau = 0 when eo = 0: then R is the identity and the equality always holds).
/// </para>
/// <para>
/// The fast form is P = c1 a + c2 b + K in 32-bit lanes, V = P / 2^F. Its error against U = w + 1/2 + zo is
/// e(a, b) = e1(a) + e2(b) with e1(a) = (c1 a + K1) / 2^F - s1(a) M and e2 likewise (M = mo / 2^(31 + eo)); <see cref="Create"/>
/// computes both over all 256 bytes exactly (128-bit integers), so |e| &lt;= delta is a checked bound, not an estimate:
/// it is about 128 / 2^F from rounding c1 and c2 plus the inputs' own roundings times M. If V is farther than
/// delta + tau from every integer, U is farther than tau from every integer (so w is from every half-integer) and no
/// integer lies between U and V: the exact result is clamp(floor(V)). The band is tested per lane with one mask: P
/// carries a bias D = B / 2 with B a power of two above 2 (delta + tau) 2^F, and a lane is certain exactly when the bits
/// of P between log2(B) and F are not all zero; then P &gt;&gt; F = floor(V). A block of lanes with any lane in the band is
/// computed again by the exact vector path.
/// </para>
/// </summary>
internal readonly record struct Int8SumAffine(int LowCoefficients, int HighCoefficients, int Bias, int FractionBits, int BandMask)
{
    /// <summary>The largest band (as a share of one output step, 2^-7) for which the affine form is worth its recomputed blocks.</summary>
    private const int MinimumBandBits = 7;

    /// <summary>
    /// The affine form of <paramref name="op"/> (an int8 ADD or SUB the vector paths support), or null when no fraction
    /// width keeps P within 32 bits with a narrow enough band (output multipliers so large that most lanes saturate).
    /// </summary>
    public static Int8SumAffine? Create(in BinaryParameters op)
    {
        if (op.Type != TensorType.Int8 || op.Operation is not (BinaryOperation.Add or BinaryOperation.Subtract) || !Int8SumKernel.Supports(op))
            return null;
        Span<int> s1 = stackalloc int[256], s2 = stackalloc int[256];
        bool subtract = op.Operation == BinaryOperation.Subtract;
        for (int x = -128; x < 128; x++)
        {
            s1[x + 128] = BinaryArithmetic.ScaleInput(x, op.Input1Offset, op.LeftShift, op.Input1Multiplier, op.Input1Shift);
            int scaled2 = BinaryArithmetic.ScaleInput(x, op.Input2Offset, op.LeftShift, op.Input2Multiplier, op.Input2Shift);
            s2[x + 128] = subtract ? -scaled2 : scaled2;
        }
        for (int fractionBits = 30; fractionBits >= MinimumBandBits + 2; fractionBits--)
            if (TryCreate(op, s1, s2, fractionBits) is { } affine) return affine;
        return null;
    }

    private static Int8SumAffine? TryCreate(in BinaryParameters op, ReadOnlySpan<int> s1, ReadOnlySpan<int> s2, int f)
    {
        int eo = -op.OutputShift;
        // Errors are counted in units of 2^-(F + Q) output steps, P in units of 2^-F.
        int q = 31 + eo;
        long c1 = Coefficient(op.Input1Multiplier, -op.Input1Shift, op, f);
        long c2 = Coefficient(op.Input2Multiplier, -op.Input2Shift, op, f);
        if (op.Operation == BinaryOperation.Subtract) c2 = -c2;
        // c = 256 ch + cl with cl in [0, 256) and ch a signed 16-bit word.
        if (c1 is < -(1 << 23) or >= 1 << 23 || c2 is < -(1 << 23) or >= 1 << 23) return null;
        (long k1, Int128 low1, Int128 high1) = Centered(c1, s1, op.OutputMultiplier, f, q);
        (long k2, Int128 low2, Int128 high2) = Centered(c2, s2, op.OutputMultiplier, f, q);
        Int128 error = Int128.Max(high1 + high2, -(low1 + low2));
        Int128 tau = eo == 0 ? 0 : Int128.One << (f + 30);
        // D0 2^Q > (delta + tau) 2^(F+Q), so a lane whose P is at least D0 from every multiple of 2^F is certain.
        long d0 = (long)((error + tau) >> q) + 1;
        long band = 2;
        while (band < 2 * d0) band <<= 1;
        if (band > 1L << (f - MinimumBandBits)) return null;
        long bias = k1 + k2 + (1L << (f - 1)) + (long)op.OutputOffset * (1L << f) + band / 2;
        long pMax = Math.Max(127 * c1, -128 * c1) + Math.Max(127 * c2, -128 * c2) + bias;
        long pMin = Math.Min(127 * c1, -128 * c1) + Math.Min(127 * c2, -128 * c2) + bias;
        // The low words hold a + 128 and b + 128 (the bytes with their top bit flipped).
        long hardwareBias = bias - 128 * ((c1 & 255) + (c2 & 255));
        if (pMax > int.MaxValue || pMin < int.MinValue || hardwareBias is > int.MaxValue or < int.MinValue) return null;
        int lowWords = (int)(c1 & 255) | (int)(c2 & 255) << 16;
        int highWords = (ushort)(c1 >> 8) | (int)((c2 >> 8) << 16);
        int bandMask = (int)(((1L << f) - 1) & ~(band - 1));
        return new Int8SumAffine(lowWords, highWords, (int)hardwareBias, f, bandMask);
    }

    /// <summary>round(2^F times the output steps per input step): m mo 2^(F + L - 62 - e - eo).</summary>
    private static long Coefficient(int multiplier, int exponent, in BinaryParameters op, int f)
        => (long)Math.Round(Math.ScaleB((double)multiplier * op.OutputMultiplier, f + op.LeftShift - 62 - exponent + op.OutputShift));

    /// <summary>
    /// The offset K that centers e(x) = (c x + K) 2^Q - s(x) mo 2^F over the 256 bytes, and the resulting range of e,
    /// computed exactly.
    /// </summary>
    private static (long Offset, Int128 Low, Int128 High) Centered(long c, ReadOnlySpan<int> scaled, int outputMultiplier, int f, int q)
    {
        Int128 low = Int128.MaxValue, high = Int128.MinValue;
        for (int x = -128; x < 128; x++)
        {
            Int128 e = ((Int128)(c * x) << q) - ((Int128)((long)scaled[x + 128] * outputMultiplier) << f);
            low = Int128.Min(low, e);
            high = Int128.Max(high, e);
        }
        // Rounded toward minus infinity, which only moves the range by less than 2^Q.
        long offset = (long)(-(low + high) / 2 >> q);
        Int128 shift = (Int128)offset << q;
        return (offset, low + shift, high + shift);
    }

    /// <summary>Whether this processor runs <see cref="Run256"/> (AVX2).</summary>
    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>Whether this processor runs <see cref="Run"/> (AVX-512 BW with the byte permutes of VBMI).</summary>
    public static bool IsSupported512 => Avx512BW.IsSupported && Avx512Vbmi.IsSupported;

    /// <summary>
    /// Sixty-four elements at a time: both inputs' bytes spread to (a, b) word pairs by one permute per sixteen lanes,
    /// two multiply-adds give P, a lane in the band sends its block to <paramref name="exact"/>. Returns how many
    /// elements it wrote (a multiple of 64).
    /// </summary>
    public int Run(ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, Span<sbyte> output, in Int8SumKernel.Exact512 exact, sbyte min, sbyte max)
    {
        ref sbyte pa = ref MemoryMarshal.GetReference(a), pb = ref MemoryMarshal.GetReference(b), po = ref MemoryMarshal.GetReference(output);
        Vector512<sbyte> ca = Vector512.Create(a[0]), cb = Vector512.Create(b[0]);
        Vector512<short> lowCoefficients = Vector512.Create(LowCoefficients).AsInt16(), highCoefficients = Vector512.Create(HighCoefficients).AsInt16();
        Vector512<int> bias = Vector512.Create(Bias), bandMask = Vector512.Create(BandMask);
        Vector512<short> lowByte = Vector512.Create((short)0x00FF), topBit = Vector512.Create((short)0x0080);
        Vector512<sbyte> lower = Vector512.Create(min), upper = Vector512.Create(max);
        Vector512<sbyte> spread0 = Spread0, spread1 = Spread1, spread2 = Spread2, spread3 = Spread3;
        int f = FractionBits, n = output.Length, i = 0, recomputed = 0;
        for (; i + 64 <= n; i += 64)
        {
            Vector512<sbyte> va = aScalar ? ca : Vector512.LoadUnsafe(ref pa, (nuint)i);
            Vector512<sbyte> vb = bScalar ? cb : Vector512.LoadUnsafe(ref pb, (nuint)i);
            Vector512<int> p0 = Sum(Avx512Vbmi.PermuteVar64x8x2(va, spread0, vb), lowByte, topBit, lowCoefficients, highCoefficients, bias);
            Vector512<int> p1 = Sum(Avx512Vbmi.PermuteVar64x8x2(va, spread1, vb), lowByte, topBit, lowCoefficients, highCoefficients, bias);
            Vector512<int> p2 = Sum(Avx512Vbmi.PermuteVar64x8x2(va, spread2, vb), lowByte, topBit, lowCoefficients, highCoefficients, bias);
            Vector512<int> p3 = Sum(Avx512Vbmi.PermuteVar64x8x2(va, spread3, vb), lowByte, topBit, lowCoefficients, highCoefficients, bias);
            // A lane is in the band when its band bits are all zero: the smallest of the four vectors' band bits, lane by lane, is then zero.
            Vector512<uint> bandBits = Vector512.Min(Vector512.Min((p0 & bandMask).AsUInt32(), (p1 & bandMask).AsUInt32()),
                Vector512.Min((p2 & bandMask).AsUInt32(), (p3 & bandMask).AsUInt32()));
            if (Vector512.EqualsAny(bandBits, Vector512<uint>.Zero))
            {
                // Scales whose exact results often sit on a rounding boundary (simple ratios) stay on the exact path.
                if (++recomputed > 8 && recomputed * 4 > (i >> 6)) return i;
                for (int k = 0; k < 64; k += 16) exact.Block16(ref pa, aScalar, ref pb, bScalar, ref po, i + k);
                continue;
            }
            Vector512<short> w0 = Avx512BW.PackSignedSaturate(Vector512.ShiftRightArithmetic(p0, f), Vector512.ShiftRightArithmetic(p1, f));
            Vector512<short> w1 = Avx512BW.PackSignedSaturate(Vector512.ShiftRightArithmetic(p2, f), Vector512.ShiftRightArithmetic(p3, f));
            Vector512.Min(Vector512.Max(Avx512BW.PackSignedSaturate(w0, w1), lower), upper).StoreUnsafe(ref po, (nuint)i);
        }
        return i;
    }

    /// <summary>
    /// The AVX2 form of <see cref="Run"/>, thirty-two elements at a time: the inputs' bytes interleaved and sign-extended
    /// to (a, b) word pairs; a block with a lane in the band goes to <paramref name="exact"/>. Returns how many elements
    /// it wrote (a multiple of 32).
    /// </summary>
    public int Run256<TExact>(ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, Span<sbyte> output, TExact exact, sbyte min, sbyte max)
        where TExact : struct, IInt8LaneOperation<Vector256<int>>
    {
        ref sbyte pa = ref MemoryMarshal.GetReference(a), pb = ref MemoryMarshal.GetReference(b), po = ref MemoryMarshal.GetReference(output);
        Vector128<sbyte> ca = Vector128.Create(a[0]), cb = Vector128.Create(b[0]);
        Vector256<short> lowCoefficients = Vector256.Create(LowCoefficients).AsInt16(), highCoefficients = Vector256.Create(HighCoefficients).AsInt16();
        Vector256<int> bias = Vector256.Create(Bias), bandMask = Vector256.Create(BandMask);
        Vector256<sbyte> lower = Vector256.Create(min), upper = Vector256.Create(max);
        Vector256<int> order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
        int f = FractionBits, n = output.Length, i = 0, recomputed = 0;
        for (; i + 32 <= n; i += 32)
        {
            (Vector256<int> p0, Vector256<int> p1) = Sum16(Int8ElementwiseSimd.Load16(ref pa, i, aScalar, ca), Int8ElementwiseSimd.Load16(ref pb, i, bScalar, cb), lowCoefficients, highCoefficients, bias);
            (Vector256<int> p2, Vector256<int> p3) = Sum16(Int8ElementwiseSimd.Load16(ref pa, i + 16, aScalar, ca), Int8ElementwiseSimd.Load16(ref pb, i + 16, bScalar, cb), lowCoefficients, highCoefficients, bias);
            Vector256<uint> bandBits = Vector256.Min(Vector256.Min((p0 & bandMask).AsUInt32(), (p1 & bandMask).AsUInt32()),
                Vector256.Min((p2 & bandMask).AsUInt32(), (p3 & bandMask).AsUInt32()));
            if (Vector256.EqualsAny(bandBits, Vector256<uint>.Zero))
            {
                if (++recomputed > 8 && recomputed * 4 > (i >> 5)) return i;
                Int8ElementwiseSimd.Loop256(exact, a[(aScalar ? 0 : i)..], aScalar, b[(bScalar ? 0 : i)..], bScalar, output.Slice(i, 32));
                continue;
            }
            // In-lane packs leave groups of four in the order 0, 2, 4, 6, 1, 3, 5, 7.
            Vector256<short> w0 = Avx2.PackSignedSaturate(Vector256.ShiftRightArithmetic(p0, f), Vector256.ShiftRightArithmetic(p1, f));
            Vector256<short> w1 = Avx2.PackSignedSaturate(Vector256.ShiftRightArithmetic(p2, f), Vector256.ShiftRightArithmetic(p3, f));
            Vector256<sbyte> bytes = Avx2.PermuteVar8x32(Avx2.PackSignedSaturate(w0, w1).AsInt32(), order).AsSByte();
            Vector256.Min(Vector256.Max(bytes, lower), upper).StoreUnsafe(ref po, (nuint)i);
        }
        return i;
    }

    /// <summary>P for sixteen elements in two vectors of eight lanes, from their bytes: (a, b) interleaved and sign-extended to words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<int>, Vector256<int>) Sum16(Vector128<sbyte> a, Vector128<sbyte> b,
        Vector256<short> lowCoefficients, Vector256<short> highCoefficients, Vector256<int> bias)
    {
        Vector256<short> first = Avx2.ConvertToVector256Int16(Sse2.UnpackLow(a, b)), second = Avx2.ConvertToVector256Int16(Sse2.UnpackHigh(a, b));
        return (Sum(first, lowCoefficients, highCoefficients, bias), Sum(second, lowCoefficients, highCoefficients, bias));
    }

    /// <summary>P for eight lanes from their (a, b) words: 256 a ch1 + (a + 128) cl1 + the same for b + bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Sum(Vector256<short> words, Vector256<short> lowCoefficients, Vector256<short> highCoefficients, Vector256<int> bias)
        => Avx2.MultiplyAddAdjacent(Avx2.ShiftLeftLogical(words, 8), highCoefficients)
           + Avx2.MultiplyAddAdjacent(words + Vector256.Create((short)128), lowCoefficients) + bias;

    /// <summary>P for sixteen lanes from their permuted bytes (a, a, b, b per lane): 256 a ch1 + (a + 128) cl1 + the same for b + bias.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Sum(Vector512<sbyte> pairs, Vector512<short> lowByte, Vector512<short> topBit,
        Vector512<short> lowCoefficients, Vector512<short> highCoefficients, Vector512<int> bias)
    {
        Vector512<short> words = pairs.AsInt16();
        // (words & 0x00FF) ^ 0x0080: the low byte plus 128, zero-extended.
        Vector512<short> low = Avx512F.TernaryLogic(words, lowByte, topBit, 0x6A);
        Vector512<short> high = Avx512BW.ShiftLeftLogical(words, 8);
        return Avx512BW.MultiplyAddAdjacent(high, highCoefficients) + Avx512BW.MultiplyAddAdjacent(low, lowCoefficients) + bias;
    }

    private static readonly Vector512<sbyte> Spread0 = Spread(0), Spread1 = Spread(1), Spread2 = Spread(2), Spread3 = Spread(3);

    /// <summary>
    /// The permute that puts element 16 L + 4 j + p of a and of b into 32-bit lane 4 L + p (bytes a, a, b, b): the
    /// order in which two in-lane signed packs bring four vectors of lanes back to sixty-four bytes in sequence.
    /// </summary>
    private static Vector512<sbyte> Spread(int j)
    {
        Span<sbyte> index = stackalloc sbyte[64];
        for (int lane = 0; lane < 16; lane++)
        {
            int element = 16 * (lane >> 2) + 4 * j + (lane & 3);
            index[4 * lane] = index[4 * lane + 1] = (sbyte)element;
            index[4 * lane + 2] = index[4 * lane + 3] = (sbyte)(64 + element);
        }
        return Vector512.Create<sbyte>(index);
    }
}
