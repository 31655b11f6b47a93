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
            BinaryBroadcast(a, b, output, shape, op);
            return;
        }
        int n = shape.ElementCount;
        a = a[..n];
        b = b[..n];
        output = output[..n];
        for (int i = 0; i < n; i++) output[i] = op.Invoke(a[i], b[i]);
    }

    // Kept apart from the flat loop so that loop's method has no stack buffers.
    private static void BinaryBroadcast<TIn, TOut, TOp>(ReadOnlySpan<TIn> a, ReadOnlySpan<TIn> b, Span<TOut> output, in BroadcastShape shape, TOp op)
        where TOp : struct, IBinaryOperator<TIn, TOut>
    {
        Span<int> dims = stackalloc int[BroadcastShape.MaxRank], sa = stackalloc int[BroadcastShape.MaxRank], sb = stackalloc int[BroadcastShape.MaxRank];
        shape.FillOutputDims(dims);
        shape.FillStrides(0, sa);
        shape.FillStrides(1, sb);
        int o = 0;
        int inner = dims[5], innerA = sa[5], innerB = sb[5];
        for (int d0 = 0; d0 < dims[0]; d0++)
        for (int d1 = 0; d1 < dims[1]; d1++)
        for (int d2 = 0; d2 < dims[2]; d2++)
        for (int d3 = 0; d3 < dims[3]; d3++)
        for (int d4 = 0; d4 < dims[4]; d4++)
        {
            int ia = d0 * sa[0] + d1 * sa[1] + d2 * sa[2] + d3 * sa[3] + d4 * sa[4];
            int ib = d0 * sb[0] + d1 * sb[1] + d2 * sb[2] + d3 * sb[3] + d4 * sb[4];
            for (int d5 = 0; d5 < inner; d5++, o++, ia += innerA, ib += innerB)
                output[o] = op.Invoke(a[ia], b[ib]);
        }
    }

    /// <summary>The broadcasting walk for operators over two different element types (PRELU's int16 input with int8 alpha).</summary>
    public static void BinaryMixed<TA, TB, TOut, TOp>(ReadOnlySpan<TA> a, ReadOnlySpan<TB> b, Span<TOut> output, BroadcastShape shape, TOp op)
        where TOp : struct, IMixedBinaryOperator<TA, TB, TOut>
    {
        if (shape.IsElementwise)
        {
            int n = shape.ElementCount;
            for (int i = 0; i < n; i++) output[i] = op.Invoke(a[i], b[i]);
            return;
        }

        Span<int> dims = stackalloc int[BroadcastShape.MaxRank], sa = stackalloc int[BroadcastShape.MaxRank], sb = stackalloc int[BroadcastShape.MaxRank];
        shape.FillOutputDims(dims);
        shape.FillStrides(0, sa);
        shape.FillStrides(1, sb);
        int o = 0;
        for (int d0 = 0; d0 < dims[0]; d0++)
        for (int d1 = 0; d1 < dims[1]; d1++)
        for (int d2 = 0; d2 < dims[2]; d2++)
        for (int d3 = 0; d3 < dims[3]; d3++)
        for (int d4 = 0; d4 < dims[4]; d4++)
        {
            int ia = Offset(sa, d0, d1, d2, d3, d4);
            int ib = Offset(sb, d0, d1, d2, d3, d4);
            for (int d5 = 0; d5 < dims[5]; d5++, o++, ia += sa[5], ib += sb[5])
                output[o] = op.Invoke(a[ia], b[ib]);
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

        Span<int> dims = stackalloc int[BroadcastShape.MaxRank], sc = stackalloc int[BroadcastShape.MaxRank];
        Span<int> sx = stackalloc int[BroadcastShape.MaxRank], sy = stackalloc int[BroadcastShape.MaxRank];
        shape.FillOutputDims(dims);
        shape.FillStrides(0, sc);
        shape.FillStrides(1, sx);
        shape.FillStrides(2, sy);
        int o = 0;
        for (int d0 = 0; d0 < dims[0]; d0++)
        for (int d1 = 0; d1 < dims[1]; d1++)
        for (int d2 = 0; d2 < dims[2]; d2++)
        for (int d3 = 0; d3 < dims[3]; d3++)
        for (int d4 = 0; d4 < dims[4]; d4++)
        {
            int ic = Offset(sc, d0, d1, d2, d3, d4);
            int ix = Offset(sx, d0, d1, d2, d3, d4);
            int iy = Offset(sy, d0, d1, d2, d3, d4);
            for (int d5 = 0; d5 < dims[5]; d5++, o++, ic += sc[5], ix += sx[5], iy += sy[5])
                output[o] = condition[ic] != 0 ? x[ix] : y[iy];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Offset(Span<int> s, int d0, int d1, int d2, int d3, int d4)
        => d0 * s[0] + d1 * s[1] + d2 * s[2] + d3 * s[3] + d4 * s[4];
}
