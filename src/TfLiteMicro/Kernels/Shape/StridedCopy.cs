using System.Runtime.InteropServices;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The one copy engine of the data-movement ops: copies an N-dimensional strided view of a source buffer into an
/// N-dimensional strided view of a destination buffer. Offsets and strides count elements; strides may be zero
/// (broadcast) or negative (reversal). Runs of elements contiguous on both sides are copied as one block.
/// Kernels check <see cref="Fits"/> while preparing, so a run never indexes outside either buffer.
/// </summary>
internal static class StridedCopy
{
    public const int MaxRank = 8;

    /// <summary>Copies <paramref name="counts"/> elements of <paramref name="elementSize"/> bytes.</summary>
    public static void Run(
        ReadOnlySpan<byte> source, int sourceOffset, ReadOnlySpan<int> sourceStrides,
        Span<byte> destination, int destinationOffset, ReadOnlySpan<int> destinationStrides,
        ReadOnlySpan<int> counts, int elementSize)
    {
        int rank = counts.Length;
        foreach (int c in counts)
            if (c <= 0) return;
        if (rank == 0)
        {
            source.Slice(sourceOffset * elementSize, elementSize).CopyTo(destination.Slice(destinationOffset * elementSize, elementSize));
            return;
        }

        int inner = rank - 1;
        int n = counts[inner];
        int ss = sourceStrides[inner], ds = destinationStrides[inner];
        bool block = ss == 1 && ds == 1;
        Span<int> index = stackalloc int[MaxRank];
        index.Clear();
        int s = sourceOffset, d = destinationOffset;
        while (true)
        {
            if (block)
                source.Slice(s * elementSize, n * elementSize).CopyTo(destination.Slice(d * elementSize, n * elementSize));
            else
                CopyRun(source, s, ss, destination, d, ds, n, elementSize);

            int k = inner - 1;
            for (; k >= 0; k--)
            {
                s += sourceStrides[k];
                d += destinationStrides[k];
                if (++index[k] < counts[k]) break;
                s -= sourceStrides[k] * counts[k];
                d -= destinationStrides[k] * counts[k];
                index[k] = 0;
            }
            if (k < 0) return;
        }
    }

    private static void CopyRun(ReadOnlySpan<byte> source, int s, int ss, Span<byte> destination, int d, int ds, int n, int elementSize)
    {
        switch (elementSize)
        {
            case 1: Run(source, s, ss, destination, d, ds, n); break;
            case 2: Run(MemoryMarshal.Cast<byte, short>(source), s, ss, MemoryMarshal.Cast<byte, short>(destination), d, ds, n); break;
            case 4: Run(MemoryMarshal.Cast<byte, int>(source), s, ss, MemoryMarshal.Cast<byte, int>(destination), d, ds, n); break;
            case 8: Run(MemoryMarshal.Cast<byte, long>(source), s, ss, MemoryMarshal.Cast<byte, long>(destination), d, ds, n); break;
            default:
                for (int i = 0; i < n; i++)
                    source.Slice((s + i * ss) * elementSize, elementSize).CopyTo(destination.Slice((d + i * ds) * elementSize, elementSize));
                break;
        }
    }

    private static void Run<T>(ReadOnlySpan<T> source, int s, int ss, Span<T> destination, int d, int ds, int n) where T : unmanaged
    {
        for (int i = 0; i < n; i++, s += ss, d += ds)
            destination[d] = source[s];
    }

    /// <summary>Whether every element the view touches lies in [0, <paramref name="elements"/>).</summary>
    public static bool Fits(int elements, long offset, ReadOnlySpan<int> strides, ReadOnlySpan<int> counts)
    {
        long min = offset, max = offset;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] <= 0) return true;
            long reach = (long)strides[i] * (counts[i] - 1);
            if (reach < 0) min += reach; else max += reach;
        }
        return min >= 0 && max < elements;
    }

    /// <summary>Row-major strides (in elements) of <paramref name="shape"/>.</summary>
    public static int[] RowMajorStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int stride = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = stride;
            stride *= shape[i];
        }
        return strides;
    }
}

/// <summary>A copy prepared once: the counts and strides of both views, with mergeable dimensions merged.</summary>
internal sealed class CopyPlan
{
    private readonly int[] _counts;
    private readonly int[] _sourceStrides;
    private readonly int[] _destinationStrides;

    private CopyPlan(int[] counts, int[] sourceStrides, int sourceOffset, int[] destinationStrides, int destinationOffset, int elementSize)
    {
        _counts = counts;
        _sourceStrides = sourceStrides;
        _destinationStrides = destinationStrides;
        SourceOffset = sourceOffset;
        DestinationOffset = destinationOffset;
        ElementSize = elementSize;
    }

    public int SourceOffset { get; }
    public int DestinationOffset { get; }
    public int ElementSize { get; }

    /// <summary>
    /// Builds a plan, dropping dimensions of size 1 and merging neighbours that are contiguous in both views.
    /// Returns null when either view reaches outside its buffer (<paramref name="sourceElements"/>,
    /// <paramref name="destinationElements"/>), or the rank exceeds <see cref="StridedCopy.MaxRank"/>.
    /// </summary>
    public static CopyPlan? Create(
        int elementSize, ReadOnlySpan<int> counts,
        ReadOnlySpan<int> sourceStrides, int sourceOffset, int sourceElements,
        ReadOnlySpan<int> destinationStrides, int destinationOffset, int destinationElements)
    {
        if (counts.Length > StridedCopy.MaxRank || counts.Length != sourceStrides.Length || counts.Length != destinationStrides.Length)
            return null;
        if (!StridedCopy.Fits(sourceElements, sourceOffset, sourceStrides, counts)
            || !StridedCopy.Fits(destinationElements, destinationOffset, destinationStrides, counts))
            return null;
        var c = new List<int>(counts.Length);
        var s = new List<int>(counts.Length);
        var d = new List<int>(counts.Length);
        bool empty = false;
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0) empty = true;
            if (counts[i] == 1) continue;
            int last = c.Count - 1;
            if (last >= 0 && s[last] == sourceStrides[i] * counts[i] && d[last] == destinationStrides[i] * counts[i])
            {
                c[last] *= counts[i];
                s[last] = sourceStrides[i];
                d[last] = destinationStrides[i];
                continue;
            }
            c.Add(counts[i]);
            s.Add(sourceStrides[i]);
            d.Add(destinationStrides[i]);
        }
        if (empty) { c.Clear(); s.Clear(); d.Clear(); c.Add(0); s.Add(1); d.Add(1); }
        return new CopyPlan([.. c], [.. s], sourceOffset, [.. d], destinationOffset, elementSize);
    }

    public void Run(ReadOnlySpan<byte> source, Span<byte> destination)
        => StridedCopy.Run(source, SourceOffset, _sourceStrides, destination, DestinationOffset, _destinationStrides, _counts, ElementSize);

    /// <summary>Runs the plan with both offsets moved by whole elements (for ops that repeat one pattern).</summary>
    public void Run(ReadOnlySpan<byte> source, int sourceShift, Span<byte> destination, int destinationShift)
        => StridedCopy.Run(source, SourceOffset + sourceShift, _sourceStrides, destination, DestinationOffset + destinationShift, _destinationStrides, _counts, ElementSize);
}
