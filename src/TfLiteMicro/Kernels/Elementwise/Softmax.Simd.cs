using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The optimized int8-input path of SOFTMAX. An int8 element differs from its row's maximum by 0 to 255, so the
/// reference's fixed-point exp (and its Q12 term of the sum) takes at most 256 values per invoke: each is computed once,
/// when a row's span of values first reaches it, with the reference's own arithmetic (0 below diff_min, which the reference leaves out of the sum
/// and maps to the lowest output), into a table on the stack (the arena's persistent part stays as small as TFLM's).
/// The row's reciprocal and the final scaling are the reference's calls, so the bytes are the same.
/// </summary>
internal sealed partial class Softmax
{
    private const int DifferenceCount = 256;

    private bool _int8Optimized;

    private void PrepareOptimized(PrepareContext context) => _int8Optimized = Simd.For(context) != SimdLevel.Reference;

    private void SoftmaxInt8Optimized<TOut>(InvokeContext context, ReadOnlySpan<sbyte> input, Span<TOut> output)
        where TOut : unmanaged, IBinaryInteger<TOut>, IMinMaxValue<TOut>
    {
        int outputBits = typeof(TOut) == typeof(short) ? 16 : 8;
        int outMin = int.CreateTruncating(TOut.MinValue), outMax = int.CreateTruncating(TOut.MaxValue);
        // By difference from the row's maximum: exp in Q0.31 (-1 until computed) and its Q12 term of the sum.
        Span<int> expTable = stackalloc int[DifferenceCount];
        Span<int> termTable = stackalloc int[DifferenceCount];
        expTable.Fill(-1);
        ref int exps = ref MemoryMarshal.GetReference(expTable);
        ref int terms = ref MemoryMarshal.GetReference(termTable);
        // The outputs by difference, for rows longer than their span of values (each entry is computed once per row).
        Span<TOut> byDifference = stackalloc TOut[DifferenceCount];
        ref TOut lookup = ref MemoryMarshal.GetReference(byDifference);
        for (int i = 0; i < _outer; i++)
        {
            ReadOnlySpan<sbyte> row = input.Slice(i * _depth, _depth);
            Span<TOut> outRow = output.Slice(i * _depth, _depth);
            (int max, int min) = MaxMin(row);

            // Differences index the tables: max - v lies in [0, span) within [0, 255], since max and min bound the row.
            int span = max - min + 1;
            ref sbyte x = ref MemoryMarshal.GetReference(row);
            int sumOfExps = 0;
            if (span <= row.Length)
            {
                // Long rows: every difference of the span first (some may not occur), then a plain sum.
                for (int d = 0; d < span; d++) EnsureExp(ref exps, ref terms, d);
                for (int c = 0; c < row.Length; c++) sumOfExps = unchecked(sumOfExps + Unsafe.Add(ref terms, max - Unsafe.Add(ref x, c)));
            }
            else
            {
                // Short rows: only the differences that occur.
                for (int c = 0; c < row.Length; c++)
                {
                    int d = max - Unsafe.Add(ref x, c);
                    EnsureExp(ref exps, ref terms, d);
                    sumOfExps = unchecked(sumOfExps + Unsafe.Add(ref terms, d));
                }
            }

            int shiftedScale = Normalisation(context, sumOfExps, outputBits, out int exponent);
            ref TOut y = ref MemoryMarshal.GetReference(outRow);
            if (span < row.Length)
            {
                for (int d = 0; d < span; d++)
                    Unsafe.Add(ref lookup, d) = TOut.CreateTruncating(Normalised(Unsafe.Add(ref exps, d), shiftedScale, exponent, outMin, outMax));
                for (int c = 0; c < row.Length; c++) Unsafe.Add(ref y, c) = Unsafe.Add(ref lookup, max - Unsafe.Add(ref x, c));
            }
            else
            {
                for (int c = 0; c < row.Length; c++)
                    Unsafe.Add(ref y, c) = TOut.CreateTruncating(Normalised(Unsafe.Add(ref exps, max - Unsafe.Add(ref x, c)), shiftedScale, exponent, outMin, outMax));
            }
        }
    }

    /// <summary>Fills the tables' entries for difference <paramref name="d"/> unless already there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureExp(ref int exps, ref int terms, int d)
    {
        if (Unsafe.Add(ref exps, d) >= 0) return;
        int exp = -d >= _diffMin ? ExpOfDifference(-d) : 0;
        Unsafe.Add(ref exps, d) = exp;
        Unsafe.Add(ref terms, d) = exp == 0 ? 0 : ToAccumulation(exp);
    }

    /// <summary>The largest and smallest element of a non-empty row, sixteen at a time.</summary>
    private static (int Max, int Min) MaxMin(ReadOnlySpan<sbyte> row)
    {
        int c = 0, max = sbyte.MinValue, min = sbyte.MaxValue;
        if (row.Length >= 16)
        {
            ref sbyte x = ref MemoryMarshal.GetReference(row);
            Vector128<sbyte> vmax = Vector128.Create(sbyte.MinValue), vmin = Vector128.Create(sbyte.MaxValue);
            for (; c + 16 <= row.Length; c += 16)
            {
                Vector128<sbyte> v = Vector128.LoadUnsafe(ref x, (nuint)c);
                vmax = Vector128.Max(vmax, v);
                vmin = Vector128.Min(vmin, v);
            }
            for (int k = 0; k < 16; k++)
            {
                max = Math.Max(max, vmax.GetElement(k));
                min = Math.Min(min, vmin.GetElement(k));
            }
        }
        for (; c < row.Length; c++)
        {
            max = Math.Max(max, row[c]);
            min = Math.Min(min, row[c]);
        }
        return (max, min);
    }
}
