using System.Runtime.CompilerServices;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The loops every element-wise kernel shares: a flat loop when shapes agree, and a walk over the (padded, 6-D)
/// output with per-input strides when inputs broadcast. Operators are structs, so each loop is compiled for its operator.
/// </summary>
internal static class ElementwiseDriver
{
    public static void Unary<TIn, TOut, TOp>(ReadOnlySpan<TIn> input, Span<TOut> output, TOp op)
        where TOp : struct, IUnaryOperator<TIn, TOut>
    {
        int n = Math.Min(input.Length, output.Length);
        for (int i = 0; i < n; i++) output[i] = op.Invoke(input[i]);
    }

    // Not inlined: inside a caller's switch over operations the flat loop would share that method's registers with
    // every other case and reload its operator's fields on each element.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Binary<TIn, TOut, TOp>(ReadOnlySpan<TIn> a, ReadOnlySpan<TIn> b, Span<TOut> output, in BroadcastShape shape, TOp op)
        where TOp : struct, IBinaryOperator<TIn, TOut>
    {
        if (!shape.IsElementwise)
        {
            Broadcast<TIn, TIn, TOut, TOp>(a, b, output, shape, op);
            return;
        }
        int n = shape.ElementCount;
        a = a[..n];
        b = b[..n];
        output = output[..n];
        for (int i = 0; i < n; i++) output[i] = op.Invoke(a[i], b[i]);
    }

    /// <summary>The element-wise loop for operators over two different element types (PRELU's alpha is int8 for int16 inputs).</summary>
    public static void BinaryMixed<TA, TB, TOut, TOp>(ReadOnlySpan<TA> a, ReadOnlySpan<TB> b, Span<TOut> output, BroadcastShape shape, TOp op)
        where TOp : struct, IMixedBinaryOperator<TA, TB, TOut>
    {
        if (shape.IsElementwise)
        {
            int n = shape.ElementCount;
            for (int i = 0; i < n; i++) output[i] = op.Invoke(a[i], b[i]);
            return;
        }
        Broadcast<TA, TB, TOut, TOp>(a, b, output, shape, op);
    }

    // Kept apart from the flat loops so their methods have no stack buffers.
    private static void Broadcast<TA, TB, TOut, TOp>(ReadOnlySpan<TA> a, ReadOnlySpan<TB> b, Span<TOut> output, in BroadcastShape shape, TOp op)
        where TOp : struct, IMixedBinaryOperator<TA, TB, TOut>
    {
        var rows = new BroadcastRows(shape, 2, stackalloc int[BroadcastRows.BufferInts]);
        int inner = rows.Length, stepA = rows.Step(0), stepB = rows.Step(1);
        for (int o = 0; rows.MoveNext();)
        {
            int ia = rows.Offset(0), ib = rows.Offset(1);
            for (int k = 0; k < inner; k++, o++, ia += stepA, ib += stepB) output[o] = op.Invoke(a[ia], b[ib]);
        }
    }

    /// <summary>SELECT_V2's walk: a bool condition picks from two broadcast inputs.</summary>
    public static void Select<T>(ReadOnlySpan<byte> condition, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> output, BroadcastShape shape)
    {
        if (shape.IsElementwise)
        {
            int n = shape.ElementCount;
            for (int i = 0; i < n; i++) output[i] = condition[i] != 0 ? x[i] : y[i];
            return;
        }

        var rows = new BroadcastRows(shape, 3, stackalloc int[BroadcastRows.BufferInts]);
        int inner = rows.Length, stepC = rows.Step(0), stepX = rows.Step(1), stepY = rows.Step(2);
        for (int o = 0; rows.MoveNext();)
        {
            int ic = rows.Offset(0), ix = rows.Offset(1), iy = rows.Offset(2);
            for (int k = 0; k < inner; k++, o++, ic += stepC, ix += stepX, iy += stepY)
                output[o] = condition[ic] != 0 ? x[ix] : y[iy];
        }
    }
}
