using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// <see cref="FixedPoint.SaturatingRoundingDoublingHighMul(int, int)"/> and <see cref="FixedPoint.RoundingDivideByPOT(int, int)"/>
/// on whole vectors with one multiplier and one exponent for every lane, giving the scalar functions' exact results.
/// The multiplier must be non-negative (never int.MinValue, so the one saturating product cannot occur) and the
/// exponent in [0, 31]: <see cref="Fits"/> says whether a multiplier/shift pair qualifies.
/// </summary>
internal static class FixedPointVector
{
    /// <summary>Whether a Q31 <paramref name="multiplier"/> with a left shift and a rounding right shift suits these vector forms.</summary>
    public static bool Fits(int multiplier, int leftShift, int rightShift)
        => multiplier >= 0 && leftShift is >= 0 and <= 31 && rightShift is >= 0 and <= 31;

    /// <summary>The mask <see cref="DivideByPOT(Vector256{int}, int, Vector256{int}, Vector256{int})"/> takes: 2^exponent - 1.</summary>
    public static int Mask(int exponent) => (int)((1L << exponent) - 1);

    // For any product p other than int.MinValue squared, the scalar (p + nudge) / 2^31 truncated toward zero equals
    // floor((p + 2^30) / 2^31); with a 64-bit product that floor is bits 31..62 of the sum.

    /// <summary>Rounding doubling high multiply of eight lanes by a broadcast non-negative <paramref name="multiplier"/> (AVX2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> HighMul(Vector256<int> x, Vector256<int> multiplier)
    {
        Vector256<long> half = Vector256.Create(1L << 30);
        Vector256<long> even = Avx2.Multiply(x, multiplier) + half;
        Vector256<long> odd = Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), multiplier) + half;
        return Avx2.Blend(Avx2.ShiftRightLogical(even, 31).AsInt32(), Avx2.ShiftLeftLogical(odd, 1).AsInt32(), 0b10101010);
    }

    /// <summary>Rounding doubling high multiply of sixteen lanes by a broadcast non-negative <paramref name="multiplier"/> (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> HighMul(Vector512<int> x, Vector512<int> multiplier)
    {
        Vector512<long> half = Vector512.Create(1L << 30);
        Vector512<long> even = Avx512F.Multiply(x, multiplier) + half;
        Vector512<long> odd = Avx512F.Multiply(Vector512.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), multiplier) + half;
        return Vector512.ConditionalSelect(Vector512.Create(0xFFFFFFFFL).AsInt32(), Vector512.ShiftRightLogical(even, 31).AsInt32(), Vector512.ShiftLeft(odd, 1).AsInt32());
    }

    /// <summary>Sixteen-lane form of <see cref="DivideByPOT(Vector256{int}, int, Vector256{int}, Vector256{int})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> DivideByPOT(Vector512<int> x, int exponent, Vector512<int> mask, Vector512<int> halfMask)
    {
        Vector512<int> threshold = halfMask - Vector512.ShiftRightArithmetic(x, 31);
        return Vector512.ShiftRightArithmetic(x, exponent) - Vector512.GreaterThan(x & mask, threshold);
    }

    /// <summary>Rounding doubling high multiply of four lanes by a broadcast non-negative <paramref name="multiplier"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> HighMul(Vector128<int> x, Vector128<int> multiplier)
    {
        if (Sse41.IsSupported)
        {
            Vector128<long> half = Vector128.Create(1L << 30);
            Vector128<long> even = Sse41.Multiply(x, multiplier) + half;
            Vector128<long> odd = Sse41.Multiply(Sse2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), multiplier) + half;
            return Sse41.Blend(Sse2.ShiftRightLogical(even, 31).AsInt16(), Sse2.ShiftLeftLogical(odd, 1).AsInt16(), 0b11001100).AsInt32();
        }
        return HighMulPortable(x, multiplier);
    }

    /// <summary>The same with only cross-platform vector operations (64-bit lanes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<int> HighMulPortable(Vector128<int> x, Vector128<int> multiplier)
    {
        Vector128<long> half = Vector128.Create(1L << 30);
        Vector128<long> m = Vector128.WidenLower(multiplier);
        Vector128<long> low = Vector128.ShiftRightLogical(Vector128.WidenLower(x) * m + half, 31);
        Vector128<long> high = Vector128.ShiftRightLogical(Vector128.WidenUpper(x) * m + half, 31);
        return Vector128.Narrow(low, high);
    }

    /// <summary>x / 2^exponent rounded to nearest, ties away from zero; <paramref name="mask"/> is 2^exponent - 1 and <paramref name="halfMask"/> mask >> 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> DivideByPOT(Vector256<int> x, int exponent, Vector256<int> mask, Vector256<int> halfMask)
    {
        Vector256<int> threshold = halfMask - Vector256.ShiftRightArithmetic(x, 31);
        return Vector256.ShiftRightArithmetic(x, exponent) - Vector256.GreaterThan(x & mask, threshold);
    }

    /// <summary>
    /// <see cref="DivideByPOT(Vector256{int}, int, Vector256{int}, Vector256{int})"/> with the exponent as a shift-count vector
    /// (its low 64 bits), built once: no per-call move of the count into a vector register.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> DivideByPOT(Vector256<int> x, Vector128<int> exponent, Vector256<int> mask, Vector256<int> halfMask)
    {
        Vector256<int> threshold = halfMask - Vector256.ShiftRightArithmetic(x, 31);
        return Avx2.ShiftRightArithmetic(x, exponent) - Vector256.GreaterThan(x & mask, threshold);
    }

    /// <summary>Four-lane form of <see cref="DivideByPOT(Vector256{int}, int, Vector256{int}, Vector256{int})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> DivideByPOT(Vector128<int> x, int exponent, Vector128<int> mask, Vector128<int> halfMask)
    {
        Vector128<int> threshold = halfMask - Vector128.ShiftRightArithmetic(x, 31);
        return Vector128.ShiftRightArithmetic(x, exponent) - Vector128.GreaterThan(x & mask, threshold);
    }
}
