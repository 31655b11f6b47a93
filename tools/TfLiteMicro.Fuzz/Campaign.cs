using System.Collections.Concurrent;
using System.Diagnostics;

namespace TfLiteMicro.Fuzz;

/// <summary>
/// A differential mutation campaign. The parent splits the mutant indices among worker processes; each worker
/// announces a mutant before running it and its outcome after. A worker that dies is a crash of the mutant it
/// announced last, one that stays silent past the time limit is killed and the mutant counted as a hang; either
/// way the parent starts a new worker after that mutant. Every failing (and every slow) mutant is rebuilt in the
/// parent and written to the output folder with what happened, as a reproducer.
/// </summary>
internal sealed class Campaign
{
    public required Seeds Seeds { get; init; }
    public required int CampaignSeed { get; init; }
    public required long First { get; init; }
    public required long Count { get; init; }
    public int Workers { get; init; } = Math.Max(1, Environment.ProcessorCount);
    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan SlowLimit { get; init; } = TimeSpan.FromSeconds(1);
    public string? OutputFolder { get; init; }
    public TextWriter Log { get; init; } = Console.Out;

    private readonly ConcurrentDictionary<OutcomeKind, long> _counts = new();
    private readonly ConcurrentDictionary<string, long> _rejections = new();
    private long _slow, _done;

    public bool Run()
    {
        var clock = Stopwatch.StartNew();
        long per = (Count + Workers - 1) / Workers;
        var threads = new List<Thread>();
        for (int w = 0; w < Workers; w++)
        {
            long from = First + w * per, to = Math.Min(First + Count, from + per);
            if (from >= to) break;
            var thread = new Thread(() => Supervise(from, to)) { IsBackground = true };
            thread.Start();
            threads.Add(thread);
        }
        using var progress = new Timer(_ => Log.WriteLine($"  {Interlocked.Read(ref _done)} / {Count} ({clock.Elapsed.TotalSeconds:F0} s)"),
            null, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));
        foreach (Thread t in threads) t.Join();

        long Get(OutcomeKind k) => _counts.GetValueOrDefault(k);
        Log.WriteLine($"{Count} mutants (seed {CampaignSeed}, from {First}, {Seeds.Models.Count} seed models) in {clock.Elapsed.TotalSeconds:F1} s with {threads.Count} workers:");
        Log.WriteLine($"  equal {Get(OutcomeKind.Equal)}, rejected by both {Get(OutcomeKind.RejectedByBoth)}, " +
            $"mismatch {Get(OutcomeKind.Mismatch)}, disagreement {Get(OutcomeKind.Disagreement)}, unwrapped {Get(OutcomeKind.Unwrapped)}, " +
            $"crash {Get(OutcomeKind.Crash)}, hang {Get(OutcomeKind.Hang)}; slower than {SlowLimit.TotalSeconds:F1} s: {_slow}");
        foreach ((string type, long n) in _rejections.OrderByDescending(kv => kv.Value))
            Log.WriteLine($"    rejected: {type} {n}");
        long failures = _counts.Where(kv => new Outcome(kv.Key, "").IsFailure).Sum(kv => kv.Value);
        return failures == 0;
    }

    private void Supervise(long from, long to)
    {
        long next = from;
        while (next < to)
            next = RunWorker(next, to);
    }

    /// <summary>Runs one worker from <paramref name="from"/>; returns where the next worker starts.</summary>
    private long RunWorker(long from, long to)
    {
        using var process = new Process { StartInfo = WorkerStart(from, to) };
        var lines = new BlockingCollection<string?>();
        var errors = new Queue<string>();
        process.OutputDataReceived += (_, e) => lines.Add(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors) { errors.Enqueue(e.Data); if (errors.Count > 40) errors.Dequeue(); }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        long current = -1;
        var started = Stopwatch.StartNew();
        while (true)
        {
            if (!lines.TryTake(out string? line, TimeSpan.FromMilliseconds(100)))
            {
                TimeSpan limit = current < 0 ? TimeSpan.FromSeconds(120) : HangLimit;
                if (started.Elapsed <= limit) continue;
                Kill(process);
                if (current < 0) throw new InvalidOperationException($"the worker for {from}..{to} did not start: {string.Join("\n", errors)}");
                Record(current, new Outcome(OutcomeKind.Hang, $"no answer within {HangLimit.TotalSeconds:F0} s"), started.Elapsed);
                return current + 1;
            }
            if (line is null)
            {
                process.WaitForExit();
                string tail;
                lock (errors) tail = string.Join("\n", errors);
                if (current < 0 && from < to && process.ExitCode == 0) return to;
                long victim = current >= 0 ? current : from;
                Record(victim, new Outcome(OutcomeKind.Crash, $"worker exit code {process.ExitCode}\n{tail}"), started.Elapsed);
                return victim + 1;
            }
            if (line.StartsWith("> ", StringComparison.Ordinal))
            {
                current = long.Parse(line.AsSpan(2));
                started.Restart();
            }
            else if (line.StartsWith("= ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ', 4);
                long index = long.Parse(parts[1]);
                var kind = Enum.Parse<OutcomeKind>(parts[2]);
                string detail = parts.Length > 3 ? parts[3].Replace(" \u00b6 ", "\n", StringComparison.Ordinal) : "";
                Record(index, new Outcome(kind, detail), started.Elapsed);
                current = -1;
                if (index + 1 >= to) { process.WaitForExit(); return to; }
            }
        }
    }

    private ProcessStartInfo WorkerStart(long from, long to)
    {
        string dll = typeof(Campaign).Assembly.Location;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h
            : Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { dll, "worker", "--shared", Seeds.Root, "--seed", CampaignSeed.ToString(), "--from", from.ToString(), "--to", to.ToString() })
            start.ArgumentList.Add(arg);
        if (Seeds.Only is { } only)
        {
            start.ArgumentList.Add("--seeds");
            start.ArgumentList.Add(only);
        }
        // A model that makes the runtime allocate gigabytes fails with OutOfMemoryException (an unwrapped exception)
        // instead of exhausting the machine.
        start.Environment["DOTNET_GCHeapHardLimit"] = "0x40000000";
        start.Environment["DOTNET_DbgEnableMiniDump"] = "0";
        return start;
    }

    private static void Kill(Process process)
    {
        try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        process.WaitForExit();
    }

    private void Record(long index, Outcome outcome, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _done);
        _counts.AddOrUpdate(outcome.Kind, 1, (_, n) => n + 1);
        if (outcome.Kind == OutcomeKind.RejectedByBoth)
            _rejections.AddOrUpdate(outcome.Detail, 1, (_, n) => n + 1);
        bool slow = elapsed > SlowLimit && outcome.Kind != OutcomeKind.Hang;
        if (slow) Interlocked.Increment(ref _slow);
        if (!outcome.IsFailure && !slow) return;

        (int seed, byte[] bytes, string how) = Seeds.Mutant(CampaignSeed, index);
        string kind = slow && !outcome.IsFailure ? "slow" : outcome.Kind.ToString().ToLowerInvariant();
        string description = $"mutant {index} of seed {CampaignSeed}: {Seeds.Models[seed].Name}, {how}; {elapsed.TotalMilliseconds:F0} ms\n{outcome.Kind}: {outcome.Detail}";
        lock (_counts)
        {
            if (outcome.IsFailure) Log.WriteLine($"{kind}: {description.Split('\n').Take(6).Aggregate((a, b) => a + "\n    " + b)}");
            if (OutputFolder is null) return;
            string folder = Path.Combine(OutputFolder, kind);
            Directory.CreateDirectory(folder);
            string seedName = Seeds.Models[seed].Name;
            string? parent = Path.GetFileName(Path.GetDirectoryName(seedName));
            string name = $"{CampaignSeed}-{index}-{(parent is { Length: > 0 } && parent != "models" ? parent : Path.GetFileNameWithoutExtension(seedName))}";
            File.WriteAllBytes(Path.Combine(folder, name + ".tflite"), bytes);
            File.WriteAllText(Path.Combine(folder, name + ".txt"), description + "\n");
        }
    }

    /// <summary>The worker side: runs mutants <paramref name="from"/>..<paramref name="to"/> and reports each on standard output.</summary>
    public static int Work(Seeds seeds, int campaignSeed, long from, long to)
    {
        var output = Console.Out;
        int exit = 0;
        // A 1.5 MB stack, as on a small thread, so deep recursion shows up here first.
        var thread = new Thread(() =>
        {
            using var differential = new Differential(seeds.MaxLength * 2);
            for (long i = from; i < to; i++)
            {
                output.WriteLine($"> {i}");
                output.Flush();
                (_, byte[] bytes, _) = seeds.Mutant(campaignSeed, i);
                Outcome outcome = differential.Run(bytes);
                string detail = outcome.Kind == OutcomeKind.RejectedByBoth ? RejectionType(outcome.Detail) : outcome.Detail.ReplaceLineEndings(" \u00b6 ");
                output.WriteLine($"= {i} {outcome.Kind} {detail}");
                output.Flush();
            }
        }, 1536 * 1024);
        thread.Start();
        thread.Join();
        return exit;
    }

    private static string RejectionType(string detail)
    {
        int colon = detail.IndexOf(": ", StringComparison.Ordinal);
        string rest = colon >= 0 ? detail[(colon + 2)..] : detail;
        int end = rest.IndexOf(':');
        return end > 0 ? rest[..end] : rest;
    }
}
