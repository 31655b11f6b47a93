using BenchmarkDotNet.Attributes;
using TfLiteMicro.Benchmarks.Peers;

namespace TfLiteMicro.Benchmarks;

/// <summary>
/// Ours against the runtimes a user could pick instead, per shared model in one run, one thread each, the same input
/// bytes (except ours with two threads): ours (baseline of its model's group), ours with pre-arranged weights, ours with
/// two threads (InterpreterOptions.Threads), ours with the reference kernels, ONNX Runtime on the int8 and the
/// uint8-activation ONNX graphs, TFLite's built-in kernels and TFLite with XNNPACK. Rows a runtime cannot run
/// (no ONNX graph, custom ops, no TFLite library) are left out with a message; outputs are compared with ours
/// before timing (<see cref="OutputComparison"/>).
/// </summary>
[Config(typeof(PeerBenchmarkConfig))]
public class PeerBenchmarks
{
    private IModelRun? _run;

    public static IEnumerable<string> Models() => PeerModels.Present();

    [ParamsSource(nameof(Models))]
    public string Model { get; set; } = "";

    [GlobalSetup(Target = nameof(Ours))]
    public void SetupOurs() => _run = PeerModels.StartOurs(Model, reference: false);

    [GlobalSetup(Target = nameof(OursPrearranged))]
    public void SetupOursPrearranged() => Setup(PeerRuntime.OursPrearranged);

    [GlobalSetup(Target = nameof(OursTwoThreads))]
    public void SetupOursTwoThreads() => Setup(PeerRuntime.OursTwoThreads);

    [GlobalSetup(Target = nameof(OursReference))]
    public void SetupOursReference() => Setup(PeerRuntime.OursReference);

    [GlobalSetup(Target = nameof(OnnxRuntimeInt8))]
    public void SetupOnnxRuntimeInt8() => Setup(PeerRuntime.OnnxRuntimeInt8);

    [GlobalSetup(Target = nameof(OnnxRuntimeUint8Activations))]
    public void SetupOnnxRuntimeUint8Activations() => Setup(PeerRuntime.OnnxRuntimeUint8Activations);

    [GlobalSetup(Target = nameof(TfLite))]
    public void SetupTfLite() => Setup(PeerRuntime.TfLite);

    [GlobalSetup(Target = nameof(TfLiteXnnpack))]
    public void SetupTfLiteXnnpack() => Setup(PeerRuntime.TfLiteXnnpack);

    /// <summary>Starts the runtime on ours' inputs and compares its outputs with ours once, before any timing.</summary>
    private void Setup(PeerRuntime runtime)
    {
        using InterpreterRun ours = PeerModels.StartOurs(Model, reference: false);
        _run = PeerModels.Start(runtime, Model, ours);
        OutputDifference difference = OutputComparison.Measure(ours, _run, runtime, Model);
        Console.WriteLine($"// outputs of {PeerModels.Label(runtime)} on {Model} against ours: {difference}");
    }

    [GlobalCleanup]
    public void Cleanup() => _run?.Dispose();

    [Benchmark(Baseline = true, Description = "ours")]
    public void Ours() => _run!.Invoke();

    [Benchmark(Description = "ours, weights pre-arranged")]
    public void OursPrearranged() => _run!.Invoke();

    /// <summary>InterpreterOptions.Threads = 2: the only row on more than one thread (a model with no layer large enough to split runs as "ours").</summary>
    [Benchmark(Description = "ours, 2 threads")]
    public void OursTwoThreads() => _run!.Invoke();

    [Benchmark(Description = "ours, reference kernels")]
    public void OursReference() => _run!.Invoke();

    [Benchmark(Description = "ONNX Runtime int8")]
    public void OnnxRuntimeInt8() => _run!.Invoke();

    [Benchmark(Description = "ONNX Runtime uint8 activations")]
    public void OnnxRuntimeUint8Activations() => _run!.Invoke();

    [Benchmark(Description = "TFLite built-in kernels")]
    public void TfLite() => _run!.Invoke();

    [Benchmark(Description = "TFLite + XNNPACK")]
    public void TfLiteXnnpack() => _run!.Invoke();
}
