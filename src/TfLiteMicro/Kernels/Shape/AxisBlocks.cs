namespace TfLiteMicro.Kernels;

/// <summary>
/// Plans for the ops that join or cut tensors along one axis (CONCATENATION, PACK, UNPACK, SPLIT, SPLIT_V): each part
/// is a block of <c>outer</c> rows; a row holds the part's slice of the axis times the inner size.
/// </summary>
internal static class AxisBlocks
{
    /// <summary>The copy of one part: a row of <paramref name="partRow"/> elements at <paramref name="partOffset"/> of a row of <paramref name="wholeRow"/>.</summary>
    public static CopyPlan? Plan(int elementSize, int outer, int partRow, int wholeRow, int partOffset, bool intoWhole)
    {
        int[] counts = [outer, partRow];
        int[] part = [partRow, 1];
        int[] whole = [wholeRow, 1];
        int partElements = outer * partRow, wholeElements = outer * wholeRow;
        return intoWhole
            ? CopyPlan.Create(elementSize, counts, part, 0, partElements, whole, partOffset, wholeElements)
            : CopyPlan.Create(elementSize, counts, whole, partOffset, wholeElements, part, 0, partElements);
    }

    public static int Outer(ReadOnlySpan<int> shape, int axis)
    {
        int p = 1;
        for (int i = 0; i < axis; i++) p *= shape[i];
        return p;
    }

    public static int Inner(ReadOnlySpan<int> shape, int axis)
    {
        int p = 1;
        for (int i = axis + 1; i < shape.Length; i++) p *= shape[i];
        return p;
    }
}
