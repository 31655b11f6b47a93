namespace TfLiteMicro.Signal;

/// <summary>What <see cref="CommandRecognizer.Process"/> concluded from the latest scores.</summary>
/// <param name="Label">The label with the highest average score (or the previous one while there is too little data).</param>
/// <param name="Score">Its average score, 0 to 255 (int8 scores shifted by 128).</param>
/// <param name="IsNewCommand">True when this is a fresh detection: above the threshold and not a repeat within the suppression time.</param>
public readonly record struct RecognitionResult(string Label, int Score, bool IsNewCommand);

/// <summary>
/// Turns a stream of int8 classifier scores into discrete command detections, as TFLM's micro_speech example
/// did with its RecognizeCommands: scores are averaged over a time window, the top label must clear a
/// threshold, and the same label is not reported again until the suppression time has passed. The first
/// label is the "silence" label, which never counts as a previous detection.
/// </summary>
public sealed class CommandRecognizer
{
    private readonly string[] _labels;
    private readonly Queue<(int TimeMs, sbyte[] Scores)> _results = new();
    private string _previousTopLabel;
    private long _previousTopTime = int.MinValue;

    public CommandRecognizer(IReadOnlyList<string> labels, int averageWindowMs = 1000, int detectionThreshold = 200,
        int suppressionMs = 1500, int minimumCount = 3)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0) throw new ArgumentException("at least one label is needed", nameof(labels));
        _labels = [.. labels];
        _previousTopLabel = _labels[0];
        AverageWindowMs = averageWindowMs;
        DetectionThreshold = detectionThreshold;
        SuppressionMs = suppressionMs;
        MinimumCount = minimumCount;
    }

    public int AverageWindowMs { get; }
    public int DetectionThreshold { get; }
    public int SuppressionMs { get; }
    public int MinimumCount { get; }

    /// <summary>Adds the scores computed at <paramref name="timeMs"/> (non-decreasing) and returns the current conclusion.</summary>
    public RecognitionResult Process(ReadOnlySpan<sbyte> scores, int timeMs)
    {
        if (scores.Length != _labels.Length)
            throw new ArgumentException($"expected {_labels.Length} scores, got {scores.Length}", nameof(scores));
        if (_results.Count > 0 && timeMs < _results.Peek().TimeMs)
            throw new ArgumentException($"results must come in increasing time order; {timeMs} ms is earlier than {_results.Peek().TimeMs} ms", nameof(timeMs));

        _results.Enqueue((timeMs, scores.ToArray()));
        long timeLimit = (long)timeMs - AverageWindowMs;
        while (_results.Count > 0 && _results.Peek().TimeMs < timeLimit)
            _results.Dequeue();

        int count = _results.Count;
        long duration = timeMs - _results.Peek().TimeMs;
        if (count < MinimumCount || duration < AverageWindowMs / 4)
            return new RecognitionResult(_previousTopLabel, 0, false);

        Span<int> average = stackalloc int[_labels.Length];
        foreach ((int _, sbyte[] s) in _results)
            for (int i = 0; i < s.Length; i++) average[i] += s[i] + 128;
        int topIndex = 0;
        int topScore = 0;
        for (int i = 0; i < average.Length; i++)
        {
            average[i] /= count;
            if (average[i] > topScore)
            {
                topScore = average[i];
                topIndex = i;
            }
        }
        string topLabel = _labels[topIndex];

        long sinceLast = _previousTopLabel == _labels[0] || _previousTopTime == int.MinValue
            ? int.MaxValue
            : timeMs - _previousTopTime;
        bool isNew = topScore > DetectionThreshold && (topLabel != _previousTopLabel || sinceLast > SuppressionMs);
        if (isNew)
        {
            _previousTopLabel = topLabel;
            _previousTopTime = timeMs;
        }
        return new RecognitionResult(topLabel, topScore, isNew);
    }
}
