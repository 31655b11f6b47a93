using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// Per-channel requantization of int32 sums to int8 four channels at a time with 128-bit vectors, equal to
/// <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/> plus the output zero point and clamp.
/// SSE has no per-lane shifts, so both shifts become multiplies by powers of two (made exactly from the shifts through
/// a float's exponent): the left shift a 32-bit multiply, the right shift an unsigned 32x32->64 multiply by
/// 2^(31 - right) of the value biased by 2^31, then a uniform shift by 31.
/// On Arm64 the AdvSimd form of <see cref="Int8Requantizer"/> runs; elsewhere without SSE4.1 each lane takes the scalar formula.
/// </summary>
internal readonly ref struct Vector128Requantizer
{
    private readonly ReadOnlySpan<int> _multipliers, _shifts;
    private readonly int _outputOffset, _min, _max;
    private readonly Int8Requantizer _arm;

    /// <summary>A view over per-channel <paramref name="multipliers"/> and <paramref name="shifts"/>.</summary>
    public Vector128Requantizer(ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int outputOffset, int min, int max)
    {
        if (shifts.Length < multipliers.Length) throw new ArgumentException("fewer shifts than multipliers");
        _multipliers = multipliers;
        _shifts = shifts;
        _outputOffset = outputOffset;
        _min = min;
        _max = max;
        _arm = new Int8Requantizer(multipliers, shifts, outputOffset, min, max, vector: AdvSimd.Arm64.IsSupported);
    }

    /// <summary>
    /// Whether the vector form is exact: non-negative multipliers and shifts in [-31, 30], which every multiplier
    /// QuantizeMultiplier makes satisfies.
    /// </summary>
    public static bool CanVectorize(ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts)
    {
        if (shifts.Length < multipliers.Length) return false;
        for (int c = 0; c < multipliers.Length; c++)
            if (multipliers[c] < 0 || shifts[c] > 30 || shifts[c] < -31) return false;
        return true;
    }

    /// <summary>2^e for e in [0, 31] (2^31 as the bit pattern 0x80000000, which truncation gives on overflow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> PowerOfTwo(Vector128<int> e)
        => Sse2.ConvertToVector128Int32WithTruncation(Sse2.ShiftLeftLogical(e + Vector128.Create(127), 23).AsSingle());

    /// <summary>Requantizes channels [channel, channel + 4) (all below the channel count) and clamps them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<int> Apply4(Vector128<int> x, int channel)
    {
        if (!Sse41.IsSupported) return AdvSimd.Arm64.IsSupported ? _arm.Apply4(x, channel) : Scalar4(x, channel);
        Vector128<int> m = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(_multipliers), (nuint)channel);
        Vector128<int> shift = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(_shifts), (nuint)channel);
        Vector128<int> left = Sse41.Max(shift, Vector128<int>.Zero), right = Sse41.Max(-shift, Vector128<int>.Zero);
        Vector128<int> leftPower = PowerOfTwo(left);
        Vector128<uint> rightFactor = PowerOfTwo(Vector128.Create(31) - right).AsUInt32();
        Vector128<int> mask = PowerOfTwo(right) - Vector128<int>.One;
        x = Sse41.MultiplyLow(x, leftPower);
        // Rounding doubling high multiply: the reference's truncating (p + nudge) / 2^31 equals floor((p + 2^30) / 2^31)
        // for every product of a non-negative multiplier; bits 31..62 of that sum are the result.
        Vector128<long> half = Vector128.Create(1L << 30);
        Vector128<long> even = Sse41.Multiply(x, m) + half;
        Vector128<long> odd = Sse41.Multiply(Sse2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), Sse2.ShiftRightLogical(m.AsInt64(), 32).AsInt32()) + half;
        Vector128<int> high = Sse41.Blend(Sse2.ShiftRightLogical(even, 31).AsInt16(), Sse2.ShiftLeftLogical(odd, 1).AsInt16(), 0b11001100).AsInt32();
        // floor(high / 2^right): (high + 2^31) * 2^(31 - right) < 2^63, its bits 31..62 are floor((high + 2^31) / 2^right),
        // which exceeds the wanted quotient by exactly 2^(31 - right).
        Vector128<uint> biased = (high ^ Vector128.Create(int.MinValue)).AsUInt32();
        Vector128<ulong> evenQ = Sse2.Multiply(biased, rightFactor);
        Vector128<ulong> oddQ = Sse2.Multiply(Sse2.ShiftRightLogical(biased.AsUInt64(), 32).AsUInt32(), Sse2.ShiftRightLogical(rightFactor.AsUInt64(), 32).AsUInt32());
        Vector128<int> floor = Sse41.Blend(Sse2.ShiftRightLogical(evenQ, 31).AsInt16(), Sse2.ShiftLeftLogical(oddQ, 1).AsInt16(), 0b11001100).AsInt32()
            - rightFactor.AsInt32();
        // Ties away from zero: add one when the remainder exceeds half (half plus one for negative values).
        Vector128<int> threshold = Sse2.ShiftRightArithmetic(mask, 1) - Sse2.ShiftRightArithmetic(high, 31);
        Vector128<int> q = floor - Sse2.CompareGreaterThan(high & mask, threshold);
        q += Vector128.Create(_outputOffset);
        return Sse41.Min(Sse41.Max(q, Vector128.Create(_min)), Vector128.Create(_max));
    }

    private Vector128<int> Scalar4(Vector128<int> x, int channel)
        => Vector128.Create(Lane(x.GetElement(0), channel), Lane(x.GetElement(1), channel + 1), Lane(x.GetElement(2), channel + 2), Lane(x.GetElement(3), channel + 3));

    private int Lane(int sum, int channel)
        => Math.Min(Math.Max(FixedPoint.MultiplyByQuantizedMultiplier(sum, _multipliers[channel], _shifts[channel]) + _outputOffset, _min), _max);

    /// <summary>Scalar requantization of one channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte Apply1(int sum, int channel) => (sbyte)Lane(sum, channel);

    /// <summary>Narrows two vectors of four clamped lanes to eight bytes (the lanes are in the int8 range, so narrowing is exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(Vector128<int> low, Vector128<int> high, ref sbyte destination)
    {
        Vector128<short> words = Vector128.Narrow(low, high);
        Vector128<sbyte> bytes = Vector128.Narrow(words, words);
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref destination), bytes.AsInt64().ToScalar());
    }
}
