namespace TfLiteMicro.Kernels;

/// <summary>
/// How a layer's output rows (over all batches) are split into bands, one per thread, when
/// <see cref="InterpreterOptions.Threads"/> is above one: contiguous bands of near-equal height, each computed with
/// the arithmetic of one thread, so the outputs are the same bytes. Layers with less work stay whole.
/// </summary>
internal static class RowBands
{
    /// <summary>
    /// Fewest multiply-adds for which a layer is split: below this the handing out and joining (about a microsecond
    /// when the workers are awake) is a visible share of the layer's time.
    /// </summary>
    public const long MinMultiplyAdds = 100_000;

    /// <summary>Overrides <see cref="MinMultiplyAdds"/> for kernels prepared on this thread (tests split every layer with 0).</summary>
    [ThreadStatic] internal static long? MinMultiplyAddsOverride;

    /// <summary>
    /// The number of bands a layer of <paramref name="rows"/> output rows and <paramref name="multiplyAdds"/> multiply-adds
    /// is split into (1: not split); when above one, the interpreter is told to start its worker threads.
    /// </summary>
    public static int Parts(PrepareContext context, long rows, long multiplyAdds)
    {
        int threads = context.Threads;
        if (threads <= 1 || rows <= 1 || multiplyAdds < (MinMultiplyAddsOverride ?? MinMultiplyAdds)) return 1;
        int parts = (int)Math.Min(threads, rows);
        context.UseThreads(parts);
        return parts;
    }

    /// <summary>Rows [<paramref name="start"/>, <paramref name="end"/>) of band <paramref name="part"/> of <paramref name="parts"/>.</summary>
    public static void Range(int rows, int part, int parts, out int start, out int end)
    {
        start = (int)((long)rows * part / parts);
        end = (int)((long)rows * (part + 1) / parts);
    }

    /// <summary>
    /// Asks for a scratch buffer of <paramref name="bytes"/> for each of <paramref name="parts"/> bands (threads must
    /// not share scratch); returns the first handle, band k's being that plus k (see <see cref="Handle"/>).
    /// </summary>
    public static int RequestScratch(PrepareContext context, int bytes, int parts)
    {
        int first = context.RequestScratch(bytes);
        for (int part = 1; part < parts; part++)
            if (context.RequestScratch(bytes) != first + part) throw new InvalidOperationException("a band's scratch buffers are not consecutive");
        return first;
    }

    /// <summary>The handle of band <paramref name="part"/>'s scratch buffer (-1 stays -1: the band uses its stack).</summary>
    public static int Handle(int first, int part) => first < 0 ? first : first + part;
}
