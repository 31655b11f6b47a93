namespace TfLiteMicro.Kernels;

/// <summary>A function of one row along the innermost dimension (SOFTMAX, LOG_SOFTMAX, L2_NORMALIZATION), row by row.</summary>
internal interface IRowFunction<TIn, TOut>
{
    /// <summary>Writes the function of <paramref name="row"/> to <paramref name="output"/> (as long as the row).</summary>
    void Run(ReadOnlySpan<TIn> row, Span<TOut> output);
}

/// <summary>The walk over the rows of the innermost dimension that the row-wise kernels share.</summary>
internal static class InnermostRows
{
    /// <summary>For each of <paramref name="outer"/> rows of <paramref name="depth"/> values: <paramref name="function"/> of that row.</summary>
    public static void Run<TIn, TOut, TFunction>(ReadOnlySpan<TIn> input, Span<TOut> output, int outer, int depth, TFunction function)
        where TFunction : struct, IRowFunction<TIn, TOut>
    {
        for (int i = 0; i < outer; i++) function.Run(input.Slice(i * depth, depth), output.Slice(i * depth, depth));
    }

    /// <summary>The largest value of a float row, found as the reference softmax functions find it (float.MinValue for an empty row).</summary>
    public static float Max(ReadOnlySpan<float> row)
    {
        float max = float.MinValue;
        foreach (float v in row) max = max < v ? v : max;
        return max;
    }
}
