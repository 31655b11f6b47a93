using System.Diagnostics;

namespace TfLiteMicro.Benchmarks;

/// <summary>
/// Per-operator medians of one model with the default and with the reference kernels, their invokes alternating so
/// that a change of the machine's load slows both alike. A median of single operator runs (each far shorter than a
/// scheduler slice) holds up on a loaded machine where sums and means do not.
/// </summary>
internal static class OperatorMedians
{
    /// <summary>
    /// Per-operator medians of the models whose name contains <paramref name="filter"/>; the default kernels against the
    /// reference kernels, or, with <paramref name="againstPrearranged"/>, against the default kernels with
    /// <see cref="InterpreterOptions.PrearrangeWeights"/> (that side is printed in the "reference" column).
    /// </summary>
    public static void Run(double seconds, string filter, bool againstPrearranged = false)
    {
        foreach (string model in SharedModels.Supported())
            if (model.Contains(filter, StringComparison.Ordinal)) Table(model, SharedModels.Read(model), seconds, againstPrearranged);
    }

    private static void Table(string name, byte[] bytes, double seconds, bool againstPrearranged)
    {
        Model model = Model.Load(bytes);
        int operators = model.Subgraphs[0].Operators.Count;
        const int Samples = 20_000;
        var optimizedTimes = new Recorder(operators, Samples);
        var referenceTimes = new Recorder(operators, Samples);
        using var optimized = new InterpreterRun(bytes, reference: false, profiler: optimizedTimes);
        using var reference = againstPrearranged
            ? new InterpreterRun(bytes, reference: false, profiler: referenceTimes, options: new InterpreterOptions { PrearrangeWeights = true })
            : new InterpreterRun(bytes, reference: true, profiler: referenceTimes);
        if (againstPrearranged) Console.WriteLine("(the reference column: default kernels with the weights pre-arranged)");
        // Audio front ends get the windows of a spoken word (their speed depends on the signal), both sides the same.
        // The sides take turns in blocks of 64 invokes: run right after the other on the same data, the second would
        // find its data-dependent branches already predicted.
        AudioFrames? optimizedFrames = null, referenceFrames = null;
        if (AudioFrames.Fits(name))
        {
            optimizedFrames = AudioFrames.Load(optimized.Interpreter.Input(0).ElementCount);
            referenceFrames = AudioFrames.Load(reference.Interpreter.Input(0).ElementCount);
        }
        void InvokeBoth()
        {
            for (int i = 0; i < 64; i++)
            {
                referenceFrames?.WriteNext(reference.Interpreter.Input(0).AsSpan<short>());
                reference.Invoke();
            }
            for (int i = 0; i < 64; i++)
            {
                optimizedFrames?.WriteNext(optimized.Interpreter.Input(0).AsSpan<short>());
                optimized.Invoke();
            }
        }
        for (int i = 0; i < 30; i++) InvokeBoth();
        optimizedTimes.Clear();
        referenceTimes.Clear();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds && optimizedTimes.Invokes < Samples) InvokeBoth();
        Console.WriteLine($"{name}: {optimizedTimes.Invokes} invokes each, median µs per operator (Stopwatch around each, its own cost included)");
        Console.WriteLine($"{"#",3} {"operator",-38} {"reference",10} {"default",10} {"ratio",7}");
        double referenceSum = 0, optimizedSum = 0;
        for (int op = 0; op < operators; op++)
        {
            double r = referenceTimes.MedianMicroseconds(op), o = optimizedTimes.MedianMicroseconds(op);
            referenceSum += r;
            optimizedSum += o;
            Console.WriteLine($"{op,3} {model.Subgraphs[0].Operators[op].Code,-38} {r,10:F3} {o,10:F3} {o / r,7:F2}");
        }
        Console.WriteLine($"{"",3} {"sum of medians",-38} {referenceSum,10:F3} {optimizedSum,10:F3} {optimizedSum / referenceSum,7:F2}");
        Console.WriteLine($"{"",3} {"whole invoke (median)",-38} {referenceTimes.MedianInvokeMicroseconds(),10:F3} {optimizedTimes.MedianInvokeMicroseconds(),10:F3} {optimizedTimes.MedianInvokeMicroseconds() / referenceTimes.MedianInvokeMicroseconds(),7:F2}");
        Console.WriteLine();
    }

    /// <summary>Ticks of every run of every operator of subgraph 0, kept in arrays made up front.</summary>
    private sealed class Recorder(int operators, int samples) : IInvokeProfiler
    {
        private readonly long[][] _ticks = [.. Enumerable.Range(0, operators).Select(_ => new long[samples])];
        private readonly long[] _invokeTicks = new long[samples];
        private readonly long[] _started = new long[operators];
        private long _invokeStarted;

        public int Invokes { get; private set; }

        public void BeginOperator(int subgraph, int operatorIndex, OperatorCode code)
        {
            long now = Stopwatch.GetTimestamp();
            if (subgraph == 0 && operatorIndex == 0) _invokeStarted = now;
            if (subgraph == 0) _started[operatorIndex] = now;
        }

        public void EndOperator(int subgraph, int operatorIndex, OperatorCode code)
        {
            long now = Stopwatch.GetTimestamp();
            if (subgraph != 0 || Invokes >= _invokeTicks.Length) return;
            _ticks[operatorIndex][Invokes] = now - _started[operatorIndex];
            if (operatorIndex == _started.Length - 1) _invokeTicks[Invokes++] = now - _invokeStarted;
        }

        public void Clear() => Invokes = 0;

        public double MedianMicroseconds(int op) => Median(_ticks[op]);

        public double MedianInvokeMicroseconds() => Median(_invokeTicks);

        private double Median(long[] ticks)
        {
            long[] sorted = ticks[..Invokes];
            Array.Sort(sorted);
            return sorted[sorted.Length / 2] * 1e6 / Stopwatch.Frequency;
        }
    }
}
