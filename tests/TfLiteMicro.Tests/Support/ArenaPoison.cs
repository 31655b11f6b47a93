namespace TfLiteMicro.Tests.Support;

/// <summary>
/// Arenas that start full of a poison pattern instead of zeros, so a kernel that reads memory nobody wrote (an output
/// it only partly writes, a scratch or persistent buffer it expects to be cleared) gives a wrong answer in the test
/// instead of a lucky right one. Users hand the interpreter arenas that held anything before.
/// </summary>
public static class ArenaPoison
{
    /// <summary>The pattern of a reference run's arena (-91 as int8, -23131 as int16, -2.9e-16 as float32).</summary>
    public const byte Reference = 0xA5;

    /// <summary>The pattern of a fast run's arena, different from <see cref="Reference"/> so leftovers cannot agree (90, 23130, 1.5e16).</summary>
    public const byte Fast = 0x5A;

    /// <summary>A new arena of <paramref name="bytes"/> bytes, every one of them <paramref name="poison"/>.</summary>
    public static byte[] New(int bytes, byte poison = Reference)
    {
        var arena = new byte[bytes];
        arena.AsSpan().Fill(poison);
        return arena;
    }

    /// <summary>
    /// Fills every buffer the plan gives a tensor or a scratch request (all of it rewritten by each Invoke) with
    /// <paramref name="poison"/>; variables, persistent buffers and resource variables keep their contents.
    /// Returns the number of bytes poisoned.
    /// </summary>
    public static long PoisonPlanned(MicroInterpreter interpreter, Span<byte> arena, byte poison)
    {
        long poisoned = 0;
        foreach (var entry in interpreter.MemoryPlan)
        {
            if (entry.Kind is not ("tensor" or "scratch")) continue;
            arena.Slice(entry.Offset, entry.Size).Fill(poison);
            poisoned += entry.Size;
        }
        return poisoned;
    }
}
