using System.Runtime.CompilerServices;

namespace TfLiteMicro.Memory;

/// <summary>
/// The managed memory a <see cref="Model"/> or a prepared <see cref="MicroInterpreter"/> keeps alive besides the arena and
/// the model bytes (which the caller owns). Measured as the growth of the bytes that survive a full, blocking, compacting
/// collection (<see cref="GCMemoryInfo.PromotedBytes"/>: every live object, counted by the collector itself) while the
/// object is held. That count is exact, unlike the heap size, which moves in steps of the allocation contexts. A round in
/// which another thread made or dropped objects (the runtime's own workers included) gives another figure: the figure
/// most rounds agree on is kept, after a warm-up round (static initialisation, JIT compilation). Measure while the rest
/// of the program is idle.
/// </summary>
public static class ManagedFootprint
{
    /// <summary>Managed bytes a model loaded from <paramref name="modelBytes"/> keeps alive (the bytes themselves excluded).</summary>
    public static long OfModel(ReadOnlyMemory<byte> modelBytes, int rounds = 5) => Measure(() => Model.Load(modelBytes), rounds);

    /// <summary>
    /// Managed bytes an interpreter over <paramref name="model"/> keeps alive after <see cref="MicroInterpreter.AllocateTensors"/>
    /// (the model, the resolver, the options and the arena excluded).
    /// </summary>
    public static long OfInterpreter(Model model, OpResolver resolver, Memory<byte> arena, InterpreterOptions? options = null, int rounds = 5)
        => Measure(() =>
        {
            var interpreter = new MicroInterpreter(model, resolver, arena, options);
            interpreter.AllocateTensors();
            return interpreter;
        }, rounds);

    /// <summary>
    /// The live bytes added while the object <paramref name="create"/> returns is held: the figure most of
    /// <paramref name="rounds"/> rounds give (the smallest of equally frequent ones; more rounds
    /// when none repeats, and no negative figure).
    /// </summary>
    public static long Measure(Func<object> create, int rounds = 5)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), "at least one round");
        GC.KeepAlive(create());
        // Holding an object never lowers the live bytes: a negative round saw something else released. On a busy
        // machine rounds can all differ; more are taken (up to four times as many) until one figure repeats.
        var added = new List<long>(rounds);
        for (int taken = 0; taken < 4 * rounds; taken++)
        {
            if (taken >= rounds && added.Count > 0 && (rounds == 1 || MostFrequent(added).Count >= 2)) break;
            long bytes = Round(create);
            if (bytes >= 0) added.Add(bytes);
        }
        return MostFrequent(added).Bytes;
    }

    private static (long Bytes, int Count) MostFrequent(List<long> added)
        => added.Count == 0 ? (0, 0)
            : added.GroupBy(bytes => bytes).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => (g.Key, g.Count())).First();

    /// <summary>One round in its own frame, so that no stack slot still refers to the object of an earlier round.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Round(Func<object> create)
    {
        long before = LiveBytes();
        object held = create();
        long after = LiveBytes();
        GC.KeepAlive(held);
        return after - before;
    }

    private static long LiveBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetGCMemoryInfo(GCKind.FullBlocking).PromotedBytes;
    }
}
