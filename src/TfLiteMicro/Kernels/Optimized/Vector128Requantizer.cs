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
    // The per-channel view whose scalar form takes the lanes without SSE4.1 and whose AdvSimd form runs on Arm64.
    private readonly Int8Requantizer _channels;

    /// <summary>A view over per-channel <paramref name="multipliers"/> and <paramref name="shifts"/>.</summary>
    public Vector128Requantizer(ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int outputOffset, int min, int max)
        => _channels = new Int8Requantizer(multipliers, shifts, outputOffset, min, max, vector: AdvSimd.Arm64.IsSupported);

    /// <summary>2^e for e in [0, 31] (2^31 as the bit pattern 0x80000000, which truncation gives on overflow).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> PowerOfTwo(Vector128<int> e)
        => Sse2.ConvertToVector128Int32WithTruncation(Sse2.ShiftLeftLogical(e + Vector128.Create(127), 23).AsSingle());

    /// <summary>Requantizes channels [channel, channel + 4) (all below the channel count) and clamps them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<int> Apply4(Vector128<int> x, int channel)
    {
        if (!Sse41.IsSupported) return AdvSimd.Arm64.IsSupported ? _channels.Apply4(x, channel) : Scalar4(x, channel);
        Vector128<int> m = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(_channels.Multipliers), (nuint)channel);
        Vector128<int> shift = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(_channels.Shifts), (nuint)channel);
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
        q += Vector128.Create(_channels.OutputOffset);
        return Sse41.Min(Sse41.Max(q, Vector128.Create(_channels.Min)), Vector128.Create(_channels.Max));
    }

    private Vector128<int> Scalar4(Vector128<int> x, int channel)
        => Vector128.Create(_channels.Apply1(x.GetElement(0), channel), _channels.Apply1(x.GetElement(1), channel + 1),
            _channels.Apply1(x.GetElement(2), channel + 2), _channels.Apply1(x.GetElement(3), channel + 3));

    /// <summary>Narrows two vectors of four clamped lanes to eight bytes (the lanes are in the int8 range, so narrowing is exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(Vector128<int> low, Vector128<int> high, ref sbyte destination)
    {
        Vector128<short> words = Vector128.Narrow(low, high);
        Vector128<sbyte> bytes = Vector128.Narrow(words, words);
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref destination), bytes.AsInt64().ToScalar());
    }
}
