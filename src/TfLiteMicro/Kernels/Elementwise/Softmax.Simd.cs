using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The optimized int8-input path of SOFTMAX. An int8 element differs from its row's maximum by 0 to 255, so the
/// reference's fixed-point exp (and its Q12 term of the sum) takes only 256 values: Prepare tabulates them with the
/// reference's own arithmetic (0 below diff_min, which the reference skips in the sum and maps to the lowest output).
/// Invoke looks them up; the row's reciprocal and the final scaling are the reference's calls, so the bytes are the same.
/// </summary>
public sealed partial class Softmax
{
    private const int DifferenceCount = 256;

    /// <summary>Handle of the persistent table: exp in Q0.31 by difference, then the same as Q12 sum terms; -1 without it.</summary>
    private int _expTableHandle = -1;

    private void PrepareOptimized(PrepareContext context)
    {
        _expTableHandle = -1;
        if (Simd.For(context) == SimdLevel.Reference) return;
        Span<int> table = stackalloc int[2 * DifferenceCount];
        for (int d = 0; d < DifferenceCount; d++)
        {
            int diff = -d;
            bool kept = diff >= _diffMin;
            table[d] = kept ? ExpOfDifference(diff) : 0;
            table[DifferenceCount + d] = kept ? ToAccumulation(table[d]) : 0;
        }
        _expTableHandle = context.AllocatePersistent<int>(table);
    }

    private void SoftmaxInt8Optimized<TOut>(InvokeContext context, ReadOnlySpan<sbyte> input, Span<TOut> output)
        where TOut : unmanaged, IBinaryInteger<TOut>, IMinMaxValue<TOut>
    {
        int outputBits = typeof(TOut) == typeof(short) ? 16 : 8;
        int outMin = int.CreateTruncating(TOut.MinValue), outMax = int.CreateTruncating(TOut.MaxValue);
        ReadOnlySpan<int> table = context.Persistent<int>(_expTableHandle);
        if (table.Length < 2 * DifferenceCount) throw context.Error("softmax exp table is missing");
        ref int exps = ref MemoryMarshal.GetReference(table);
        ref int terms = ref Unsafe.Add(ref exps, DifferenceCount);
        // The outputs by difference, for rows longer than their span of values (each entry is computed once per row).
        Span<TOut> byDifference = stackalloc TOut[DifferenceCount];
        for (int i = 0; i < _outer; i++)
        {
            ReadOnlySpan<sbyte> row = input.Slice(i * _depth, _depth);
            Span<TOut> outRow = output.Slice(i * _depth, _depth);
            (int max, int min) = MaxMin(row);

            // Differences index the tables: max - v lies in [0, 255] since max is the row's maximum.
            int sumOfExps = 0;
            foreach (sbyte v in row) sumOfExps = unchecked(sumOfExps + Unsafe.Add(ref terms, max - v));

            int shiftedScale = Normalisation(context, sumOfExps, outputBits, out int exponent);
            int span = max - min + 1;
            if (span < row.Length)
            {
                for (int d = 0; d < span; d++)
                    byDifference[d] = TOut.CreateTruncating(Normalised(Unsafe.Add(ref exps, d), shiftedScale, exponent, outMin, outMax));
                ref TOut lookup = ref MemoryMarshal.GetReference(byDifference);
                for (int c = 0; c < row.Length; c++) outRow[c] = Unsafe.Add(ref lookup, max - row[c]);
            }
            else
            {
                for (int c = 0; c < row.Length; c++)
                    outRow[c] = TOut.CreateTruncating(Normalised(Unsafe.Add(ref exps, max - row[c]), shiftedScale, exponent, outMin, outMax));
            }
        }
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
