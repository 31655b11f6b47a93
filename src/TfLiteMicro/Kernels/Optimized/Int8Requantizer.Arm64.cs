using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace TfLiteMicro.Kernels;

/// <summary>The Arm64 requantization of four channels, its per-channel constants made once per block of channels.</summary>
internal readonly ref partial struct Int8Requantizer
{
    /// <summary>
    /// The constants of <see cref="Apply(Vector128{int}, in Requantization4)"/> for channels [channel, channel + 4) (all
    /// below the channel count), made once per block by kernels that requantize many pixels of it (Arm64).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Requantization4 Channels4(int channel)
    {
        if (!AdvSimd.Arm64.IsSupported) throw new PlatformNotSupportedException();
        Vector128<int> shift = _perTensor ? Vector128.Create(_shift) : Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(_shifts), (nuint)channel);
        Vector128<int> m = _perTensor ? Vector128.Create(_multiplier) : Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(_multipliers), (nuint)channel);
        return new Requantization4(m, AdvSimd.Max(shift, Vector128<int>.Zero), AdvSimd.Min(shift, Vector128<int>.Zero),
            Vector128.Create(_outputOffset), Vector128.Create(_min), Vector128.Create(_max));
    }

    /// <summary>
    /// Requantizes four sums with the constants of their channels and clamps them (Arm64). SQRDMULH is the reference's
    /// rounding doubling high multiply exactly (saturation included). SRSHL rounds ties up rather than away from zero, so
    /// negative values are first lowered by one when shifting right (saturating, which leaves int.MinValue exact too).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Apply(Vector128<int> x, in Requantization4 r)
    {
        x = AdvSimd.ShiftLogical(x, r.Left);
        Vector128<int> high = AdvSimd.MultiplyRoundedDoublingSaturateHigh(x, r.Multiplier);
        Vector128<int> fixup = AdvSimd.ShiftRightArithmetic(high & r.Right, 31);
        Vector128<int> q = AdvSimd.ShiftArithmeticRounded(AdvSimd.AddSaturate(high, fixup), r.Right);
        q += r.OutputOffset;
        return AdvSimd.Min(AdvSimd.Max(q, r.Min), r.Max);
    }

    /// <summary>Requantizes eight sums (channels 0-3 and 4-7 of <paramref name="low"/> and <paramref name="high"/>) and stores them as eight bytes (Arm64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(Vector128<int> lowSums, Vector128<int> highSums, in Requantization4 low, in Requantization4 high, ref sbyte destination)
        => Store8(Apply(lowSums, low), Apply(highSums, high), ref destination);
}

/// <summary>
/// Per-channel requantization constants of four channels (see <see cref="Int8Requantizer.Channels4"/>): the Q31
/// multipliers, the left shifts (positive exponents) and the right ones (negative exponents, as SRSHL takes them).
/// </summary>
internal readonly record struct Requantization4(Vector128<int> Multiplier, Vector128<int> Left, Vector128<int> Right,
    Vector128<int> OutputOffset, Vector128<int> Min, Vector128<int> Max);

/// <summary>The constants of a block of sixteen channels, four at a time (of eight: the last two unused), made once per block (Arm64).</summary>
internal readonly record struct Requantization4x4(Requantization4 R0, Requantization4 R1, Requantization4 R2, Requantization4 R3)
{
    /// <summary>Channels [channel, channel + <paramref name="count"/>) of <paramref name="requantizer"/>, <paramref name="count"/> eight or sixteen.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Requantization4x4 Of(in Int8Requantizer requantizer, int channel, int count)
        => new(requantizer.Channels4(channel), requantizer.Channels4(channel + 4),
            count > 8 ? requantizer.Channels4(channel + 8) : default, count > 8 ? requantizer.Channels4(channel + 12) : default);
}

/// <summary>One pixel's sums of a block of sixteen channels in four 128-bit vectors: channels 0-3, 4-7, 8-11, 12-15 (Arm64).</summary>
internal readonly record struct ChannelSums16(Vector128<int> C0, Vector128<int> C1, Vector128<int> C2, Vector128<int> C3)
{
    /// <summary>Sixteen sums (or, below sixteen <paramref name="count"/>, eight) from <paramref name="source"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ChannelSums16 Load(ref int source, int count)
        => new(Vector128.LoadUnsafe(ref source), Vector128.LoadUnsafe(ref source, 4),
            count > 8 ? Vector128.LoadUnsafe(ref source, 8) : default, count > 8 ? Vector128.LoadUnsafe(ref source, 12) : default);

    /// <summary>Requantizes the block's <paramref name="count"/> (eight or sixteen) sums and stores them as bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(in Requantization4x4 r, ref sbyte destination, int count)
    {
        Int8Requantizer.Store8(C0, C1, r.R0, r.R1, ref destination);
        if (count > 8) Int8Requantizer.Store8(C2, C3, r.R2, r.R3, ref Unsafe.Add(ref destination, 8));
    }
}
