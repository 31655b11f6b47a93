using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>
/// Float dot products of one row with many weight rows, the inner loop of the optimized float FULLY_CONNECTED and
/// CONV_2D. Sums are vectorized along the row, so they round differently from the reference's sequential sum
/// (within the float tolerance, not bit for bit).
/// </summary>
internal static class FloatDot
{
    /// <summary>For each o in [0, n): sums[o] = sum over d &lt; depth of row[d] * weights[o * depth + d] (+ bias[o] when given), clamped.</summary>
    public static void Rows(SimdLevel level, ReadOnlySpan<float> row, ReadOnlySpan<float> weights, int depth, int n,
        ReadOnlySpan<float> bias, float min, float max, Span<float> output)
    {
        if (depth < 0 || n < 0 || row.Length < depth || (long)n * depth > weights.Length || output.Length < n || (!bias.IsEmpty && bias.Length < n))
            throw new ArgumentException("dot product operands are too short");
        ref float x = ref MemoryMarshal.GetReference(row);
        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float y = ref MemoryMarshal.GetReference(output);
        ref float b = ref MemoryMarshal.GetReference(bias);
        bool hasBias = !bias.IsEmpty;
        int o = 0;
        if (level >= SimdLevel.Avx2 && Fma.IsSupported)
        {
            // Whole 8-value steps, then one over the last 8 values whose products earlier steps counted are zeroed (every
            // load within the row; the products, not the values, so that an infinity there adds no NaN); four rows'
            // totals by horizontal adds. Rows shorter than one step: four sequential sums.
            int full = (depth - 1) & ~7, lastStart = depth - 8;
            Vector256<float> last = depth >= 8 ? Vector256.LoadUnsafe(ref x, (nuint)lastStart) : default;
            Vector256<float> fresh = Vector256.GreaterThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(full - lastStart - 1)).AsSingle();
            for (; o + 4 <= n; o += 4)
            {
                ref float w0 = ref Unsafe.Add(ref w, o * depth);
                ref float w1 = ref Unsafe.Add(ref w0, depth);
                ref float w2 = ref Unsafe.Add(ref w1, depth);
                ref float w3 = ref Unsafe.Add(ref w2, depth);
                float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
                if (depth >= 8)
                {
                    Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
                    for (int d = 0; d < full; d += 8)
                    {
                        Vector256<float> v = Vector256.LoadUnsafe(ref x, (nuint)d);
                        a0 = Fma.MultiplyAdd(v, Vector256.LoadUnsafe(ref w0, (nuint)d), a0);
                        a1 = Fma.MultiplyAdd(v, Vector256.LoadUnsafe(ref w1, (nuint)d), a1);
                        a2 = Fma.MultiplyAdd(v, Vector256.LoadUnsafe(ref w2, (nuint)d), a2);
                        a3 = Fma.MultiplyAdd(v, Vector256.LoadUnsafe(ref w3, (nuint)d), a3);
                    }
                    a0 += last * Vector256.LoadUnsafe(ref w0, (nuint)lastStart) & fresh;
                    a1 += last * Vector256.LoadUnsafe(ref w1, (nuint)lastStart) & fresh;
                    a2 += last * Vector256.LoadUnsafe(ref w2, (nuint)lastStart) & fresh;
                    a3 += last * Vector256.LoadUnsafe(ref w3, (nuint)lastStart) & fresh;
                    Vector256<float> pairs = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
                    Vector128<float> totals = pairs.GetLower() + pairs.GetUpper();
                    (s0, s1, s2, s3) = (totals.GetElement(0), totals.GetElement(1), totals.GetElement(2), totals.GetElement(3));
                }
                else
                {
                    for (int d = 0; d < depth; d++)
                    {
                        float v = Unsafe.Add(ref x, d);
                        s0 += v * Unsafe.Add(ref w0, d);
                        s1 += v * Unsafe.Add(ref w1, d);
                        s2 += v * Unsafe.Add(ref w2, d);
                        s3 += v * Unsafe.Add(ref w3, d);
                    }
                }
                Finish(ref y, o, s0, hasBias, ref b, min, max);
                Finish(ref y, o + 1, s1, hasBias, ref b, min, max);
                Finish(ref y, o + 2, s2, hasBias, ref b, min, max);
                Finish(ref y, o + 3, s3, hasBias, ref b, min, max);
            }
        }
        for (; o < n; o++)
        {
            ref float w0 = ref Unsafe.Add(ref w, o * depth);
            Vector128<float> a0 = default;
            int d = 0;
            for (; d + 4 <= depth; d += 4)
                a0 += Vector128.LoadUnsafe(ref x, (nuint)d) * Vector128.LoadUnsafe(ref w0, (nuint)d);
            float s0 = Vector128.Sum(a0);
            for (; d < depth; d++) s0 += Unsafe.Add(ref x, d) * Unsafe.Add(ref w0, d);
            Finish(ref y, o, s0, hasBias, ref b, min, max);
        }
    }

    /// <summary>Output o from its sum (o &lt; n, checked on entry to <see cref="Rows"/> for the output and the bias).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Finish(ref float output, int o, float total, bool hasBias, ref float bias, float min, float max)
        => Unsafe.Add(ref output, o) = Math.Min(Math.Max(total + (hasBias ? Unsafe.Add(ref bias, o) : 0f), min), max);
}
