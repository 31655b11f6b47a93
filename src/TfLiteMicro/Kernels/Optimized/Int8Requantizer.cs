global using Requantization8 = TfLiteMicro.Kernels.Requantization<System.Runtime.Intrinsics.Vector256<int>>;
global using Requantization16 = TfLiteMicro.Kernels.Requantization<System.Runtime.Intrinsics.Vector512<int>>;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// Per-channel requantization of int32 sums to int8 (multiply by a Q31 multiplier and a power of two, add the output
/// zero point, clamp), eight channels at a time with AVX2 or four at a time with Arm64 AdvSimd, equal to <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/>.
/// A view made in Invoke over the multipliers and shifts the kernel keeps in the arena's persistent part.
/// </summary>
internal readonly ref partial struct Int8Requantizer
{
    private readonly ReadOnlySpan<int> _multipliers, _shifts;
    private readonly int _outputOffset, _min, _max;
    private readonly bool _vector;
    // Per-tensor quantization: one multiplier and shift for every channel, kept here rather than spread over a table.
    private readonly bool _perTensor;
    private readonly int _multiplier, _shift;

    /// <summary>A view over per-channel <paramref name="multipliers"/> and <paramref name="shifts"/>; <paramref name="vector"/> is what
    /// <see cref="CanVectorize"/> said for them when the kernel prepared.</summary>
    public Int8Requantizer(ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int outputOffset, int min, int max, bool vector)
    {
        if (shifts.Length < multipliers.Length) throw new ArgumentException("fewer shifts than multipliers");
        _multipliers = multipliers;
        _shifts = shifts;
        _outputOffset = outputOffset;
        // Activation limits of an extreme output scale can overflow so that min > max; the reference then writes
        // (sbyte)max, truncated, where narrowing vector lanes would saturate. Both limits at that byte agree with it.
        if (min > max) min = max = unchecked((sbyte)max);
        _min = min;
        _max = max;
        _vector = vector;
    }

    /// <summary>A requantizer with one <paramref name="multiplier"/> and <paramref name="shift"/> for every channel.</summary>
    public Int8Requantizer(int multiplier, int shift, int outputOffset, int min, int max, bool vector)
        : this(ReadOnlySpan<int>.Empty, ReadOnlySpan<int>.Empty, outputOffset, min, max, vector)
    {
        _perTensor = true;
        _multiplier = multiplier;
        _shift = shift;
    }

    /// <summary>
    /// Whether the vector form applies at <paramref name="level"/> (AVX2, or any optimized level on Arm64): it assumes
    /// non-negative multipliers (never int.MinValue) and shifts in [-31, 30], which every multiplier QuantizeMultiplier
    /// makes satisfies.
    /// </summary>
    public static bool CanVectorize(SimdLevel level, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts)
    {
        bool x64 = level >= SimdLevel.Avx2 && Avx2.IsSupported;
        bool arm = level >= SimdLevel.Vector128 && AdvSimd.Arm64.IsSupported;
        return (x64 || arm) && ScalesFit(multipliers, shifts);
    }

    /// <summary>Whether the multipliers and shifts satisfy what the vector form assumes (see <see cref="CanVectorize"/>).</summary>
    public static bool ScalesFit(ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts)
    {
        for (int c = 0; c < multipliers.Length; c++)
            if (multipliers[c] < 0 || shifts[c] > 30 || shifts[c] < -31) return false;
        return true;
    }

    /// <summary>Whether <see cref="Apply8"/> may be used.</summary>
    public bool Vectorized => _vector;

    /// <summary>The per-channel multipliers (empty for a per-tensor requantizer).</summary>
    public ReadOnlySpan<int> Multipliers => _multipliers;

    /// <summary>The per-channel shifts (empty for a per-tensor requantizer).</summary>
    public ReadOnlySpan<int> Shifts => _shifts;

    /// <summary>The output zero point.</summary>
    public int OutputOffset => _outputOffset;

    /// <summary>The clamp's lower limit (equal to <see cref="Max"/> where the activation limits were inverted).</summary>
    public int Min => _min;

    /// <summary>The clamp's upper limit.</summary>
    public int Max => _max;

    /// <summary>destination[c] = requantized(sums[c] + rowAdd) for c in [0, sums.Length).</summary>
    public void Apply(ReadOnlySpan<int> sums, int rowAdd, Span<sbyte> destination)
    {
        int n = sums.Length;
        if ((!_perTensor && n > _multipliers.Length) || destination.Length < n) throw new ArgumentException("more sums than channels");
        int c = 0;
        if (_vector && AdvSimd.Arm64.IsSupported)
        {
            ref int s = ref MemoryMarshal.GetReference(sums);
            ref sbyte d = ref MemoryMarshal.GetReference(destination);
            Vector128<int> add = Vector128.Create(rowAdd);
            for (; c + 8 <= n; c += 8)
            {
                Vector128<int> low = Apply4(Vector128.LoadUnsafe(ref s, (nuint)c) + add, c);
                Vector128<int> high = Apply4(Vector128.LoadUnsafe(ref s, (nuint)(c + 4)) + add, c + 4);
                Store8(low, high, ref Unsafe.Add(ref d, c));
            }
        }
        else if (_vector)
        {
            ref int s = ref MemoryMarshal.GetReference(sums);
            ref sbyte d = ref MemoryMarshal.GetReference(destination);
            Vector256<int> add = Vector256.Create(rowAdd);
            for (; c + 8 <= n; c += 8)
                Store8(Apply8(Vector256.LoadUnsafe(ref s, (nuint)c) + add, c), ref Unsafe.Add(ref d, c));
        }
        for (; c < n; c++) destination[c] = Apply1(unchecked(sums[c] + rowAdd), c);
    }

    /// <summary>Requantizes channels [channel, channel + 8) (all below the channel count) and clamps them; the caller narrows to bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<int> Apply8(Vector256<int> x, int channel)
    {
        if (!Avx2.IsSupported && AdvSimd.Arm64.IsSupported)
            return Vector256.Create(Apply4(x.GetLower(), channel), Apply4(x.GetUpper(), channel + 4));
        return Apply(x, Channels8(channel));
    }

    /// <summary>
    /// The per-channel constants of <see cref="Apply(Vector256{int}, in Requantization8)"/> for channels [channel, channel + 8)
    /// (all below the channel count), made once per block of channels by kernels that requantize many pixels of it (AVX2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Requantization8 Channels8(int channel)
    {
        Vector256<int> shift = _perTensor ? Vector256.Create(_shift) : Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_shifts), (nuint)channel);
        Vector256<int> m = _perTensor ? Vector256.Create(_multiplier) : Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_multipliers), (nuint)channel);
        Vector256<int> right = Avx2.Max(-shift, Vector256<int>.Zero);
        Vector256<int> mask = Avx2.ShiftLeftLogicalVariable(Vector256<int>.One, right.AsUInt32()) - Vector256<int>.One;
        return new Requantization8(m, Avx2.ShiftRightLogical(m.AsInt64(), 32).AsInt32(), Avx2.Max(shift, Vector256<int>.Zero),
            right, mask, Avx2.ShiftRightArithmetic(mask, 1), Vector256.Create(_outputOffset), Vector256.Create(_min), Vector256.Create(_max));
    }

    /// <summary>Requantizes eight sums with the constants of their channels and clamps them; the caller narrows to bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> Apply(Vector256<int> x, in Requantization8 r) => Requantize<Int32x8, Vector256<int>>(x, r);

    /// <summary>
    /// <see cref="Apply(Vector256{int}, in Requantization8)"/> on sixteen lanes at once (AVX-512F), narrowed to sixteen
    /// saturated bytes in lane order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Apply16(Vector512<int> x, in Requantization16 r)
        => Avx512F.ConvertToVector128SByteWithSaturation(Requantize<Int32x16, Vector512<int>>(x, r));

    /// <summary>Requantizes the lanes of <paramref name="x"/> with the constants of their channels and clamps them, at any width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Requantize<TLanes, TVector>(TVector x, in Requantization<TVector> r)
        where TLanes : struct, IInt32PerLane<TVector> where TVector : struct
    {
        TVector high = TLanes.HighMul(TLanes.ShiftLeft(x, r.Left), r);
        // Rounding divide by 2^right: add one when the remainder exceeds half (ties away from zero).
        TVector threshold = TLanes.Subtract(r.HalfMask, TLanes.Sign(high));
        TVector q = TLanes.Subtract(TLanes.ShiftRightArithmetic(high, r.Right), TLanes.GreaterThan(TLanes.And(high, r.Mask), threshold));
        return TLanes.Clamp(TLanes.Add(q, r.OutputOffset), r.Min, r.Max);
    }

    /// <summary>
    /// <see cref="Apply16(Vector512{int}, in Requantization16)"/> on lanes 0-7 from <paramref name="low"/> and 8-15 from
    /// <paramref name="high"/>, joined by one insert (Vector512.Create of two halves goes through memory).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<sbyte> Apply16(Vector256<int> low, Vector256<int> high, in Requantization16 r)
        => Apply16(Avx512F.InsertVector256(low.ToVector512Unsafe(), high, 1), r);

    /// <summary>
    /// Arm64 form of <see cref="Apply8"/> for channels [channel, channel + 4), the constants made on each call (kernels
    /// that requantize many pixels of a block make them once, <see cref="Channels4"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector128<int> Apply4(Vector128<int> x, int channel) => Apply(x, Channels4(channel));

    /// <summary>Scalar requantization of one channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public sbyte Apply1(int sum, int channel)
    {
        int value = (_perTensor
            ? FixedPoint.MultiplyByQuantizedMultiplier(sum, _multiplier, _shift)
            : FixedPoint.MultiplyByQuantizedMultiplier(sum, _multipliers[channel], _shifts[channel])) + _outputOffset;
        return (sbyte)Math.Min(Math.Max(value, _min), _max);
    }

    /// <summary>Narrows eight clamped int32 lanes to eight bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(Vector256<int> q, ref sbyte destination)
    {
        if (!Sse2.IsSupported && AdvSimd.IsSupported)
        {
            Store8(q.GetLower(), q.GetUpper(), ref destination);
            return;
        }
        Vector128<short> words = Sse2.PackSignedSaturate(q.GetLower(), q.GetUpper());
        Vector128<sbyte> bytes = Sse2.PackSignedSaturate(words, words);
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref destination), bytes.AsInt64().ToScalar());
    }

    /// <summary>Narrows two vectors of four clamped int32 lanes to eight bytes (Arm64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(Vector128<int> low, Vector128<int> high, ref sbyte destination)
    {
        if (!AdvSimd.IsSupported) throw new PlatformNotSupportedException();
        Vector128<short> words = AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(low), high);
        Vector64<sbyte> bytes = AdvSimd.ExtractNarrowingSaturateLower(words);
        Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref destination), bytes.AsInt64().ToScalar());
    }
}

/// <summary>
/// The int32 lane steps of per-channel requantization, each lane with its own multiplier and shifts, one small struct
/// per vector width (<see cref="Int32x8"/> with AVX2, <see cref="Int32x16"/> with AVX-512F), so that the requantization
/// is written once.
/// </summary>
internal interface IInt32PerLane<TVector> where TVector : struct
{
    static abstract TVector Add(TVector a, TVector b);
    static abstract TVector Subtract(TVector a, TVector b);
    static abstract TVector And(TVector a, TVector b);

    /// <summary>All ones in the lanes where a &gt; b, else zero.</summary>
    static abstract TVector GreaterThan(TVector a, TVector b);

    /// <summary>-1 in the negative lanes, else 0.</summary>
    static abstract TVector Sign(TVector x);

    static abstract TVector ShiftLeft(TVector x, TVector count);
    static abstract TVector ShiftRightArithmetic(TVector x, TVector count);

    /// <summary>
    /// Rounding doubling high multiply of each lane by its non-negative multiplier in <paramref name="r"/>: for any
    /// product p except int.MinValue squared, the reference's truncating (p + nudge) / 2^31 equals
    /// floor((p + 2^30) / 2^31), bits 31..62 of that sum. (The constants are read here, not passed in, so that their
    /// loads stay the multiplies' memory operands.)
    /// </summary>
    static abstract TVector HighMul(TVector x, in Requantization<TVector> r);

    static abstract TVector Clamp(TVector x, TVector min, TVector max);
}

/// <summary>The per-lane steps on eight lanes (AVX2).</summary>
internal readonly partial struct Int32x8 : IInt32PerLane<Vector256<int>>
{
    public static Vector256<int> And(Vector256<int> a, Vector256<int> b) => a & b;
    public static Vector256<int> GreaterThan(Vector256<int> a, Vector256<int> b) => Avx2.CompareGreaterThan(a, b);
    public static Vector256<int> Sign(Vector256<int> x) => Avx2.ShiftRightArithmetic(x, 31);
    public static Vector256<int> ShiftLeft(Vector256<int> x, Vector256<int> count) => Avx2.ShiftLeftLogicalVariable(x, count.AsUInt32());
    public static Vector256<int> ShiftRightArithmetic(Vector256<int> x, Vector256<int> count) => Avx2.ShiftRightArithmeticVariable(x, count.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> HighMul(Vector256<int> x, in Requantization8 r)
    {
        Vector256<long> half = Vector256.Create(1L << 30);
        Vector256<long> even = Avx2.Multiply(x, r.Multiplier) + half;
        Vector256<long> odd = Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), r.MultiplierOdd) + half;
        return Avx2.Blend(Avx2.ShiftRightLogical(even, 31).AsInt32(), Avx2.ShiftLeftLogical(odd, 1).AsInt32(), 0b10101010);
    }
}

/// <summary>The per-lane steps on sixteen lanes (AVX-512F).</summary>
internal readonly struct Int32x16 : IInt32PerLane<Vector512<int>>
{
    public static Vector512<int> Add(Vector512<int> a, Vector512<int> b) => a + b;
    public static Vector512<int> Subtract(Vector512<int> a, Vector512<int> b) => a - b;
    public static Vector512<int> And(Vector512<int> a, Vector512<int> b) => a & b;
    public static Vector512<int> GreaterThan(Vector512<int> a, Vector512<int> b) => Avx512F.CompareGreaterThan(a, b);
    public static Vector512<int> Sign(Vector512<int> x) => Avx512F.ShiftRightArithmetic(x, 31);
    public static Vector512<int> ShiftLeft(Vector512<int> x, Vector512<int> count) => Avx512F.ShiftLeftLogicalVariable(x, count.AsUInt32());
    public static Vector512<int> ShiftRightArithmetic(Vector512<int> x, Vector512<int> count) => Avx512F.ShiftRightArithmeticVariable(x, count.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> HighMul(Vector512<int> x, in Requantization16 r)
    {
        Vector512<long> half = Vector512.Create(1L << 30);
        Vector512<long> even = Avx512F.Multiply(x, r.Multiplier) + half;
        Vector512<long> odd = Avx512F.Multiply(Avx512F.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), r.MultiplierOdd) + half;
        // One ternary-logic blend (upper halves from odd, lower from even): a k-mask blend is rebuilt from its constant each time.
        return Avx512F.TernaryLogic(Avx512F.ShiftLeftLogical(odd, 1).AsInt32(), Avx512F.ShiftRightLogical(even, 31).AsInt32(),
            Vector512.Create(0xFFFFFFFF00000000UL).AsInt32(), 0xE4);
    }

    public static Vector512<int> Clamp(Vector512<int> x, Vector512<int> min, Vector512<int> max) => Avx512F.Min(Avx512F.Max(x, min), max);
}

/// <summary>
/// Per-lane requantization constants (<see cref="Int8Requantizer.Channels8"/> makes eight lanes'): the Q31 multipliers (the
/// odd lanes' also in the low halves of the 64-bit lanes, where 32x32->64 multiplies read them), the left shifts
/// (positive exponents) and right shifts (negated negative exponents), 2^right - 1 and its half, the output zero point
/// and the clamp's limits.
/// </summary>
internal readonly record struct Requantization<TVector>(TVector Multiplier, TVector MultiplierOdd, TVector Left, TVector Right,
    TVector Mask, TVector HalfMask, TVector OutputOffset, TVector Min, TVector Max) where TVector : struct;

/// <summary>Sixteen lanes of requantization constants made from those of two groups of eight (AVX-512F).</summary>
internal static class Requantization
{
    /// <summary>Lanes 0-7 from <paramref name="low"/>, 8-15 from <paramref name="high"/>.</summary>
    /// <remarks>Inlined, so that the kernels keep the sixteen lanes' constants in registers rather than in a returned copy.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Requantization16 Join(in Requantization8 low, in Requantization8 high) => new(
        Vector512.Create(low.Multiplier, high.Multiplier), Vector512.Create(low.MultiplierOdd, high.MultiplierOdd),
        Vector512.Create(low.Left, high.Left), Vector512.Create(low.Right, high.Right), Vector512.Create(low.Mask, high.Mask),
        Vector512.Create(low.HalfMask, high.HalfMask), Vector512.Create(low.OutputOffset, high.OutputOffset),
        Vector512.Create(low.Min, high.Min), Vector512.Create(low.Max, high.Max));
}
