namespace TfLiteMicro.Kernels;

/// <summary>
/// How a layer's work is split into parts, one per thread, when <see cref="InterpreterOptions.Threads"/> is above one:
/// contiguous bands of near-equal height of its output rows (over all batches) or, where the kernel can, contiguous
/// runs of its blocks of output channels; each part is computed with the arithmetic of one thread, so the outputs are
/// the same bytes. A layer is split only where the calling thread is spared enough work to pay for handing out the parts.
/// </summary>
internal static class RowBands
{
    /// <summary>
    /// Fewest multiply-adds a split must take off the calling thread (the layer's less its largest part's): below this
    /// the handing out and joining (about a microsecond when the workers are awake) is a visible share of what it saves.
    /// </summary>
    public const long MinMultiplyAddsSaved = 50_000;

    /// <summary>Overrides <see cref="MinMultiplyAddsSaved"/> for kernels prepared on this thread (tests split every layer with 0).</summary>
    [ThreadStatic] internal static long? MinMultiplyAddsOverride;

    /// <summary>For kernels prepared on this thread: true splits only by channel blocks, false only by rows, where the layer can be (tests).</summary>
    [ThreadStatic] internal static bool? ByChannelsOverride;

    /// <summary>
    /// The number of bands a layer of <paramref name="rows"/> output rows and <paramref name="multiplyAdds"/> multiply-adds
    /// is split into (1: not split); when above one, the interpreter is told to start its worker threads.
    /// </summary>
    public static int Parts(PrepareContext context, long rows, long multiplyAdds) => Parts(context, rows, 0, multiplyAdds, false, out _);

    /// <summary>
    /// The number of parts a layer is split into (1: not split): bands of its <paramref name="rows"/> output rows (0: rows
    /// cannot be split), or, when <paramref name="byChannels"/> comes back true, runs of its <paramref name="channelBlocks"/>
    /// blocks of output channels (0: channels cannot be split), those on a tie when <paramref name="channelsOnTie"/>. When
    /// above one, the interpreter is told to start its workers.
    /// </summary>
    public static int Parts(PrepareContext context, long rows, long channelBlocks, long multiplyAdds, bool channelsOnTie, out bool byChannels)
    {
        if (ByChannelsOverride is bool channels && (channels ? channelBlocks > 1 : rows > 1))
        {
            if (channels) rows = 0;
            else channelBlocks = 0;
        }
        int parts = Choose(context.Threads, rows, channelBlocks, multiplyAdds, MinMultiplyAddsOverride ?? MinMultiplyAddsSaved, channelsOnTie, out byChannels);
        if (parts > 1) context.UseThreads(parts);
        return parts;
    }

    /// <summary>
    /// The split whose largest part is smallest, or 1 when that split spares the calling thread fewer than
    /// <paramref name="minSaved"/> of the layer's <paramref name="multiplyAdds"/>. On a tie, rows unless
    /// <paramref name="channelsOnTie"/>: bands of rows keep a thread on the rows it computed in the previous layer (the
    /// calling thread takes the first band, a worker the next), where each part of a channel split reads the whole input
    /// and writes a share of every row; the kernel asks for channels where each band would arrange all of a large filter.
    /// </summary>
    internal static int Choose(int threads, long rows, long channelBlocks, long multiplyAdds, long minSaved, bool channelsOnTie, out bool byChannels)
    {
        byChannels = false;
        if (threads <= 1) return 1;
        int rowParts = (int)Math.Min(threads, Math.Max(rows, 1)), channelParts = (int)Math.Min(threads, Math.Max(channelBlocks, 1));
        // Largest part as a share of the whole: ceil(units / parts) / units, compared by cross-multiplying.
        long rowLargest = rowParts > 1 ? (rows + rowParts - 1) / rowParts : 0, channelLargest = channelParts > 1 ? (channelBlocks + channelParts - 1) / channelParts : 0;
        if (rowParts <= 1 && channelParts <= 1) return 1;
        byChannels = channelParts > 1
                     && (rowParts <= 1 || channelLargest * rows < rowLargest * channelBlocks || (channelsOnTie && channelLargest * rows == rowLargest * channelBlocks));
        int parts = byChannels ? channelParts : rowParts;
        long largest = byChannels ? channelLargest : rowLargest, units = byChannels ? channelBlocks : rows;
        // The multiply-adds outside the largest part (multiplyAdds * largest / units without overflowing).
        long saved = multiplyAdds - multiplyAdds / units * largest - multiplyAdds % units * largest / units;
        if (saved < minSaved)
        {
            byChannels = false;
            return 1;
        }
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
