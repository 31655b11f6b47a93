using System.Diagnostics;
using System.Runtime.InteropServices;
using Arm = System.Runtime.Intrinsics.Arm;
using X86 = System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Benchmarks.Peers;

/// <summary>
/// Without BenchmarkDotNet: every runtime on every model of the comparison, its outputs against ours, and a rough
/// median per invoke (Stopwatch). A model's runtimes take turns in slices of about 10 ms until each has run for the
/// given seconds, so that a machine whose load changes slows them alike.
/// </summary>
internal static class PeerCheck
{
    private const double SliceSeconds = 0.01;

    public static void Run(double seconds)
    {
        Console.WriteLine($"{RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores, .NET {Environment.Version}; "
            + $"AvxVnni={X86.AvxVnni.IsSupported} Avx512F={X86.Avx512F.IsSupported} Avx512BW={X86.Avx512BW.IsSupported} "
            + $"Avx512Vbmi={X86.Avx512Vbmi.IsSupported} Avx10v1={X86.Avx10v1.IsSupported} ArmDp={Arm.Dp.IsSupported}");
        foreach (string model in PeerModels.Present())
        {
            Console.WriteLine(model);
            using InterpreterRun ours = PeerModels.StartOurs(model, reference: false);
            var runs = new List<(PeerRuntime Runtime, IModelRun Run, OutputDifference Difference)>();
            try
            {
                foreach (PeerRuntime runtime in Enum.GetValues<PeerRuntime>())
                {
                    if (PeerModels.Unavailable(runtime, model) is { } why) { Console.WriteLine($"  {PeerModels.Label(runtime),-32} skipped: {why}"); continue; }
                    IModelRun run = PeerModels.Start(runtime, model, ours);
                    runs.Add((runtime, run, OutputComparison.Measure(ours, run, runtime, model)));
                }
                double[] medians = Medians([.. runs.Select(r => r.Run)], seconds);
                long multiplyAdds = PeerModels.MultiplyAdds(model);
                for (int i = 0; i < runs.Count; i++)
                {
                    string rate = multiplyAdds > 0 ? $"{multiplyAdds / medians[i] / 1e3,6:F1} GMAC/s" : new string(' ', 13);
                    string note = runs[i].Run is InterpreterRun { Interpreter.Options.Threads: > 1 } threaded && threaded.Interpreter.ThreadsInUse == 1
                        ? " (no layer splits: one thread)" : "";
                    Console.WriteLine($"  {PeerModels.Label(runs[i].Runtime),-32} {medians[i],10:F2} us {medians[i] / medians[0],7:F2}x {rate}  outputs: {runs[i].Difference}{note}");
                }
            }
            finally
            {
                foreach (var (_, run, _) in runs) run.Dispose();
            }
        }
    }

    /// <summary>Median microseconds per invoke of each run, the runs taking turns in short slices.</summary>
    private static double[] Medians(IModelRun[] runs, double seconds)
    {
        var times = runs.Select(_ => new List<double>()).ToArray();
        var spent = new double[runs.Length];
        foreach (IModelRun run in runs) Slice(run, null);
        while (spent.Min() < seconds)
        {
            for (int i = 0; i < runs.Length; i++)
                if (spent[i] < seconds) spent[i] += Slice(runs[i], times[i]);
        }
        return [.. times.Select(t => { t.Sort(); return t[t.Count / 2]; })];
    }

    /// <summary>Invokes for about <see cref="SliceSeconds"/> (at least 3 times), adding each invoke's microseconds; returns the seconds spent.</summary>
    private static double Slice(IModelRun run, List<double>? times)
    {
        long begin = Stopwatch.GetTimestamp();
        for (int count = 0; count < 3 || Stopwatch.GetElapsedTime(begin).TotalSeconds < SliceSeconds; count++)
        {
            long start = Stopwatch.GetTimestamp();
            run.Invoke();
            // Raw ticks: a TimeSpan would round to 0.1 us.
            times?.Add((Stopwatch.GetTimestamp() - start) * 1e6 / Stopwatch.Frequency);
        }
        return Stopwatch.GetElapsedTime(begin).TotalSeconds;
    }
}
