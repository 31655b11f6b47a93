using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The Arm64 form of the row micro-kernel (multiplier one, eight channels or more; with the dot product, sixteen or more
/// go to <see cref="Int8DepthwiseQuads"/> instead): the same zero-point-padded rows, so every window is whole and the
/// edges never reach the loop, and the same folded biases (inputOffset * sum of a channel's taps). Blocks of sixteen
/// channels (or eight, below sixteen), four output pixels per step with every sum in registers: per tap, each pixel's
/// channels are sign-extended to 16 bits and multiplied by the tap's 16-bit weights with widening multiply-accumulates
/// (SMLAL, SMLAL2) into 32-bit lanes, each lane one channel, so the sums need no rearranging before the requantization,
/// whose constants are made once per block. A last block that does not fill sixteen (or eight) channels overlaps the
/// one before it: its channels are computed again and written with the same bytes. The arranged filter is the weights
/// widened once to 16 bits, [tap][channel].
/// </summary>
internal static partial class Int8DepthwiseRows
{
    /// <summary>Whether the Arm64 form takes the layer: multiplier one and at least eight channels.</summary>
    private static bool ArmApplies(SimdLevel level, int inputDepth, int channels)
        => level >= SimdLevel.Vector128 && AdvSimd.Arm64.IsSupported && inputDepth == channels && channels >= 8;

    /// <summary>16-bit weights of the Arm64 arrangement: one per tap and channel.</summary>
    private static long ArmTableValues(int filterHeight, int filterWidth, int channels) => (long)filterHeight * filterWidth * channels;

    /// <summary>The filter widened to 16 bits ([tap][channel]) and the folded biases bias[c] + inputOffset * (sum of channel c's taps).</summary>
    private static void ArrangeArm(ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias, int inputOffset, int filterHeight, int filterWidth, int channels,
        Span<short> table, Span<int> folded)
    {
        long values = ArmTableValues(filterHeight, filterWidth, channels);
        if (channels < 8 || weights.Length < values || table.Length < values || folded.Length < channels || (!bias.IsEmpty && bias.Length < channels))
            throw new ArgumentException("depthwise operands do not match");
        for (int i = 0; i < values; i++) table[i] = weights[i];
        Int8DepthwiseQuads.FoldBiases(weights, bias, inputOffset, filterHeight * filterWidth, channels, folded);
    }

    /// <summary><see cref="Run"/> on Arm64 (multiplier one; the caller's Prepare has checked the rows, table and biases).</summary>
    private static void RunArm(ref sbyte rows, int count, int pixelStep, int tapStep, int rowStep, int filterHeight, int filterWidth, int channels,
        ref short table, ref int folded, in Int8Requantizer requantizer, ref sbyte output)
    {
        if (channels < 16)
        {
            RunArmBlock<Eight>(ref rows, count, pixelStep, tapStep, rowStep, filterHeight, filterWidth, channels, 0, ref table, ref folded, requantizer, ref output);
            if (channels > 8)
                RunArmBlock<Eight>(ref rows, count, pixelStep, tapStep, rowStep, filterHeight, filterWidth, channels, channels - 8, ref table, ref folded, requantizer, ref output);
            return;
        }
        for (int c = 0; c < channels; c += 16)
            RunArmBlock<Sixteen>(ref rows, count, pixelStep, tapStep, rowStep, filterHeight, filterWidth, channels, Math.Min(c, channels - 16),
                ref table, ref folded, requantizer, ref output);
    }

    /// <summary>Channels [c, c + TBlock.Channels) of output pixels [0, count), four pixels per step.</summary>
    private static void RunArmBlock<TBlock>(ref sbyte rows, int count, int pixelStep, int tapStep, int rowStep, int filterHeight, int filterWidth, int channels,
        int c, ref short table, ref int folded, in Int8Requantizer requantizer, ref sbyte output) where TBlock : struct, IArmBlock
    {
        ChannelSums16 start = ChannelSums16.Load(ref Unsafe.Add(ref folded, c), TBlock.Channels);
        // The requantization constants once per block, not per pixel.
        var requantization = Requantization4x4.Of(requantizer, c, TBlock.Channels);
        ref sbyte rowsBlock = ref Unsafe.Add(ref rows, c);
        ref sbyte outBlock = ref Unsafe.Add(ref output, c);
        ref short tableBlock = ref Unsafe.Add(ref table, c);
        for (int u = 0; u < count; u += 4)
        {
            int valid = Math.Min(4, count - u);
            // Past the row's last pixel the last one is computed again (not stored), so every step reads inside the rows.
            ref sbyte x0 = ref Unsafe.Add(ref rowsBlock, u * pixelStep);
            ref sbyte x1 = ref Unsafe.Add(ref rowsBlock, (u + Math.Min(1, valid - 1)) * pixelStep);
            ref sbyte x2 = ref Unsafe.Add(ref rowsBlock, (u + Math.Min(2, valid - 1)) * pixelStep);
            ref sbyte x3 = ref Unsafe.Add(ref rowsBlock, (u + Math.Min(3, valid - 1)) * pixelStep);
            ChannelSums16 a0 = start, a1 = start, a2 = start, a3 = start;
            for (int fy = 0; fy < filterHeight; fy++)
            {
                ref short wRow = ref Unsafe.Add(ref tableBlock, fy * filterWidth * channels);
                int rowAt = fy * rowStep;
                for (int fx = 0; fx < filterWidth; fx++)
                {
                    ref short wt = ref Unsafe.Add(ref wRow, fx * channels);
                    Vector128<short> wLow = Vector128.LoadUnsafe(ref wt), wHigh = TBlock.Channels == 16 ? Vector128.LoadUnsafe(ref wt, 8) : default;
                    int at = rowAt + fx * tapStep;
                    a0 = TBlock.Tap(a0, ref Unsafe.Add(ref x0, at), wLow, wHigh);
                    a1 = TBlock.Tap(a1, ref Unsafe.Add(ref x1, at), wLow, wHigh);
                    a2 = TBlock.Tap(a2, ref Unsafe.Add(ref x2, at), wLow, wHigh);
                    a3 = TBlock.Tap(a3, ref Unsafe.Add(ref x3, at), wLow, wHigh);
                }
            }
            ref sbyte y = ref Unsafe.Add(ref outBlock, u * channels);
            a0.Store(requantization, ref y, TBlock.Channels);
            if (valid > 1) a1.Store(requantization, ref Unsafe.Add(ref y, channels), TBlock.Channels);
            if (valid > 2) a2.Store(requantization, ref Unsafe.Add(ref y, 2 * channels), TBlock.Channels);
            if (valid > 3) a3.Store(requantization, ref Unsafe.Add(ref y, 3 * channels), TBlock.Channels);
        }
    }

    /// <summary>A block of channels: how one tap of one pixel is added (sixteen channels, or eight in C0 and C1).</summary>
    private interface IArmBlock
    {
        static abstract int Channels { get; }

        static abstract ChannelSums16 Tap(ChannelSums16 a, ref sbyte x, Vector128<short> wLow, Vector128<short> wHigh);
    }

    private struct Sixteen : IArmBlock
    {
        public static int Channels => 16;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ChannelSums16 Tap(ChannelSums16 a, ref sbyte x, Vector128<short> wLow, Vector128<short> wHigh)
        {
            Vector128<sbyte> v = Vector128.LoadUnsafe(ref x);
            Vector128<short> low = AdvSimd.SignExtendWideningLower(v.GetLower()), high = AdvSimd.SignExtendWideningUpper(v);
            return new(AdvSimd.MultiplyWideningLowerAndAdd(a.C0, low.GetLower(), wLow.GetLower()), AdvSimd.MultiplyWideningUpperAndAdd(a.C1, low, wLow),
                AdvSimd.MultiplyWideningLowerAndAdd(a.C2, high.GetLower(), wHigh.GetLower()), AdvSimd.MultiplyWideningUpperAndAdd(a.C3, high, wHigh));
        }
    }

    private struct Eight : IArmBlock
    {
        public static int Channels => 8;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ChannelSums16 Tap(ChannelSums16 a, ref sbyte x, Vector128<short> wLow, Vector128<short> wHigh)
        {
            Vector128<short> low = AdvSimd.SignExtendWideningLower(Vector64.LoadUnsafe(ref x));
            return a with { C0 = AdvSimd.MultiplyWideningLowerAndAdd(a.C0, low.GetLower(), wLow.GetLower()), C1 = AdvSimd.MultiplyWideningUpperAndAdd(a.C1, low, wLow) };
        }
    }
}
