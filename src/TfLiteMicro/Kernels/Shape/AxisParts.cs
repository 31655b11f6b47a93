using System.Runtime.InteropServices;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The parameters of the ops that join tensors along one axis or cut one tensor along it (CONCATENATION, PACK, UNPACK,
/// SPLIT, SPLIT_V). The whole tensor is <see cref="Rows"/> rows (the dimensions before the axis) of
/// <see cref="WholeRowBytes"/> bytes; part k is <see cref="Rows"/> rows of <c>PartRowBytes(k)</c> bytes (its size along
/// the axis times the bytes of the dimensions after it) and fills that many bytes of every whole row, after the parts
/// before it. Built once in Prepare with every product checked in 64-bit arithmetic against the tensors' byte sizes,
/// so no copy can reach outside either tensor.
/// </summary>
internal readonly struct AxisParts
{
    // One entry per part (at most the op's input or output count): the only per-node table, kept off the arena so the
    // arena is no larger than the copy plans it replaces.
    private readonly int[] _partRowBytes;

    private AxisParts(int rows, int wholeRowBytes, int[] partRowBytes, bool fast)
    {
        Rows = rows;
        WholeRowBytes = wholeRowBytes;
        _partRowBytes = partRowBytes;
        Fast = fast;
    }

    /// <summary>The rows of the whole tensor: the product of the dimensions before the axis.</summary>
    public int Rows { get; }

    /// <summary>The bytes of one whole row: the axis size times the bytes of the dimensions after it.</summary>
    public int WholeRowBytes { get; }

    /// <summary>Whether Invoke takes the fast copy (whole blocks, small rows as typed elements) rather than the reference one.</summary>
    public bool Fast { get; }

    /// <summary>The number of parts.</summary>
    public int Count => _partRowBytes?.Length ?? 0;

    /// <summary>The bytes part <paramref name="k"/> holds in each row.</summary>
    public int PartRowBytes(int k) => _partRowBytes[k];

    /// <summary>
    /// The plan that joins inputs 0.. (<paramref name="partSizes"/>.Length of them, each that size along the axis) into
    /// output 0 along <paramref name="axis"/>, once the output's shape is set.
    /// </summary>
    public static AxisParts ForJoin(PrepareContext context, int axis, ReadOnlySpan<int> partSizes)
    {
        Tensor whole = context.Output(0);
        var partBytes = new long[partSizes.Length];
        for (int k = 0; k < partSizes.Length; k++) partBytes[k] = context.Input(k).ByteCount;
        return Create(context, whole.Shape, axis, TensorTypes.ElementSize(whole.Type), partSizes, partBytes, whole.ByteCount);
    }

    /// <summary>
    /// The plan that cuts input <paramref name="input"/> along <paramref name="axis"/> into outputs 0..
    /// (<paramref name="partSizes"/>.Length of them, each that size along the axis), once their shapes are set.
    /// </summary>
    public static AxisParts ForCut(PrepareContext context, int input, int axis, ReadOnlySpan<int> partSizes)
    {
        Tensor whole = context.Input(input);
        var partBytes = new long[partSizes.Length];
        for (int k = 0; k < partSizes.Length; k++) partBytes[k] = context.Output(k).ByteCount;
        return Create(context, whole.Shape, axis, TensorTypes.ElementSize(whole.Type), partSizes, partBytes, whole.ByteCount);
    }

    /// <summary>
    /// Rejects sizes that do not add up to the axis and any size that overflows, and checks each part's byte size
    /// against <paramref name="partBytes"/> and the whole's against <paramref name="wholeBytes"/> (the tensors' own).
    /// </summary>
    private static AxisParts Create(PrepareContext context, ReadOnlySpan<int> wholeShape, int axis, int elementSize,
        ReadOnlySpan<int> partSizes, ReadOnlySpan<long> partBytes, long wholeBytes)
    {
        if ((uint)axis >= (uint)wholeShape.Length) throw context.Error($"axis {axis} is outside rank {wholeShape.Length}");
        long rows = Product(context, wholeShape.Slice(0, axis), 1);
        long inner = Product(context, wholeShape.Slice(axis + 1), elementSize);
        long wholeRow = Checked(context, (long)wholeShape[axis] * inner);
        if (rows * wholeRow != wholeBytes) throw context.Error($"the whole tensor holds {wholeBytes} bytes, not {rows * wholeRow}");
        var partRowBytes = new int[partSizes.Length];
        long sum = 0;
        for (int k = 0; k < partSizes.Length; k++)
        {
            if (partSizes[k] < 0) throw context.Error($"part {k} has size {partSizes[k]} along the axis");
            long row = Checked(context, partSizes[k] * inner);
            if (rows * row != partBytes[k]) throw context.Error($"part {k} holds {partBytes[k]} bytes, not {rows * row}");
            partRowBytes[k] = (int)row;
            sum += partSizes[k];
        }
        if (sum != wholeShape[axis]) throw context.Error($"the parts' sizes add up to {sum}, not the axis size {wholeShape[axis]}");
        return new AxisParts((int)rows, (int)wholeRow, partRowBytes, context.SimdLevel != SimdLevel.Reference);
    }

    /// <summary>Copies inputs <paramref name="firstInput"/>.. (one per part) into output 0.</summary>
    public void Join(InvokeContext context, int firstInput)
    {
        Span<byte> whole = context.Output<byte>(0);
        for (int k = 0, at = 0; k < Count; at += _partRowBytes[k], k++)
            Copy(context.Input<byte>(firstInput + k), _partRowBytes[k], 0, whole, WholeRowBytes, at, Rows, _partRowBytes[k], Fast);
    }

    /// <summary>Copies input <paramref name="input"/> into outputs 0.. (one per part).</summary>
    public void Cut(InvokeContext context, int input)
    {
        ReadOnlySpan<byte> whole = context.Input<byte>(input);
        for (int k = 0, at = 0; k < Count; at += _partRowBytes[k], k++)
            Copy(whole, WholeRowBytes, at, context.Output<byte>(k), _partRowBytes[k], 0, Rows, _partRowBytes[k], Fast);
    }

    /// <summary>
    /// Copies <paramref name="rows"/> runs of <paramref name="rowBytes"/> bytes, run r from
    /// <c>sourceStart + r × sourceStride</c> to <c>destinationStart + r × destinationStride</c>. The reference copy takes
    /// one run at a time, as TFLM does; the fast one copies runs contiguous on both sides as one block and runs of 1, 2,
    /// 4 or 8 bytes as typed elements. Both write exactly the same bytes.
    /// </summary>
    internal static void Copy(ReadOnlySpan<byte> source, int sourceStride, int sourceStart,
        Span<byte> destination, int destinationStride, int destinationStart, int rows, int rowBytes, bool fast)
    {
        if (rows == 0 || rowBytes == 0) return;
        if (!fast)
        {
            for (int r = 0; r < rows; r++)
                source.Slice(sourceStart + r * sourceStride, rowBytes).CopyTo(destination.Slice(destinationStart + r * destinationStride, rowBytes));
            return;
        }
        if (rows == 1 || (sourceStride == rowBytes && destinationStride == rowBytes))
        {
            source.Slice(sourceStart, rows * rowBytes).CopyTo(destination.Slice(destinationStart, rows * rowBytes));
            return;
        }
        ReadOnlySpan<byte> from = source.Slice(sourceStart, (rows - 1) * sourceStride + rowBytes);
        Span<byte> to = destination.Slice(destinationStart, (rows - 1) * destinationStride + rowBytes);
        // A row of 2 bytes in a whole row of 3 cannot be read as elements: the strides must be whole elements.
        bool elements = sourceStride % rowBytes == 0 && destinationStride % rowBytes == 0;
        switch (elements ? rowBytes : 0)
        {
            case 1: CopyElements(from, sourceStride, to, destinationStride, rows); break;
            case 2: CopyElements(MemoryMarshal.Cast<byte, short>(from), sourceStride / 2, MemoryMarshal.Cast<byte, short>(to), destinationStride / 2, rows); break;
            case 4: CopyElements(MemoryMarshal.Cast<byte, int>(from), sourceStride / 4, MemoryMarshal.Cast<byte, int>(to), destinationStride / 4, rows); break;
            case 8: CopyElements(MemoryMarshal.Cast<byte, long>(from), sourceStride / 8, MemoryMarshal.Cast<byte, long>(to), destinationStride / 8, rows); break;
            default:
                for (int r = 0, s = 0, d = 0; r < rows; r++, s += sourceStride, d += destinationStride)
                    from.Slice(s, rowBytes).CopyTo(to.Slice(d, rowBytes));
                break;
        }
    }

    private static void CopyElements<T>(ReadOnlySpan<T> source, int sourceStride, Span<T> destination, int destinationStride, int rows)
        where T : unmanaged
    {
        for (int r = 0, s = 0, d = 0; r < rows; r++, s += sourceStride, d += destinationStride)
            destination[d] = source[s];
    }

    private static long Product(PrepareContext context, ReadOnlySpan<int> dimensions, long start)
    {
        long product = start;
        foreach (int dimension in dimensions)
        {
            if (dimension < 0) throw context.Error($"dimension {dimension} is negative");
            product = Checked(context, product * dimension);
        }
        return product;
    }

    private static long Checked(PrepareContext context, long value)
        => value <= int.MaxValue ? value : throw context.Error($"{value} bytes exceed the largest tensor");
}
