using System.Collections.Concurrent;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using TfLiteMicro.Memory;

namespace TfLiteMicro.Benchmarks;

/// <summary>
/// The whole memory a model takes with this runtime: the arena's planned part (with the lower bound and TFLM's greedy plan
/// beside it) and persistent part, and the managed bytes the <see cref="Model"/> and the prepared interpreter keep
/// (<see cref="ManagedFootprint"/>). Counted, not timed: the figures are the same on every machine.
/// </summary>
internal sealed record ModelFootprint(int LowerBound, int Greedy, int Planned, int Persistent, long ManagedModel, long ManagedInterpreter)
{
    private static readonly ConcurrentDictionary<(string, bool), ModelFootprint> s_cache = new();

    public long Total => Planned + Persistent + ManagedModel + ManagedInterpreter;

    public static ModelFootprint Of(string model, bool reference)
        => s_cache.GetOrAdd((model, reference), key => Measure(SharedModels.Read(key.Item1), key.Item2));

    public static ModelFootprint Measure(byte[] bytes, bool reference)
    {
        var options = new InterpreterOptions { UseReferenceKernels = reference };
        Model model = Model.Load(bytes);
        var arena = new byte[16 << 20];
        using var interpreter = new MicroInterpreter(model, InterpreterRun.Resolver(), arena, options);
        interpreter.AllocateTensors();
        MemoryPlanSummary summary = interpreter.MemoryPlanSummary!;
        return new ModelFootprint(summary.LowerBoundBytes, summary.GreedyBytes, interpreter.ArenaUsage.PlannedBytes, interpreter.ArenaUsage.PersistentBytes,
            ManagedFootprint.OfModel(bytes), ManagedFootprint.OfInterpreter(model, InterpreterRun.Resolver(), arena, options));
    }

    /// <summary>The table of every shared model (<c>--footprint</c>), optimized kernels.</summary>
    public static void PrintTable()
    {
        Console.WriteLine($"{"model",-26} {"lower bound",11} {"greedy",8} {"planned",8} {"persistent",10} {"managed model",13} {"managed interp.",15} {"total",8}");
        foreach (string model in SharedModels.Supported())
        {
            ModelFootprint f = Of(model, reference: false);
            Console.WriteLine($"{model,-26} {f.LowerBound,11} {f.Greedy,8} {f.Planned,8} {f.Persistent,10} {f.ManagedModel,13} {f.ManagedInterpreter,15} {f.Total,8}");
        }
    }
}

/// <summary><see cref="ModelBenchmarks"/>' configuration: the footprint of each row's model as columns beside its time.</summary>
public sealed class FootprintConfig : ManualConfig
{
    public FootprintConfig()
    {
        AddColumn(
            new FootprintColumn("Planned B", 0, "Arena bytes of activations and scratch (compact planner)", f => f.Planned),
            new FootprintColumn("Greedy B", 1, "The same with TFLM's greedy planner", f => f.Greedy),
            new FootprintColumn("Persistent B", 2, "Arena bytes kept for the interpreter's life (variables, kernel tables)", f => f.Persistent),
            new FootprintColumn("Model managed B", 3, "Managed bytes the Model keeps (its bytes excluded)", f => f.ManagedModel),
            new FootprintColumn("Interpreter managed B", 4, "Managed bytes the prepared interpreter keeps besides the arena", f => f.ManagedInterpreter));
    }

    private sealed class FootprintColumn(string name, int priority, string legend, Func<ModelFootprint, long> value) : IColumn
    {
        public string Id => nameof(FootprintColumn) + name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => priority;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Size;
        public string Legend => legend;
        public bool IsAvailable(Summary summary) => true;
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            if (benchmarkCase.Parameters[nameof(ModelBenchmarks.Model)] is not string model) return "-";
            bool reference = benchmarkCase.Parameters[nameof(ModelBenchmarks.Reference)] is true;
            return value(ModelFootprint.Of(model, reference)).ToString(style.CultureInfo);
        }
    }
}
