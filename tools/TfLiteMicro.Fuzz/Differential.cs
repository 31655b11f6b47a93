using System.Runtime.InteropServices;
using TfLiteMicro.Signal;

namespace TfLiteMicro.Fuzz;

/// <summary>How one model fared with the optimized and with the reference kernels.</summary>
internal enum OutcomeKind
{
    /// <summary>Both kernel sets ran it and gave the same outputs.</summary>
    Equal,
    /// <summary>Both rejected it with the same <see cref="TfLiteMicroException"/> type.</summary>
    RejectedByBoth,
    /// <summary>Both ran it, with different outputs.</summary>
    Mismatch,
    /// <summary>One kernel set ran it and the other rejected it, or they rejected it with different exception types.</summary>
    Disagreement,
    /// <summary>An exception that is not a <see cref="TfLiteMicroException"/> escaped the runtime.</summary>
    Unwrapped,
    /// <summary>The process died (access violation, stack overflow, abort): seen only by the campaign's parent.</summary>
    Crash,
    /// <summary>No answer within the time limit: seen only by the campaign's parent.</summary>
    Hang,
}

internal readonly record struct Outcome(OutcomeKind Kind, string Detail)
{
    public bool IsFailure => Kind is not (OutcomeKind.Equal or OutcomeKind.RejectedByBoth);
}

/// <summary>
/// Runs a model (possibly hostile bytes) with the optimized and with the reference kernels and compares them.
/// The model lies in read-only native pages, the arena in native pages sized to exactly what each run asked for,
/// both with a no-access page on each side; the arena is poisoned before every run, so a kernel that reads memory
/// it never wrote gives a different answer than one that does not. Inputs are filled the same way for both runs,
/// and every output is compared after each of two Invokes.
/// </summary>
internal sealed unsafe class Differential : IDisposable
{
    private const int SizingArenaBytes = 8 << 20;
    private const byte Poison = 0xA5;

    /// <summary>The WHILE iteration limit the runs use: a loop the model never leaves fails with a named error.</summary>
    public long MaxWhileIterations { get; init; } = 100_000;

    /// <summary>How long one Invoke may take before the run counts as a hang.</summary>
    public static TimeSpan RunTimeLimit { get; set; } = TimeSpan.FromSeconds(5);
    private readonly GuardedRegion _model;
    private readonly GuardedRegion _arena = new(SizingArenaBytes);
    private readonly OpResolver _resolver = OpResolver.WithAllBuiltins().AddSignalOps().AddDecode();

    public Differential(int maxModelBytes)
    {
        _model = new GuardedRegion(maxModelBytes);
    }

    public Outcome Run(ReadOnlySpan<byte> bytes)
    {
        (LongestRun, MostAllocated) = (TimeSpan.Zero, 0);
        if (bytes.Length > _model.DataLength) return new(OutcomeKind.RejectedByBoth, "larger than the model region");
        // The model ends at the trailing guard page, rounded to 16 bytes (the alignment a managed array gives).
        int placed = (bytes.Length + 15) & ~15;
        _model.Protect(writable: true);
        byte* start = _model.Tail(placed);
        new Span<byte>(start, placed).Fill(Poison);
        bytes.CopyTo(new Span<byte>(start, bytes.Length));
        _model.Protect(writable: false);

        Model model;
        try
        {
            model = Model.LoadUnmanaged(start, bytes.Length);
        }
        catch (TfLiteMicroException e)
        {
            return new(OutcomeKind.RejectedByBoth, $"load: {e.GetType().Name}: {e.Message}");
        }
        catch (Exception e)
        {
            return new(OutcomeKind.Unwrapped, $"load: {Describe(e)}");
        }

        RunResult optimized = RunOnce(model, reference: false);
        RunResult reference = RunOnce(model, reference: true);
        return Compare(optimized, reference);
    }

    private sealed class RunResult
    {
        public Exception? Error;
        public string Stage = "";
        public readonly List<(TensorType Type, byte[] Bytes)> Outputs = [];
    }

    /// <summary>The longest time one kernel set took over AllocateTensors and its two Invokes, in the last <see cref="Run"/>.</summary>
    public TimeSpan LongestRun { get; private set; }

    /// <summary>The most managed bytes one kernel set allocated (sizing pass included), in the last <see cref="Run"/>.</summary>
    public long MostAllocated { get; private set; }

    private RunResult RunOnce(Model model, bool reference)
    {
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = new System.Diagnostics.Stopwatch();
        var result = new RunResult();
        // A loop the model never leaves is stopped by the iteration limit; anything else slow by the time limit.
        var options = new InterpreterOptions { UseReferenceKernels = reference, MaxWhileIterations = MaxWhileIterations };
        using var timeLimit = new CancellationTokenSource();
        try
        {
            result.Stage = "sizing";
            int needed;
            {
                var sizing = new MicroInterpreter(model, _resolver, Arena(SizingArenaBytes), options);
                sizing.AllocateTensors();
                needed = (sizing.ArenaUsedBytes + 15) & ~15;
            }
            // The run proper: an arena of exactly the size asked for, against the guard page, full of poison.
            result.Stage = "AllocateTensors";
            clock.Start();
            var interpreter = new MicroInterpreter(model, _resolver, Arena(needed), options);
            interpreter.AllocateTensors();
            result.Stage = "inputs";
            FillInputs(interpreter);
            timeLimit.CancelAfter(RunTimeLimit);
            for (int round = 0; round < 2; round++)
            {
                result.Stage = $"Invoke {round + 1}";
                interpreter.Invoke(timeLimit.Token);
                for (int o = 0; o < interpreter.OutputCount; o++)
                {
                    Tensor output = interpreter.Output(o);
                    result.Outputs.Add((output.Type, output.AsReadOnlySpan<byte>().ToArray()));
                }
            }
        }
        catch (Exception e)
        {
            result.Error = e;
        }
        if (clock.Elapsed > LongestRun) LongestRun = clock.Elapsed;
        MostAllocated = Math.Max(MostAllocated, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
        return result;
    }

    private Memory<byte> Arena(int bytes)
    {
        byte* start = _arena.Tail(bytes);
        new Span<byte>(start, bytes).Fill(Poison);
        return new NativeArena(start, bytes).Memory;
    }

    /// <summary>The same pseudo-random inputs for both kernel sets: floats in [-1, 1], integers over their whole range.</summary>
    private static void FillInputs(MicroInterpreter interpreter)
    {
        var random = new Random(17);
        for (int i = 0; i < interpreter.InputCount; i++)
        {
            Tensor input = interpreter.Input(i);
            if (input.IsConstant) continue;
            Span<byte> bytes = input.AsSpan<byte>();
            if (input.Type == TensorType.Float32)
                foreach (ref float v in MemoryMarshal.Cast<byte, float>(bytes)) v = (float)(random.NextDouble() * 2 - 1);
            else if (input.Type == TensorType.Bool)
                foreach (ref byte v in bytes) v = (byte)random.Next(2);
            else
                random.NextBytes(bytes);
        }
    }

    private static Outcome Compare(RunResult optimized, RunResult reference)
    {
        if (optimized.Error is OperationCanceledException || reference.Error is OperationCanceledException)
            return new(OutcomeKind.Hang, $"two Invokes took longer than {RunTimeLimit.TotalSeconds} s (optimized: {Summary(optimized)}; reference: {Summary(reference)})");
        if (optimized.Error is { } a && a is not TfLiteMicroException)
            return new(OutcomeKind.Unwrapped, $"optimized, {optimized.Stage}: {Describe(a)}");
        if (reference.Error is { } b && b is not TfLiteMicroException)
            return new(OutcomeKind.Unwrapped, $"reference, {reference.Stage}: {Describe(b)}");
        if (optimized.Error is not null || reference.Error is not null)
        {
            if (optimized.Error is not null && reference.Error is not null && optimized.Error.GetType() == reference.Error.GetType())
                return new(OutcomeKind.RejectedByBoth, $"{optimized.Stage}: {optimized.Error.GetType().Name}: {optimized.Error.Message}");
            return new(OutcomeKind.Disagreement,
                $"optimized: {Summary(optimized)}\nreference: {Summary(reference)}");
        }
        for (int k = 0; k < optimized.Outputs.Count; k++)
        {
            (TensorType type, byte[] x) = optimized.Outputs[k];
            byte[] y = reference.Outputs[k].Bytes;
            if (FirstDifference(type, x, y) is { } at)
                return new(OutcomeKind.Mismatch, $"output {k % Math.Max(1, optimized.Outputs.Count / 2)} after Invoke {k / Math.Max(1, optimized.Outputs.Count / 2) + 1}: {at}");
        }
        return new(OutcomeKind.Equal, "");
    }

    private static string Summary(RunResult run)
        => run.Error is null ? "ran" : $"{run.Stage}: {run.Error.GetType().Name}: {run.Error.Message}";

    private static string Describe(Exception e) => $"{e.GetType().FullName}: {e.Message}\n{e.StackTrace}";

    private const float OverflowEdge = 1e30f;

    /// <summary>Null when equal: integers bit for bit, floats within 1e-4 relative (summation order differs) unless either is beyond 1e30 or not finite.</summary>
    internal static string? FirstDifference(TensorType type, byte[] x, byte[] y)
    {
        if (x.Length != y.Length) return $"{x.Length} bytes against {y.Length}";
        if (type == TensorType.Float32)
        {
            ReadOnlySpan<float> p = MemoryMarshal.Cast<byte, float>(x), q = MemoryMarshal.Cast<byte, float>(y);
            for (int i = 0; i < p.Length; i++)
            {
                float u = p[i], v = q[i];
                if (u.Equals(v)) continue;
                // Sums that reach the edge of the float range overflow (to infinity, then NaN) or not depending on
                // the order of additions, which the vectorized paths change: such values are not compared.
                if (!(Math.Abs(u) < OverflowEdge) || !(Math.Abs(v) < OverflowEdge)) continue;
                if (Math.Abs(u - v) > 1e-4f * Math.Max(1f, Math.Max(Math.Abs(u), Math.Abs(v))))
                    return $"element {i}: {u} against {v}";
            }
            return null;
        }
        int at = x.AsSpan().CommonPrefixLength(y);
        return at == x.Length ? null : $"byte {at} of {x.Length}: {x[at]} against {y[at]}";
    }

    public void Dispose()
    {
        _model.Dispose();
        _arena.Dispose();
    }
}
