using System.Runtime.CompilerServices;

namespace TfLiteMicro.Memory;

/// <summary>
/// The managed memory a <see cref="Model"/> or a prepared <see cref="MicroInterpreter"/> keeps alive besides the arena and
/// the model bytes (which the caller owns): how much the live heap grows while the object is held, measured with
/// <see cref="GC.GetTotalMemory(bool)"/> after full collections, the median of several rounds after one warm-up round
/// (which runs static initialisation and JIT compilation). The figure is exact when nothing else in the process allocates
/// or frees meanwhile: measure from one thread while the rest of the program is idle.
/// </summary>
public static class ManagedFootprint
{
    /// <summary>Managed bytes a model loaded from <paramref name="modelBytes"/> keeps alive (the bytes themselves excluded).</summary>
    public static long OfModel(ReadOnlyMemory<byte> modelBytes, int rounds = 5)
        => Measure(() => Model.Load(modelBytes), rounds);

    /// <summary>
    /// Managed bytes an interpreter over <paramref name="model"/> keeps alive after <see cref="MicroInterpreter.AllocateTensors"/>
    /// (the model, the resolver and the arena excluded).
    /// </summary>
    public static long OfInterpreter(Model model, OpResolver resolver, Memory<byte> arena, InterpreterOptions? options = null, int rounds = 5)
        => Measure(() =>
        {
            var interpreter = new MicroInterpreter(model, resolver, arena, options);
            interpreter.AllocateTensors();
            return interpreter;
        }, rounds);

    /// <summary>Median growth of the live heap while the object <paramref name="create"/> returns is held.</summary>
    public static long Measure(Func<object> create, int rounds = 5)
    {
        ArgumentNullException.ThrowIfNull(create);
        if (rounds < 1) throw new ArgumentOutOfRangeException(nameof(rounds), "at least one round");
        GC.KeepAlive(create());
        var deltas = new long[rounds];
        for (int r = 0; r < rounds; r++) deltas[r] = Round(create);
        Array.Sort(deltas);
        return deltas[rounds / 2];
    }

    /// <summary>One round in its own frame, so that no stack slot still refers to the object of an earlier round.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Round(Func<object> create)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        object held = create();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(held);
        return after - before;
    }
}
