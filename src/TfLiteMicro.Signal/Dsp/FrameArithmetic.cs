using System.Runtime.CompilerServices;
#if NET8_0_OR_GREATER
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace TfLiteMicro.Signal;

/// <summary>
/// The arithmetic of the ops on one frame of int16 samples or bins (SignalWindow, SignalFftAutoScale, SignalEnergy):
/// for each, the reference function (the definition, TFLM's loop) and beside it the fast function over the same
/// parameters, which gives the same integers at every <see cref="SimdLevel"/> (at <see cref="SimdLevel.Reference"/>
/// it is the reference). The fast loops do the whole vectors and leave the last elements to the reference's element
/// function.
/// </summary>
internal static class FrameArithmetic
{
    /// <summary>One windowed sample: the product shifted right (arithmetic) and saturated to int16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static short WindowSample(short sample, short weight, int shift)
        => (short)Math.Clamp((sample * weight) >> shift, short.MinValue, short.MaxValue);

    /// <summary>SignalWindow: each frame of <paramref name="window"/>.Length samples times the window.</summary>
    public static void WindowReference(int shift, ReadOnlySpan<short> input, ReadOnlySpan<short> window, Span<short> output)
    {
        for (int start = 0; start < input.Length; start += window.Length)
        {
            for (int i = 0; i < window.Length; i++)
                output[start + i] = WindowSample(input[start + i], window[i], shift);
        }
    }

#if NET8_0_OR_GREATER
    /// <summary><see cref="WindowReference"/> on vectors.</summary>
    public static void Window(SimdLevel level, int shift, ReadOnlySpan<short> input, ReadOnlySpan<short> window, Span<short> output)
    {
        if (level == SimdLevel.Reference)
        {
            WindowReference(shift, input, window, output);
            return;
        }
        int n = window.Length;
        if (n == 0 || input.Length % n != 0 || output.Length < input.Length || (uint)shift > 31)
            throw new ArgumentException("window operands do not fit");
        ref short w = ref MemoryMarshal.GetReference(window);
        for (int start = 0; start < input.Length; start += n)
        {
            ref short x = ref Unsafe.Add(ref MemoryMarshal.GetReference(input), start);
            ref short y = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), start);
            int i = 0;
            if (level >= SimdLevel.Avx2 && Avx2.IsSupported)
            {
                Vector128<int> count = Vector128.CreateScalar(shift);
                for (; i + 16 <= n; i += 16)
                {
                    Vector256<short> a = Vector256.LoadUnsafe(ref x, (nuint)i), b = Vector256.LoadUnsafe(ref w, (nuint)i);
                    // The exact 32-bit products from their low and high halves; unpacking and packing keep the order.
                    Vector256<short> low = Avx2.MultiplyLow(a, b), high = Avx2.MultiplyHigh(a, b);
                    Vector256<int> p0 = Avx2.ShiftRightArithmetic(Avx2.UnpackLow(low, high).AsInt32(), count);
                    Vector256<int> p1 = Avx2.ShiftRightArithmetic(Avx2.UnpackHigh(low, high).AsInt32(), count);
                    Avx2.PackSignedSaturate(p0, p1).StoreUnsafe(ref y, (nuint)i);
                }
            }
            else if (level >= SimdLevel.Vector128)
            {
                Vector128<int> min = Vector128.Create((int)short.MinValue), max = Vector128.Create((int)short.MaxValue);
                for (; i + 8 <= n; i += 8)
                {
                    (Vector128<int> a0, Vector128<int> a1) = Vector128.Widen(Vector128.LoadUnsafe(ref x, (nuint)i));
                    (Vector128<int> b0, Vector128<int> b1) = Vector128.Widen(Vector128.LoadUnsafe(ref w, (nuint)i));
                    Vector128<int> p0 = Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(a0 * b0, shift), min), max);
                    Vector128<int> p1 = Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(a1 * b1, shift), min), max);
                    Vector128.Narrow(p0, p1).StoreUnsafe(ref y, (nuint)i);
                }
            }
            for (; i < n; i++) Unsafe.Add(ref y, i) = WindowSample(Unsafe.Add(ref x, i), Unsafe.Add(ref w, i), shift);
        }
    }
#else
    // netstandard2.1 has no vectors, and every level is Reference there.
    public static void Window(SimdLevel level, int shift, ReadOnlySpan<short> input, ReadOnlySpan<short> window, Span<short> output)
        => WindowReference(shift, input, window, output);
#endif

    /// <summary>The left shift that makes the largest magnitude use the full 16 bits (TFLM's formula, 0 at least).</summary>
    private static int ScaleBits(short max)
    {
        int scaleBits = 16 - SignalMath.MostSignificantBit32(unchecked((uint)max)) - 1;
        return scaleBits <= 0 ? 0 : scaleBits;
    }

    /// <summary>SignalFftAutoScale: the frame shifted left by the scale bits, which it returns.</summary>
    public static int AutoScaleReference(ReadOnlySpan<short> input, Span<short> output)
    {
        // The running maximum is an int16 as in TFLM: a sample of -32768 stores 32768 truncated to -32768,
        // which later samples may replace; as an unsigned value it needs 32 bits, so no scaling happens.
        short max = 0;
        foreach (short value in input)
        {
            if (value > max) max = value;
            else if (-value > max) max = unchecked((short)-value);
        }
        int scaleBits = ScaleBits(max);
        for (int i = 0; i < input.Length; i++)
            output[i] = unchecked((short)(input[i] * (1 << scaleBits)));
        return scaleBits;
    }

#if NET8_0_OR_GREATER
    /// <summary>
    /// <see cref="AutoScaleReference"/> on vectors. Without a -32768 sample the running maximum is the largest magnitude,
    /// whatever the order; a frame with one goes to the reference, whose int16 maximum then depends on the order.
    /// </summary>
    public static int AutoScale(SimdLevel level, ReadOnlySpan<short> input, Span<short> output)
    {
        int n = input.Length;
        if (output.Length < n) throw new ArgumentException("auto-scale output is shorter than its input");
        ref short x = ref MemoryMarshal.GetReference(input);
        ref short y = ref MemoryMarshal.GetReference(output);
        int i = 0;
        // Magnitudes as uint16, so that |-32768| = 32768 shows in the maximum.
        Vector128<ushort> magnitudes = default;
        if (level >= SimdLevel.Avx2 && Avx2.IsSupported)
        {
            Vector256<ushort> wide = default;
            for (; i + 16 <= n; i += 16) wide = Avx2.Max(wide, Avx2.Abs(Vector256.LoadUnsafe(ref x, (nuint)i)));
            magnitudes = Vector128.Max(wide.GetLower(), wide.GetUpper());
        }
        else if (level >= SimdLevel.Vector128)
        {
            for (; i + 8 <= n; i += 8) magnitudes = Vector128.Max(magnitudes, Vector128.Abs(Vector128.LoadUnsafe(ref x, (nuint)i)).AsUInt16());
        }
        else
        {
            return AutoScaleReference(input, output);
        }
        int largest = 0;
        for (int lane = 0; lane < Vector128<ushort>.Count; lane++) largest = Math.Max(largest, magnitudes.GetElement(lane));
        for (; i < n; i++) largest = Math.Max(largest, Math.Abs((int)Unsafe.Add(ref x, i)));
        if (largest > short.MaxValue) return AutoScaleReference(input, output);

        int scaleBits = ScaleBits((short)largest);
        i = 0;
        if (level >= SimdLevel.Avx2 && Avx2.IsSupported)
            for (; i + 16 <= n; i += 16) Vector256.ShiftLeft(Vector256.LoadUnsafe(ref x, (nuint)i), scaleBits).StoreUnsafe(ref y, (nuint)i);
        else
            for (; i + 8 <= n; i += 8) Vector128.ShiftLeft(Vector128.LoadUnsafe(ref x, (nuint)i), scaleBits).StoreUnsafe(ref y, (nuint)i);
        for (; i < n; i++) Unsafe.Add(ref y, i) = unchecked((short)(Unsafe.Add(ref x, i) << scaleBits));
        return scaleBits;
    }
#else
    // netstandard2.1 has no vectors, and every level is Reference there.
    public static int AutoScale(SimdLevel level, ReadOnlySpan<short> input, Span<short> output) => AutoScaleReference(input, output);
#endif

    /// <summary>SignalEnergy: the squared magnitude of bins [start, end) (wrapping at 32 bits, as TFLM's uint32 sum); the rest of the output is left alone.</summary>
    public static void EnergyReference(ReadOnlySpan<Complex<short>> input, int start, int end, Span<uint> output)
    {
        for (int i = start; i < end; i++)
        {
            int re = input[i].Real;
            int im = input[i].Imag;
            output[i] = unchecked((uint)(re * re + im * im));
        }
    }

#if NET8_0_OR_GREATER
    /// <summary><see cref="EnergyReference"/> on vectors: a multiply-add of each (real, imaginary) pair with itself.</summary>
    public static void Energy(SimdLevel level, ReadOnlySpan<Complex<short>> input, int start, int end, Span<uint> output)
    {
        if (start < 0 || end < start || end > input.Length || end > output.Length) throw new ArgumentException("energy bins out of range");
        ref short x = ref Unsafe.As<Complex<short>, short>(ref MemoryMarshal.GetReference(input));
        ref int y = ref Unsafe.As<uint, int>(ref MemoryMarshal.GetReference(output));
        int i = start;
        if (level >= SimdLevel.Avx2 && Avx2.IsSupported)
        {
            for (; i + 8 <= end; i += 8)
            {
                Vector256<short> bins = Vector256.LoadUnsafe(ref x, (nuint)(2 * i));
                Avx2.MultiplyAddAdjacent(bins, bins).StoreUnsafe(ref y, (nuint)i);
            }
        }
        else if (level >= SimdLevel.Vector128)
        {
            for (; i + 4 <= end; i += 4)
            {
                Vector128<short> bins = Vector128.LoadUnsafe(ref x, (nuint)(2 * i));
                Int16Pairs.MultiplyAdd(bins, bins).StoreUnsafe(ref y, (nuint)i);
            }
        }
        EnergyReference(input, i, end, output);
    }
#else
    // netstandard2.1 has no vectors, and every level is Reference there.
    public static void Energy(SimdLevel level, ReadOnlySpan<Complex<short>> input, int start, int end, Span<uint> output)
        => EnergyReference(input, start, end, output);
#endif
}
