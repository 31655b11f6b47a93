using System.Diagnostics;
using System.Runtime.InteropServices;
using Arm = System.Runtime.Intrinsics.Arm;
using X86 = System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Benchmarks.Peers;

/// <summary>
/// Without BenchmarkDotNet: every runtime on every model of the comparison, its outputs against ours and a rough
/// median (Stopwatch, about the given seconds per row).
/// </summary>
internal static class PeerCheck
{
    public static void Run(double seconds)
    {
        Console.WriteLine($"{RuntimeInformation.ProcessArchitecture}, {Environment.ProcessorCount} cores, .NET {Environment.Version}; "
            + $"AvxVnni={X86.AvxVnni.IsSupported} Avx512F={X86.Avx512F.IsSupported} Avx512BW={X86.Avx512BW.IsSupported} "
            + $"Avx512Vbmi={X86.Avx512Vbmi.IsSupported} Avx10v1={X86.Avx10v1.IsSupported} ArmDp={Arm.Dp.IsSupported}");
        foreach (string model in PeerModels.Present())
        {
            Console.WriteLine(model);
            using InterpreterRun ours = PeerModels.StartOurs(model, reference: false);
            double baseline = 0;
            foreach (PeerRuntime runtime in Enum.GetValues<PeerRuntime>())
            {
                string label = PeerModels.Label(runtime);
                if (PeerModels.Unavailable(runtime, model) is { } why) { Console.WriteLine($"  {label,-32} skipped: {why}"); continue; }
                using IModelRun run = PeerModels.Start(runtime, model, ours);
                OutputDifference difference = OutputComparison.Measure(ours, run, runtime, model);
                double median = Median(run, seconds);
                if (runtime == PeerRuntime.Ours) baseline = median;
                Console.WriteLine($"  {label,-32} {median,10:F2} us {median / baseline,7:F2}x  outputs: {difference}");
            }
        }
    }

    private static double Median(IModelRun run, double seconds)
    {
        for (int i = 0; i < 3; i++) run.Invoke();
        var times = new List<double>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds || times.Count < 5)
        {
            long start = Stopwatch.GetTimestamp();
            run.Invoke();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
