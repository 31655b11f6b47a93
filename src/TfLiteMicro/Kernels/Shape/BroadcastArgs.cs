namespace TfLiteMicro.Kernels;

/// <summary>BROADCAST_ARGS: the shape two shapes broadcast to.</summary>
internal sealed class BroadcastArgs : IKernel
{
    private bool _wide;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor a = context.Input(0);
        Tensor b = context.Input(1);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "shape", a.Type, TensorType.Int32, TensorType.Int64);
        ShapeHelpers.RequireSameType(context, a, "first shape", b, "second shape");
        ShapeHelpers.RequireSameType(context, a, "first shape", output, "output");
        if (a.Rank != 1 || b.Rank != 1) throw context.Error("both shapes must be vectors");
        ShapeHelpers.EnsureOutputShape(context, 0, [Math.Max(a.ElementCount, b.ElementCount)]);
        _wide = a.Type == TensorType.Int64;
    }

    public void Invoke(InvokeContext context)
    {
        if (_wide) Run(context, context.Input<long>(0), context.Input<long>(1), context.Output<long>(0));
        else Run(context, context.Input<int>(0), context.Input<int>(1), context.Output<int>(0));
    }

    private static void Run<T>(InvokeContext context, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> output)
        where T : unmanaged
    {
        int n = output.Length;
        for (int i = 0; i < n; i++)
        {
            int ia = i - (n - a.Length), ib = i - (n - b.Length);
            long da = ia >= 0 ? Scalar.ToInt64(a[ia]) : 1;
            long db = ib >= 0 ? Scalar.ToInt64(b[ib]) : 1;
            if (da == db || db == 1) output[i] = Scalar.Truncate<T>(da);
            else if (da == 1) output[i] = Scalar.Truncate<T>(db);
            else throw context.Error($"shapes are not broadcast-compatible at dimension {i} ({da} vs {db})");
        }
    }
}
