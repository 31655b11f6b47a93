using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// Per-channel requantization of int32 sums to int8 (multiply by a Q31 multiplier and a power of two, add the output
/// zero point, clamp), eight channels at a time with AVX2, equal to <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/>.
/// </summary>
internal sealed class Int8Requantizer
{
    private readonly int[] _multipliers, _shifts;
    private readonly int[] _leftShifts, _rightShifts, _masks, _thresholds;
    private readonly int _outputOffset, _min, _max;
    private readonly bool _vector;

    public Int8Requantizer(SimdLevel level, int[] multipliers, int[] shifts, int channels, int outputOffset, int min, int max)
    {
        _multipliers = new int[channels];
        _shifts = new int[channels];
        _leftShifts = new int[channels];
        _rightShifts = new int[channels];
        _masks = new int[channels];
        _thresholds = new int[channels];
        _outputOffset = outputOffset;
        _min = min;
        _max = max;
        bool vector = level >= SimdLevel.Avx2;
        for (int c = 0; c < channels; c++)
        {
            int multiplier = multipliers.Length == 1 ? multipliers[0] : multipliers[c];
            int shift = shifts.Length == 1 ? shifts[0] : shifts[c];
            _multipliers[c] = multiplier;
            _shifts[c] = shift;
            _leftShifts[c] = shift > 0 ? shift : 0;
            _rightShifts[c] = shift > 0 ? 0 : -shift;
            _masks[c] = (int)((1L << _rightShifts[c]) - 1);
            _thresholds[c] = _masks[c] >> 1;
            // The vector form assumes a non-negative multiplier (never int.MinValue) and in-range shift counts.
            if (multiplier < 0 || _leftShifts[c] > 30 || _rightShifts[c] > 31) vector = false;
        }
        _vector = vector;
    }

    /// <summary>Bytes of precomputed data (reported as the kernel's extra footprint).</summary>
    public int ByteCount => _multipliers.Length * 6 * sizeof(int);

    /// <summary>destination[c] = requantized(sums[c] + rowAdd) for c in [0, sums.Length).</summary>
    public void Apply(ReadOnlySpan<int> sums, int rowAdd, Span<sbyte> destination)
    {
        int n = sums.Length;
        if (n > _multipliers.Length || destination.Length < n) throw new ArgumentException("more sums than channels");
        int c = 0;
        if (_vector)
        {
            ref int s = ref MemoryMarshal.GetReference(sums);
            ref sbyte d = ref MemoryMarshal.GetReference(destination);
            Vector256<int> add = Vector256.Create(rowAdd);
            for (; c + 8 <= n; c += 8)
            {
                Vector256<int> q = Apply8(Vector256.LoadUnsafe(ref s, (nuint)c) + add, c);
                Store8(q, ref Unsafe.Add(ref d, c));
            }
        }
        for (; c < n; c++)
        {
            int value = FixedPoint.MultiplyByQuantizedMultiplier(unchecked(sums[c] + rowAdd), _multipliers[c], _shifts[c]) + _outputOffset;
            destination[c] = (sbyte)Math.Min(Math.Max(value, _min), _max);
        }
    }

    /// <summary>Whether <see cref="Apply8"/> may be used (AVX2 and representable shifts).</summary>
    public bool Vectorized => _vector;

    /// <summary>Requantizes channels [channel, channel + 8) and clamps them; the caller narrows to bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<int> Apply8(Vector256<int> x, int channel)
    {
        x = Avx2.ShiftLeftLogicalVariable(x, Vector256.LoadUnsafe(ref _leftShifts[channel]).AsUInt32());
        Vector256<int> m = Vector256.LoadUnsafe(ref _multipliers[channel]);
        // Rounding doubling high multiply: for any product p except int.MinValue squared, the reference's
        // truncating (p + nudge) / 2^31 equals floor((p + 2^30) / 2^31); bits 31..62 of that sum are the result.
        Vector256<long> half = Vector256.Create(1L << 30);
        Vector256<long> even = Avx2.Multiply(x, m) + half;
        Vector256<long> odd = Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), Avx2.ShiftRightLogical(m.AsInt64(), 32).AsInt32()) + half;
        Vector256<int> high = Avx2.Blend(Avx2.ShiftRightLogical(even, 31).AsInt32(), Avx2.ShiftLeftLogical(odd, 1).AsInt32(), 0b10101010);
        // Rounding divide by 2^right: add one when the remainder exceeds half (ties away from zero).
        Vector256<int> remainder = high & Vector256.LoadUnsafe(ref _masks[channel]);
        Vector256<int> threshold = Vector256.LoadUnsafe(ref _thresholds[channel]) - Avx2.ShiftRightArithmetic(high, 31);
        Vector256<int> q = Avx2.ShiftRightArithmeticVariable(high, Vector256.LoadUnsafe(ref _rightShifts[channel]).AsUInt32());
        q -= Avx2.CompareGreaterThan(remainder, threshold);
        q += Vector256.Create(_outputOffset);
        return Avx2.Min(Avx2.Max(q, Vector256.Create(_min)), Vector256.Create(_max));
    }

    /// <summary>Scalar requantization of one channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte Apply1(int sum, int channel)
    {
        int value = FixedPoint.MultiplyByQuantizedMultiplier(sum, _multipliers[channel], _shifts[channel]) + _outputOffset;
        return (sbyte)Math.Min(Math.Max(value, _min), _max);
    }

    /// <summary>Narrows eight clamped int32 lanes to eight bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(Vector256<int> q, ref sbyte destination)
    {
        Vector128<short> words = Sse2.PackSignedSaturate(q.GetLower(), q.GetUpper());
        Vector128<sbyte> bytes = Sse2.PackSignedSaturate(words, words);
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref destination), bytes.AsInt64().ToScalar());
    }
}
