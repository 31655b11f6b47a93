using System.Diagnostics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TfLiteMicro.Benchmarks.Peers;

namespace TfLiteMicro.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--quick")
        {
            Quick(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0.5, args.Length > 2 ? args[2] : "");
            return;
        }
        if (args.Length > 0 && args[0] == "--ops")
        {
            OperatorMedians.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2, args.Length > 2 ? args[2] : "",
                againstPrearranged: args.Length > 3 && args[3] == "--prearranged");
            return;
        }
        if (args.Length > 0 && args[0] == "--footprint")
        {
            ModelFootprint.PrintTable();
            return;
        }
        if (args.Length > 0 && args[0] == "--peers")
        {
            PeerCheck.Run(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0.5);
            return;
        }
        // Model and layer names in full in the summary table, times in microseconds.
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, DefaultConfig.Instance.WithSummaryStyle(
            SummaryStyle.Default.WithMaxParameterColumnWidth(32).WithTimeUnit(Perfolizer.Horology.TimeUnit.Microsecond)));
    }

    /// <summary>
    /// A rough Stopwatch table (no BenchmarkDotNet): about <paramref name="seconds"/> per row and kernel choice, best time
    /// of the runs; only the rows whose name contains <paramref name="filter"/>.
    /// </summary>
    private static void Quick(double seconds, string filter)
    {
        Console.WriteLine($"{"case",-34} {"reference ms",13} {"optimized ms",13} {"ratio",7} {"GMAC/s",8} {"alloc B",8} {"ref alloc B",11}");
        foreach (string model in SharedModels.Supported())
            if (model.Contains(filter, StringComparison.Ordinal))
            {
                byte[] bytes = SharedModels.Read(model);
                Row(model, bytes, MultiplyAddCount.Of(Model.Load(bytes)), seconds);
            }
        foreach (string layer in LayerBenchmarks.Layers)
            if (layer.Contains(filter, StringComparison.Ordinal)) Row(layer, LayerBenchmarks.Build(layer), LayerBenchmarks.MultiplyAdds(layer), seconds);
    }

    private static void Row(string name, byte[] model, long multiplyAdds, double seconds)
    {
        double reference = Measure(model, true, seconds, out long referenceAllocated), optimized = Measure(model, false, seconds, out long allocated);
        string gmacs = multiplyAdds > 0 ? (multiplyAdds / optimized / 1e6).ToString("F1") : "";
        Console.WriteLine($"{name,-34} {reference,13:F4} {optimized,13:F4} {reference / optimized,7:F2} {gmacs,8} {allocated,8} {referenceAllocated,8}");
    }

    private static double Measure(byte[] model, bool reference, double seconds, out long allocatedPerInvoke)
    {
        using var run = new InterpreterRun(model, reference, 32 << 20);
        for (int i = 0; i < 3; i++) run.Invoke();
        long before = GC.GetAllocatedBytesForCurrentThread();
        run.Invoke();
        allocatedPerInvoke = GC.GetAllocatedBytesForCurrentThread() - before;
        var watch = Stopwatch.StartNew();
        int count = 0;
        double best = double.MaxValue;
        while (watch.Elapsed.TotalSeconds < seconds || count < 3)
        {
            long start = Stopwatch.GetTimestamp();
            run.Invoke();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            count++;
        }
        return best;
    }
}
