using BenchmarkDotNet.Attributes;
using TfLiteMicro.Signal;

namespace TfLiteMicro.Benchmarks;

/// <summary>
/// The audio front end (audio_preprocessor_int8 and _float, TFLM's micro_speech features) with the default and the
/// reference kernels: each Invoke takes the next 30 ms window of a spoken "yes" (20 ms steps, as micro_speech feeds it),
/// so the spectra, square roots, logs and the noise state are those of real speech.
/// </summary>
[MemoryDiagnoser]
public class AudioFrontEndBenchmarks
{
    private InterpreterRun? _run;
    private AudioFrames? _frames;

    [Params("audio_preprocessor_int8", "audio_preprocessor_float")]
    public string Model { get; set; } = "";

    [Params(false, true)]
    public bool Reference { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _run = new InterpreterRun(SharedModels.Read(Model), Reference);
        _frames = AudioFrames.Load(_run.Interpreter.Input(0).ElementCount);
    }

    [GlobalCleanup]
    public void Cleanup() => _run?.Dispose();

    [Benchmark]
    public void Invoke()
    {
        _frames!.WriteNext(_run!.Interpreter.Input(0).AsSpan<short>());
        _run.Invoke();
    }
}

/// <summary>The windows of one of the shared test clips (testdata/yes_1000ms.wav), taken in turn.</summary>
internal sealed class AudioFrames
{
    private const int StepSamples = 320;
    private readonly short[] _samples;
    private readonly int _window;
    private int _next;

    private AudioFrames(short[] samples, int window)
    {
        _samples = samples;
        _window = window;
    }

    public static AudioFrames Load(int window)
        => new(WavReader.Read(Path.Combine(SharedModels.Directory()!, "testdata", "yes_1000ms.wav")).Samples, window);

    /// <summary>Whether <paramref name="model"/> takes audio windows (an int16 input of one window, as the audio front ends do).</summary>
    public static bool Fits(string model) => model.StartsWith("audio_preprocessor", StringComparison.Ordinal);

    public void WriteNext(Span<short> input)
    {
        if (_next + _window > _samples.Length) _next = 0;
        _samples.AsSpan(_next, _window).CopyTo(input);
        _next += StepSamples;
    }
}
