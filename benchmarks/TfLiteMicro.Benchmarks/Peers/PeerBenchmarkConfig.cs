using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;

namespace TfLiteMicro.Benchmarks.Peers;

/// <summary>
/// <see cref="PeerBenchmarks"/>' configuration: rows grouped by model with ours as each group's baseline, the median,
/// GMAC/s and the output comparison as columns, unavailable rows filtered out with a message, outputs compared before
/// the first run.
/// </summary>
public sealed class PeerBenchmarkConfig : ManualConfig
{
    public PeerBenchmarkConfig()
    {
        AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByParams);
        AddColumn(StatisticColumn.Median, new MultiplyAddRateColumn(), new OutputsColumn());
        AddFilter(new AvailableRuntimes());
        AddValidator(new OutputsAgree());
    }

    internal static PeerRuntime Runtime(BenchmarkCase benchmark) => Enum.Parse<PeerRuntime>(benchmark.Descriptor.WorkloadMethod.Name);

    internal static string Model(BenchmarkCase benchmark) => (string)benchmark.Parameters[nameof(PeerBenchmarks.Model)];

    private static bool IsPeerCase(BenchmarkCase benchmark) => benchmark.Descriptor.Type == typeof(PeerBenchmarks);

    /// <summary>Leaves out the rows a runtime cannot run here, saying once per runtime and reason which and why.</summary>
    private sealed class AvailableRuntimes : IFilter
    {
        private readonly HashSet<(PeerRuntime, string)> _reported = [];

        public bool Predicate(BenchmarkCase benchmark)
        {
            if (!IsPeerCase(benchmark)) return true;
            PeerRuntime runtime = Runtime(benchmark);
            string model = Model(benchmark);
            if (PeerModels.Unavailable(runtime, model) is not { } why) return true;
            if (_reported.Add((runtime, why)))
                Console.WriteLine($"// {PeerModels.Label(runtime)}: rows skipped where {why}");
            return false;
        }
    }

    /// <summary>Compares every peer row's outputs with ours before anything is timed; a mismatch is printed as an error.</summary>
    private sealed class OutputsAgree : IValidator
    {
        public bool TreatsWarningsAsErrors => false;

        public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters)
        {
            foreach (BenchmarkCase benchmark in validationParameters.Benchmarks.Where(IsPeerCase))
            {
                PeerRuntime runtime = Runtime(benchmark);
                if (runtime == PeerRuntime.Ours) continue;
                string model = Model(benchmark);
                OutputDifference difference;
                string? failure = null;
                try { difference = OutputComparison.Check(runtime, model); }
                catch (Exception e) when (e is InvalidOperationException or NotSupportedException or TfLiteMicroException
                    or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
                {
                    difference = default;
                    failure = e.Message;
                }
                if (failure is not null)
                {
                    yield return new ValidationError(true, $"{PeerModels.Label(runtime)} on {model} does not start: {failure}", benchmark);
                    continue;
                }
                Console.WriteLine($"// outputs of {PeerModels.Label(runtime)} on {model} against ours: {difference}");
                if (!difference.AsExpected)
                    yield return new ValidationError(false, $"!!! OUTPUT MISMATCH: {PeerModels.Label(runtime)} on {model}: {difference}", benchmark);
            }
        }
    }

    /// <summary>A column of <see cref="PeerBenchmarks"/>' rows ("-" on other classes' rows).</summary>
    private abstract class PeerColumn(string name, bool numeric, int priority, string legend) : IColumn
    {
        public string Id => GetType().Name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => priority;
        public bool IsNumeric => numeric;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => legend;
        public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(IsPeerCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
            => IsPeerCase(benchmarkCase) ? Value(summary, benchmarkCase, style) : "-";

        protected abstract string Value(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style);
    }

    /// <summary>
    /// Billions of multiply-adds per second by the median time, counting the model's convolution, depthwise, fully
    /// connected and batch-matmul layers (<see cref="MultiplyAddCount"/>); empty where those are not the bulk of the work.
    /// </summary>
    private sealed class MultiplyAddRateColumn() : PeerColumn("GMAC/s", numeric: true, priority: 0,
        "Multiply-adds of conv, depthwise, fully connected and batch-matmul layers per second, by the median")
    {
        protected override string Value(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            if (summary[benchmarkCase]?.ResultStatistics is not { } statistics) return "-";
            long multiplyAdds = PeerModels.MultiplyAdds(Model(benchmarkCase));
            return multiplyAdds > 0 ? (multiplyAdds / statistics.Median).ToString("F1", style.CultureInfo) : "";
        }
    }

    /// <summary>The output comparison's result per row ("identical", "1 step", "MISMATCH ...").</summary>
    private sealed class OutputsColumn() : PeerColumn("Outputs", numeric: false, priority: 1,
        "Outputs against ours on the same inputs (integer steps, or float |diff|); MISMATCH when beyond what is expected")
    {
        protected override string Value(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            PeerRuntime runtime = Runtime(benchmarkCase);
            return runtime == PeerRuntime.Ours ? "(ours)" : OutputComparison.Check(runtime, Model(benchmarkCase)).Short;
        }
    }
}
