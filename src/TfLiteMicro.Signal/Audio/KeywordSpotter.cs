namespace TfLiteMicro.Signal;

/// <summary>A word found in a stream: its label, when it was recognised (end of the audio seen so far), and its average score (0 to 255).</summary>
public readonly record struct DetectedCommand(string Label, TimeSpan Time, int Score);

/// <summary>
/// TFLM's micro_speech pipeline over a stream: an <see cref="AudioFeatureGenerator"/> turns audio into feature
/// rows, the classifier (int8 [1, rows * features] in, int8 scores out) runs on the latest
/// <see cref="FeatureRows"/> rows every <see cref="InferenceStrideRows"/> new rows, and a
/// <see cref="CommandRecognizer"/> smooths the scores into detections.
/// </summary>
public sealed class KeywordSpotter : IDisposable
{
    private readonly AudioFeatureGenerator _features;
    private readonly MicroInterpreter _classifier;
    private readonly CommandRecognizer _recognizer;
    private readonly sbyte[] _window;
    private readonly sbyte[] _row;
    private readonly sbyte[] _scores;
    private long _rowsSeen;
    private int _rowsSinceInference;

    public KeywordSpotter(Model preprocessor, Model classifier, IReadOnlyList<string> labels, int inferenceStrideRows = 2,
        CommandRecognizer? recognizer = null, OpResolver? resolver = null, int sampleRate = 16000)
    {
        ArgumentNullException.ThrowIfNull(preprocessor);
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(labels);
        if (inferenceStrideRows <= 0) throw new ArgumentOutOfRangeException(nameof(inferenceStrideRows));
        if (sampleRate <= 0) throw new ArgumentOutOfRangeException(nameof(sampleRate));
        SampleRate = sampleRate;
        resolver ??= OpResolver.WithAllBuiltins().AddSignalOps();
        _features = new AudioFeatureGenerator(preprocessor, resolver: resolver);
        if (_features.FeatureType != TensorType.Int8)
            throw new ArgumentException("the preprocessor must output int8 features for the quantized classifier", nameof(preprocessor));
        _classifier = new MicroInterpreter(classifier, resolver, new byte[64 * 1024]);
        _classifier.AllocateTensors();
        Tensor input = _classifier.Input(0);
        if (input.Type != TensorType.Int8 || input.ElementCount % _features.FeatureCount != 0)
            throw new ArgumentException($"the classifier's input {input} is not int8 rows of {_features.FeatureCount} features", nameof(classifier));
        Tensor output = _classifier.Output(0);
        if (output.Type != TensorType.Int8 || output.ElementCount != labels.Count)
            throw new ArgumentException($"the classifier's output {output} does not hold {labels.Count} int8 scores", nameof(classifier));
        FeatureRows = input.ElementCount / _features.FeatureCount;
        InferenceStrideRows = inferenceStrideRows;
        _recognizer = recognizer ?? CreateDefaultRecognizer(labels);
        _window = new sbyte[input.ElementCount];
        _row = new sbyte[_features.FeatureCount];
        _scores = new sbyte[labels.Count];
        Labels = [.. labels];
    }

    public IReadOnlyList<string> Labels { get; }

    /// <summary>
    /// The smoothing used unless another recognizer is given: TFLM's algorithm with a 750 ms window and a threshold
    /// of 180. TFLM's constants (1000 ms, 200) were tuned for its older model; with micro_speech_quantized,
    /// classified every 40 ms, they miss some clear words of TFLM's own test clips, which these values catch
    /// without reporting anything for silence or noise.
    /// </summary>
    public static CommandRecognizer CreateDefaultRecognizer(IReadOnlyList<string> labels)
        => new(labels, averageWindowMs: 750, detectionThreshold: 180, suppressionMs: 1500, minimumCount: 3);

    /// <summary>Samples per second of the audio pushed (for detection times).</summary>
    public int SampleRate { get; }

    /// <summary>Feature rows the classifier sees at once (49 rows of 20 ms: about one second).</summary>
    public int FeatureRows { get; }

    public int InferenceStrideRows { get; }

    public AudioFeatureGenerator Features => _features;

    public MicroInterpreter Classifier => _classifier;

    /// <summary>The latest scores (int8, one per label).</summary>
    public ReadOnlySpan<sbyte> LatestScores => _scores;

    private TimeSpan RowTime(long rows)
        => TimeSpan.FromSeconds((double)((rows - 1) * _features.StepSamples + _features.WindowSamples) / SampleRate);

    /// <summary>Feeds audio; appends every new detection to <paramref name="detections"/>.</summary>
    public void Push(ReadOnlySpan<short> samples, List<DetectedCommand> detections)
    {
        ArgumentNullException.ThrowIfNull(detections);
        while (!samples.IsEmpty)
        {
            int chunk = Math.Min(_features.StepSamples, samples.Length);
            _features.Push(samples[..chunk]);
            samples = samples[chunk..];
            while (_features.TryReadRow(_row))
            {
                // Slide the window up one row and append the newest.
                _window.AsSpan(_row.Length).CopyTo(_window);
                _row.CopyTo(_window.AsSpan(_window.Length - _row.Length));
                _rowsSeen++;
                if (++_rowsSinceInference < InferenceStrideRows || _rowsSeen < FeatureRows) continue;
                _rowsSinceInference = 0;
                Classify(_window, _scores);
                TimeSpan time = RowTime(_rowsSeen);
                RecognitionResult result = _recognizer.Process(_scores, (int)time.TotalMilliseconds);
                if (result.IsNewCommand) detections.Add(new DetectedCommand(result.Label, time, result.Score));
            }
        }
    }

    /// <summary>Runs the classifier on <paramref name="features"/> (FeatureRows x features, zero-padded if shorter) into <paramref name="scores"/>.</summary>
    public void Classify(ReadOnlySpan<sbyte> features, Span<sbyte> scores)
    {
        Span<sbyte> input = _classifier.Input(0).AsSpan<sbyte>();
        input.Clear();
        features[..Math.Min(features.Length, input.Length)].CopyTo(input);
        _classifier.Invoke();
        _classifier.Output(0).AsReadOnlySpan<sbyte>().CopyTo(scores);
    }

    public void Dispose()
    {
        _features.Dispose();
        _classifier.Dispose();
    }
}
