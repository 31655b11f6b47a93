using System.Diagnostics;
using BenchmarkDotNet.Running;

namespace TfLiteMicro.Benchmarks;

public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--quick")
        {
            Quick(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0.5);
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    /// <summary>A rough Stopwatch table (no BenchmarkDotNet): about <paramref name="seconds"/> per row and kernel choice.</summary>
    private static void Quick(double seconds)
    {
        Console.WriteLine($"{"case",-34} {"reference ms",13} {"optimized ms",13} {"ratio",7} {"GMAC/s",8} {"alloc B",8} {"ref alloc B",11}");
        foreach (string model in SharedModels.Supported())
            Row(model, SharedModels.Read(model), 0, seconds);
        foreach (string layer in new[] { "conv3x3_i8_56x56x32x64", "conv1x1_i8_28x28x128x128", "dwconv3x3_i8_56x56x128", "fc_i8_1024x1000",
                     "conv3x3_f32_28x28x32x32", "dwconv3x3_f32_56x56x64", "fc_f32_1024x1000" })
            Row(layer, LayerBenchmarks.Build(layer), LayerBenchmarks.MultiplyAdds(layer), seconds);
        foreach (string layer in LayerBenchmarks.Int16Layers)
            Row(layer, LayerBenchmarks.Build(layer), LayerBenchmarks.MultiplyAdds(layer), seconds);
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
