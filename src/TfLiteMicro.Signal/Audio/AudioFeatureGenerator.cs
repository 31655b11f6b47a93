using System.Runtime.InteropServices;

namespace TfLiteMicro.Signal;

/// <summary>
/// Streams audio through an audio_preprocessor model (TFLM's micro_speech front end): push 16-bit PCM in chunks
/// of any size and a feature row comes out for every window of <see cref="WindowSamples"/> samples advanced by
/// <see cref="StepSamples"/> (30 ms windows every 20 ms at 16 kHz). One interpreter serves the whole stream,
/// so the model's state (noise estimate, PCAN) carries from window to window, as in TFLM.
/// </summary>
public sealed class AudioFeatureGenerator : IDisposable
{
    private readonly MicroInterpreter _interpreter;
    private readonly short[] _window;
    private int _buffered;
    private readonly Queue<byte[]> _rows = new();
    private readonly Stack<byte[]> _free = new();

    /// <summary>Runs <paramref name="model"/> (int16 [.., window] in, one feature row out) in an arena of <paramref name="arenaBytes"/>.</summary>
    public AudioFeatureGenerator(Model model, int stepSamples = 320, int arenaBytes = 32 * 1024, OpResolver? resolver = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (stepSamples <= 0) throw new ArgumentOutOfRangeException(nameof(stepSamples), "the step must be positive");
        _interpreter = new MicroInterpreter(model, resolver ?? OpResolver.WithAllBuiltins().AddSignalOps(), new byte[arenaBytes]);
        _interpreter.AllocateTensors();
        Tensor input = _interpreter.Input(0);
        if (input.Type != TensorType.Int16)
            throw new ArgumentException($"the model's input is {TensorTypes.GetName(input.Type)}, not int16 audio", nameof(model));
        WindowSamples = input.ElementCount;
        if (stepSamples > WindowSamples)
            throw new ArgumentOutOfRangeException(nameof(stepSamples), $"the step ({stepSamples}) is longer than the window ({WindowSamples})");
        StepSamples = stepSamples;
        Tensor output = _interpreter.Output(0);
        FeatureType = output.Type;
        FeatureCount = output.ElementCount;
        _window = new short[WindowSamples];
    }

    /// <summary>Loads the model from <paramref name="path"/>.</summary>
    public static AudioFeatureGenerator FromFile(string path, int stepSamples = 320)
        => new(Model.Load(File.ReadAllBytes(path)), stepSamples);

    public MicroInterpreter Interpreter => _interpreter;

    /// <summary>Samples per window (the model's input size, 480 for 30 ms at 16 kHz).</summary>
    public int WindowSamples { get; }

    /// <summary>Samples between the starts of consecutive windows (320 for 20 ms at 16 kHz).</summary>
    public int StepSamples { get; }

    /// <summary>Features per row (40 for micro_speech).</summary>
    public int FeatureCount { get; }

    /// <summary>The type of the features: int8 or float32, as the model outputs them.</summary>
    public TensorType FeatureType { get; }

    /// <summary>Rows produced by <see cref="Push"/> and not read yet.</summary>
    public int PendingRows => _rows.Count;

    /// <summary>Rows produced since construction or the last <see cref="Reset"/>.</summary>
    public long RowsProduced { get; private set; }

    /// <summary>Adds samples; returns how many new feature rows they completed.</summary>
    public int Push(ReadOnlySpan<short> samples)
    {
        int produced = 0;
        while (!samples.IsEmpty)
        {
            int take = Math.Min(WindowSamples - _buffered, samples.Length);
            samples[..take].CopyTo(_window.AsSpan(_buffered));
            _buffered += take;
            samples = samples[take..];
            if (_buffered < WindowSamples) break;
            RunWindow();
            produced++;
            _window.AsSpan(StepSamples).CopyTo(_window);
            _buffered -= StepSamples;
        }
        return produced;
    }

    private void RunWindow()
    {
        _window.CopyTo(_interpreter.Input(0).AsSpan<short>());
        _interpreter.Invoke();
        ReadOnlySpan<byte> features = _interpreter.Output(0).AsReadOnlySpan<byte>();
        byte[] row = _free.Count > 0 ? _free.Pop() : new byte[features.Length];
        features.CopyTo(row);
        _rows.Enqueue(row);
        RowsProduced++;
    }

    /// <summary>Takes the oldest pending row of an int8 model.</summary>
    public bool TryReadRow(Span<sbyte> destination) => TryRead(MemoryMarshal.AsBytes(destination), TensorType.Int8);

    /// <summary>Takes the oldest pending row of a float32 model.</summary>
    public bool TryReadRow(Span<float> destination) => TryRead(MemoryMarshal.AsBytes(destination), TensorType.Float32);

    private bool TryRead(Span<byte> destination, TensorType type)
    {
        if (FeatureType != type)
            throw new InvalidOperationException($"the model's features are {TensorTypes.GetName(FeatureType)}, not {TensorTypes.GetName(type)}");
        if (_rows.Count == 0) return false;
        byte[] row = _rows.Dequeue();
        if (destination.Length < row.Length)
            throw new ArgumentException($"the destination holds {destination.Length} bytes but a row has {row.Length}", nameof(destination));
        row.CopyTo(destination);
        _free.Push(row);
        return true;
    }

    /// <summary>Drops buffered samples and pending rows and resets the model's state, to start a new stream.</summary>
    public void Reset()
    {
        _buffered = 0;
        while (_rows.Count > 0) _free.Push(_rows.Dequeue());
        RowsProduced = 0;
        _interpreter.Reset();
    }

    /// <summary>All int8 feature rows of <paramref name="samples"/> (a convenience for whole clips), at most <paramref name="maxRows"/>.</summary>
    public sbyte[][] ComputeInt8(ReadOnlySpan<short> samples, int maxRows = int.MaxValue)
    {
        var rows = new List<sbyte[]>();
        Drain(rows, maxRows);
        while (!samples.IsEmpty && rows.Count < maxRows)
        {
            int chunk = Math.Min(StepSamples, samples.Length);
            Push(samples[..chunk]);
            samples = samples[chunk..];
            Drain(rows, maxRows);
        }
        return [.. rows];
    }

    private void Drain(List<sbyte[]> rows, int maxRows)
    {
        var row = new sbyte[FeatureCount];
        while (rows.Count < maxRows && TryReadRow(row))
        {
            rows.Add(row);
            row = new sbyte[FeatureCount];
        }
    }

    /// <summary>All float feature rows of <paramref name="samples"/>, at most <paramref name="maxRows"/>.</summary>
    public float[][] ComputeFloat(ReadOnlySpan<short> samples, int maxRows = int.MaxValue)
    {
        var rows = new List<float[]>();
        var row = new float[FeatureCount];
        while (!samples.IsEmpty && rows.Count < maxRows)
        {
            int chunk = Math.Min(StepSamples, samples.Length);
            Push(samples[..chunk]);
            samples = samples[chunk..];
            while (rows.Count < maxRows && TryReadRow(row))
            {
                rows.Add(row);
                row = new float[FeatureCount];
            }
        }
        return [.. rows];
    }

    public void Dispose() => _interpreter.Dispose();
}
