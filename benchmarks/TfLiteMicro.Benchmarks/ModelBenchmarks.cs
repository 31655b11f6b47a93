using BenchmarkDotNet.Attributes;

namespace TfLiteMicro.Benchmarks;

/// <summary>
/// Invoke latency of every shared model whose ops have kernels, optimized kernels against the reference kernels, with the
/// model's arena (planned, greedy, persistent) and managed bytes as columns (<see cref="FootprintConfig"/>).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(FootprintConfig))]
public class ModelBenchmarks
{
    private InterpreterRun? _run;

    public static IEnumerable<string> Models() => SharedModels.Supported();

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    [Params(false, true)]
    public bool Reference { get; set; }

    [GlobalSetup]
    public void Setup() => _run = new InterpreterRun(SharedModels.Read(Model), Reference);

    [GlobalCleanup]
    public void Cleanup() => _run?.Dispose();

    [Benchmark]
    public void Invoke() => _run!.Invoke();
}
