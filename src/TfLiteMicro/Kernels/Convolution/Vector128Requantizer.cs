using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// Per-channel requantization of int32 sums to int8 four channels at a time with 128-bit vectors, equal to
/// <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/> plus the output zero point and clamp.
/// SSE has no per-lane shifts, so both shifts become multiplies by per-channel powers of two prepared in
/// <see cref="Tables"/> (kept in the arena's persistent part): the left shift a 32-bit multiply, the right shift an
/// unsigned 32x32->64 multiply by 2^(31 - right) of the value biased by 2^31, then a uniform shift by 31.
/// Without SSE4.1 (Arm64 until it has its own form) each lane is requantized by the scalar formula.
/// </summary>
internal readonly ref struct Vector128Requantizer
{
    private readonly ReadOnlySpan<int> _tables;
    private readonly int _channels, _outputOffset, _min, _max;

    /// <summary>A view over <paramref name="tables"/> made by <see cref="Tables"/> for <paramref name="channels"/> channels.</summary>
    public Vector128Requantizer(ReadOnlySpan<int> tables, int channels, int outputOffset, int min, int max)
    {
        if (tables.Length < channels * 5) throw new ArgumentException("requantization tables shorter than the channel count");
        _tables = tables;
        _channels = channels;
        _outputOffset = outputOffset;
        _min = min;
        _max = max;
    }

    /// <summary>
    /// Whether the tables represent the multipliers exactly: non-negative multipliers and shifts in [-31, 30], which
    /// every multiplier QuantizeMultiplier makes satisfies.
    /// </summary>
    public static bool CanVectorize(ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts)
    {
        if (shifts.Length < multipliers.Length) return false;
        for (int c = 0; c < multipliers.Length; c++)
            if (multipliers[c] < 0 || shifts[c] > 30 || shifts[c] < -31) return false;
        return true;
    }

    /// <summary>
    /// Five rows of <c>channels</c> ints: multipliers, shifts, 2^left, 2^(31 - right) (as unsigned) and 2^right - 1,
    /// where left = max(shift, 0) and right = max(-shift, 0).
    /// </summary>
    public static int[] Tables(ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts)
    {
        int n = multipliers.Length;
        var tables = new int[n * 5];
        for (int c = 0; c < n; c++)
        {
            int left = Math.Max(shifts[c], 0), right = Math.Max(-shifts[c], 0);
            tables[c] = multipliers[c];
            tables[n + c] = shifts[c];
            tables[2 * n + c] = 1 << left;
            tables[3 * n + c] = unchecked((int)(1u << (31 - right)));
            tables[4 * n + c] = (int)((1L << right) - 1);
        }
        return tables;
    }

    /// <summary>Requantizes channels [channel, channel + 4) (all below the channel count) and clamps them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<int> Apply4(Vector128<int> x, int channel)
    {
        if (!Sse41.IsSupported) return Scalar4(x, channel);
        ref int t = ref MemoryMarshal.GetReference(_tables);
        int n = _channels;
        Vector128<int> m = Vector128.LoadUnsafe(ref t, (nuint)channel);
        Vector128<int> leftPower = Vector128.LoadUnsafe(ref t, (nuint)(2 * n + channel));
        Vector128<uint> rightFactor = Vector128.LoadUnsafe(ref t, (nuint)(3 * n + channel)).AsUInt32();
        Vector128<int> mask = Vector128.LoadUnsafe(ref t, (nuint)(4 * n + channel));
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
    {
        ReadOnlySpan<int> multipliers = _tables.Slice(0, _channels), shifts = _tables.Slice(_channels, _channels);
        return Vector128.Create(Lane(x.GetElement(0), multipliers[channel], shifts[channel]), Lane(x.GetElement(1), multipliers[channel + 1], shifts[channel + 1]),
            Lane(x.GetElement(2), multipliers[channel + 2], shifts[channel + 2]), Lane(x.GetElement(3), multipliers[channel + 3], shifts[channel + 3]));
    }

    private int Lane(int sum, int multiplier, int shift)
        => Math.Min(Math.Max(FixedPoint.MultiplyByQuantizedMultiplier(sum, multiplier, shift) + _outputOffset, _min), _max);

    /// <summary>Scalar requantization of one channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte Apply1(int sum, int channel) => (sbyte)Lane(sum, _tables[channel], _tables[_channels + channel]);

    /// <summary>Narrows two vectors of four clamped lanes to eight bytes (the lanes are in the int8 range, so narrowing is exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(Vector128<int> low, Vector128<int> high, ref sbyte destination)
    {
        Vector128<short> words = Vector128.Narrow(low, high);
        Vector128<sbyte> bytes = Vector128.Narrow(words, words);
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref destination), bytes.AsInt64().ToScalar());
    }
}
