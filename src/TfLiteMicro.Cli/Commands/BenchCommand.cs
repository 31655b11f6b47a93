using System.CommandLine;
using System.Diagnostics;

namespace TfLiteMicro.Cli.Commands;

/// <summary><c>tflm bench MODEL</c>: latency, throughput, managed allocation per invoke and arena use, optionally per operator.</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        Argument<string> model = CommonOptions.Model();
        Option<int> iterations = new("--iterations", "-n") { Description = "Timed invocations.", DefaultValueFactory = _ => 100, HelpName = "N" };
        Option<int?> warmup = new("--warmup", "-w")
        {
            Description = "Untimed invocations first. Default: at least 20 and for at least 0.5 s, so the JIT has settled on optimized code.",
            HelpName = "N",
        };
        Option<bool> profile = new("--profile") { Description = "Add a per-operator table: time share per op type and per node (a separate profiled pass, so the latency above stays clean)." };
        Option<bool> reference = new("--reference") { Description = "Use the reference kernels only (InterpreterOptions.UseReferenceKernels)." };
        Option<bool> prearrange = CommonOptions.Prearrange();
        Option<int> threads = CommonOptions.Threads();
        Option<string> arena = CommonOptions.ArenaSize();
        Option<bool> json = CommonOptions.Json();
        var command = new Command("bench", "Benchmark a model on zero inputs: latency (median, p90, min), invokes per second, managed bytes allocated per invoke and arena used.")
        {
            model, iterations, warmup, profile, reference, prearrange, threads, arena, json,
        };
        command.SetAction(parse => Execute(output, new Settings(parse.GetValue(model)!, parse.GetValue(iterations), parse.GetValue(warmup),
            parse.GetValue(profile), parse.GetValue(reference), CommonOptions.ArenaBytes(parse, arena), parse.GetValue(json), parse.GetValue(prearrange),
            CommonOptions.ThreadCount(parse, threads))));
        return command;
    }

    /// <summary>Settings of one run; a null <see cref="Warmup"/> warms up by time.</summary>
    internal sealed record Settings(string Path, int Iterations, int? Warmup, bool Profile, bool Reference, int ArenaBytes, bool Json, bool Prearrange = false, int Threads = 1);

    private const int MinimumWarmup = 20;
    private const int MaximumWarmup = 100_000;
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(0.5);

    internal sealed record Result(double MedianMicroseconds, double P90Microseconds, double MinMicroseconds, double MaxMicroseconds, double MeanMicroseconds,
        double InvokesPerSecond, double AllocatedBytesPerInvoke, int ArenaUsedBytes);

    internal static int Execute(TextWriter o, Settings settings)
    {
        if (settings.Iterations < 1) throw new CliException("--iterations must be at least 1");
        if (settings.Warmup < 0) throw new CliException("--warmup must be 0 or more");

        var options = new InterpreterOptions { UseReferenceKernels = settings.Reference, PrearrangeWeights = settings.Prearrange, Threads = settings.Threads };
        using PreparedModel prepared = PreparedModel.Create(settings.Path, settings.ArenaBytes, options);
        MicroInterpreter interpreter = prepared.Interpreter;
        InputFiles.Fill(interpreter, []);

        Result result;
        int warmedUp;
        try
        {
            warmedUp = WarmUp(interpreter, settings.Warmup);
            result = Measure(interpreter, settings.Iterations);
            result = result with { AllocatedBytesPerInvoke = Math.Min(result.AllocatedBytesPerInvoke, LeastAllocatedPerInvoke(interpreter)) };
        }
        catch (TfLiteMicroException e)
        {
            throw new CliException($"{settings.Path}: {e.Message}");
        }

        OperatorProfiler? profiler = null;
        double profiledMicroseconds = 0;
        if (settings.Profile)
        {
            profiler = new OperatorProfiler(prepared.Model);
            options.Profiler = profiler;
            // The profiler's own methods start in first-tier code too; warm them up before counting.
            WarmUp(interpreter, settings.Warmup);
            profiler.Clear();
            long profiledStart = Stopwatch.GetTimestamp();
            for (int i = 0; i < settings.Iterations; i++) interpreter.Invoke();
            profiledMicroseconds = Stopwatch.GetElapsedTime(profiledStart).TotalMicroseconds / settings.Iterations;
            options.Profiler = null;
        }

        if (settings.Json) WriteJson(o, prepared, settings, warmedUp, result, profiler, profiledMicroseconds);
        else WriteText(o, prepared, settings, warmedUp, result, profiler, profiledMicroseconds);
        return 0;
    }

    private static int WarmUp(MicroInterpreter interpreter, int? count)
    {
        int done = 0;
        if (count is int fixedCount)
        {
            for (; done < fixedCount; done++) interpreter.Invoke();
        }
        else
        {
            // Tiered compilation recompiles hot methods in the background after a delay; warming up by time
            // keeps the first-tier code out of the measurement.
            long start = Stopwatch.GetTimestamp();
            while (done < MinimumWarmup || (Stopwatch.GetElapsedTime(start) < WarmupTime && done < MaximumWarmup))
            {
                interpreter.Invoke();
                done++;
            }
        }
        return done + SettleJit(interpreter);
    }

    /// <summary>
    /// Re-compiling methods allocates on the invoking thread, which would show up as "bytes per invoke" although
    /// the kernels allocate nothing: keep invoking in short rounds until one round allocates nothing (bounded, so a
    /// kernel that really allocates is still reported).
    /// </summary>
    private static int SettleJit(MicroInterpreter interpreter)
    {
        const int Rounds = 20, RoundSize = 10;
        int done = 0;
        for (int round = 0; round < Rounds; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < RoundSize; i++) interpreter.Invoke();
            done += RoundSize;
            if (GC.GetAllocatedBytesForCurrentThread() == before) break;
            Thread.Sleep(20);
        }
        return done;
    }

    /// <summary>
    /// Managed bytes per invoke in the round of invokes that allocated least. A kernel that allocates does so in every
    /// round; the runtime's one-off work on the invoking thread (re-compiling a method at a higher tier) shows in one
    /// round only, so it is not reported as the model's allocation.
    /// </summary>
    private static double LeastAllocatedPerInvoke(MicroInterpreter interpreter)
    {
        const int Rounds = 5, RoundSize = 10;
        long least = long.MaxValue;
        for (int round = 0; round < Rounds && least > 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < RoundSize; i++) interpreter.Invoke();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least / (double)RoundSize;
    }

    private static Result Measure(MicroInterpreter interpreter, int iterations)
    {
        var ticks = new long[iterations];
        long before = GC.GetAllocatedBytesForCurrentThread();
        long all = Stopwatch.GetTimestamp();
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            interpreter.Invoke();
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        long elapsed = Stopwatch.GetTimestamp() - all;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Array.Sort(ticks);
        double toMicro = 1e6 / Stopwatch.Frequency;
        double sum = 0;
        foreach (long t in ticks) sum += t;
        int p90 = Math.Min(iterations - 1, (int)Math.Ceiling(0.9 * iterations) - 1);
        double median = iterations % 2 == 1 ? ticks[iterations / 2] : (ticks[iterations / 2 - 1] + ticks[iterations / 2]) / 2.0;
        double seconds = elapsed / (double)Stopwatch.Frequency;
        return new Result(median * toMicro, ticks[p90] * toMicro, ticks[0] * toMicro, ticks[^1] * toMicro, sum / iterations * toMicro,
            seconds > 0 ? iterations / seconds : double.PositiveInfinity, allocated / (double)iterations, interpreter.ArenaUsedBytes);
    }

    /// <summary>One node's time, of which <paramref name="DecompressionTicks"/> decompressing its compressed constants.</summary>
    private sealed record NodeTime(int Subgraph, int Index, string Op, long Ticks, int Calls, long Allocated, long DecompressionTicks);

    private static List<NodeTime> Nodes(Model model, OperatorProfiler profiler)
    {
        var nodes = new List<NodeTime>();
        foreach (Subgraph subgraph in model.Subgraphs)
            foreach (ModelOperator op in subgraph.Operators)
                nodes.Add(new NodeTime(subgraph.Index, op.Index, op.Code.Name, profiler.Ticks(subgraph.Index, op.Index), profiler.Calls(subgraph.Index, op.Index),
                    profiler.AllocatedBytes(subgraph.Index, op.Index), profiler.DecompressionTicks(subgraph.Index, op.Index)));
        return nodes;
    }

    private static List<(string Op, int Nodes, long Ticks)> ByType(List<NodeTime> nodes)
    {
        var byType = new Dictionary<string, (int Nodes, long Ticks)>(StringComparer.Ordinal);
        foreach (NodeTime n in nodes)
        {
            byType.TryGetValue(n.Op, out (int Nodes, long Ticks) sum);
            byType[n.Op] = (sum.Nodes + 1, sum.Ticks + n.Ticks);
        }
        var list = new List<(string, int, long)>();
        foreach (KeyValuePair<string, (int Nodes, long Ticks)> kv in byType) list.Add((kv.Key, kv.Value.Nodes, kv.Value.Ticks));
        list.Sort((a, b) => b.Item3.CompareTo(a.Item3));
        return list;
    }

    private static void WriteText(TextWriter o, PreparedModel prepared, Settings settings, int warmedUp, Result r, OperatorProfiler? profiler, double profiledMicroseconds)
    {
        o.WriteLine($"Benchmark of {prepared.FileName}: {settings.Iterations} invokes after {warmedUp} warm-up ({CommonOptions.RunMode(prepared.Interpreter)}, zero inputs)");
        o.WriteLine($"  latency     median {r.MedianMicroseconds:0.0} us   p90 {r.P90Microseconds:0.0} us   min {r.MinMicroseconds:0.0} us   mean {r.MeanMicroseconds:0.0} us   max {r.MaxMicroseconds:0.0} us");
        o.WriteLine($"  throughput  {r.InvokesPerSecond:0.0} invokes/s");
        o.WriteLine($"  allocated   {r.AllocatedBytesPerInvoke:0.##} bytes per invoke (managed)");
        o.WriteLine($"  arena used  {r.ArenaUsedBytes} bytes");
        if (profiler is null) return;

        List<NodeTime> nodes = Nodes(prepared.Model, profiler);
        long total = 0;
        foreach (NodeTime n in nodes) if (n.Subgraph == 0) total += n.Ticks;
        total = Math.Max(1, total);
        double toMicro = 1e6 / Stopwatch.Frequency / settings.Iterations;

        o.WriteLine();
        o.WriteLine($"Per operator type ({settings.Iterations} profiled invokes, {profiledMicroseconds:0.0} us each with the profiler's own cost; us per invoke):");
        o.WriteLine($"  {"op",-28} {"nodes",5} {"us",10} {"share",7}");
        foreach ((string op, int count, long ticks) in ByType(nodes))
            o.WriteLine($"  {op,-28} {count,5} {ticks * toMicro,10:0.0} {100.0 * ticks / total,6:0.0}%");

        long decompression = 0, decode = 0;
        foreach (NodeTime n in nodes)
        {
            decompression += n.DecompressionTicks;
            if (n.Op == OpResolver.DecodeName) decode += n.Ticks;
        }
        if (decompression > 0 || decode > 0)
            o.WriteLine($"  decompression: {decompression * toMicro:0.0} us of compressed constants read by operators, {decode * toMicro:0.0} us in {OpResolver.DecodeName} " +
                        $"({100.0 * (decompression + decode) / total:0.0}% of the profiled time)");

        o.WriteLine();
        o.WriteLine("Per node:");
        o.WriteLine($"  {"sg",2} {"#",4} {"op",-28} {"us",10} {"share",7} {"alloc B",8} {"decomp us",10}");
        foreach (NodeTime n in nodes)
            o.WriteLine($"  {n.Subgraph,2} {n.Index,4} {n.Op,-28} {n.Ticks * toMicro,10:0.0} {100.0 * n.Ticks / total,6:0.0}% {n.Allocated / (double)settings.Iterations,8:0.#} " +
                        $"{(n.DecompressionTicks > 0 ? (n.DecompressionTicks * toMicro).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) : ""),10}");
    }

    private static void WriteJson(TextWriter o, PreparedModel prepared, Settings settings, int warmedUp, Result r, OperatorProfiler? profiler, double profiledMicroseconds)
    {
        TensorText.PrintJson(o, json =>
        {
            json.WriteStartObject();
            json.WriteString("file", prepared.FileName);
            json.WriteNumber("iterations", settings.Iterations);
            json.WriteNumber("warmup", warmedUp);
            json.WriteBoolean("referenceKernels", settings.Reference);
            json.WriteBoolean("prearrangedWeights", settings.Prearrange);
            json.WriteNumber("threads", settings.Threads);
            json.WriteNumber("threadsInUse", prepared.Interpreter.ThreadsInUse);
            json.WriteNumber("medianMicroseconds", r.MedianMicroseconds);
            json.WriteNumber("p90Microseconds", r.P90Microseconds);
            json.WriteNumber("minMicroseconds", r.MinMicroseconds);
            json.WriteNumber("maxMicroseconds", r.MaxMicroseconds);
            json.WriteNumber("meanMicroseconds", r.MeanMicroseconds);
            TensorText.WriteDouble(json, "invokesPerSecond", r.InvokesPerSecond);
            json.WriteNumber("allocatedBytesPerInvoke", r.AllocatedBytesPerInvoke);
            json.WriteNumber("arenaUsedBytes", r.ArenaUsedBytes);
            if (profiler is not null)
            {
                List<NodeTime> nodes = Nodes(prepared.Model, profiler);
                double toMicro = 1e6 / Stopwatch.Frequency / settings.Iterations;
                json.WriteNumber("profiledMicrosecondsPerInvoke", profiledMicroseconds);
                json.WriteStartArray("operatorTypes");
                foreach ((string op, int count, long ticks) in ByType(nodes))
                {
                    json.WriteStartObject();
                    json.WriteString("op", op);
                    json.WriteNumber("nodes", count);
                    json.WriteNumber("microsecondsPerInvoke", ticks * toMicro);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartArray("nodes");
                foreach (NodeTime n in nodes)
                {
                    json.WriteStartObject();
                    json.WriteNumber("subgraph", n.Subgraph);
                    json.WriteNumber("index", n.Index);
                    json.WriteString("op", n.Op);
                    json.WriteNumber("microsecondsPerInvoke", n.Ticks * toMicro);
                    json.WriteNumber("allocatedBytesPerInvoke", n.Allocated / (double)settings.Iterations);
                    json.WriteNumber("decompressionMicrosecondsPerInvoke", n.DecompressionTicks * toMicro);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        });
    }
}
