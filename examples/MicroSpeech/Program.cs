using System.Diagnostics;
using System.Globalization;
using TfLiteMicro;
using TfLiteMicro.Examples;
using TfLiteMicro.Signal;

// Keyword spotting as in TFLM's micro_speech example: audio_preprocessor turns 30 ms windows (every 20 ms)
// into 40 int8 features, micro_speech_quantized classifies 49 rows (about one second) into four labels.
string[] labels = ["silence", "unknown", "yes", "no"];
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;

var wavPaths = new List<string>();
string? modelsDir = null;
bool timing = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--models" when i + 1 < args.Length: modelsDir = args[++i]; break;
        case "--timing": timing = true; break;
        case "-h" or "--help": PrintUsage(); return 0;
        default:
            if (args[i].StartsWith('-')) { Console.Error.WriteLine($"unknown option {args[i]}"); PrintUsage(); return 2; }
            wavPaths.Add(args[i]);
            break;
    }
}

try
{
    // TFLM's models (and, without a file of the user's, its two test clips): from --models DIR, the shared folder or
    // the user's cache, where they are downloaded once from TFLM's repository and checked.
    TflmFiles models = TflmFiles.ForExample(modelsDir, "models");
    Model preprocessor = Model.Load(File.ReadAllBytes(models.Get(TflmFiles.AudioPreprocessor)));
    Model classifier = Model.Load(File.ReadAllBytes(models.Get(TflmFiles.MicroSpeechModel)));
    if (wavPaths.Count == 0)
    {
        TflmFiles clips = TflmFiles.ForExample(null, "testdata");
        wavPaths.AddRange([clips.Get(TflmFiles.Yes), clips.Get(TflmFiles.No)]);
    }
    foreach (string wavPath in wavPaths)
        Spot(wavPath, preprocessor, classifier, labels, timing);
    return 0;
}
catch (Exception e) when (e is WavFormatException or TfLiteMicroException or TflmFileException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static void Spot(string wavPath, Model preprocessor, Model classifier, string[] labels, bool timing)
{
    WavAudio audio = WavReader.Read(wavPath);
    if (audio.SampleRate != 16000)
        Console.Error.WriteLine($"warning: {wavPath} is {audio.SampleRate} Hz; the models expect 16000 Hz");
    using var spotter = new KeywordSpotter(preprocessor, classifier, labels, sampleRate: audio.SampleRate);

    int clipRows = spotter.FeatureRows;
    long clipSamples = (long)(clipRows - 1) * spotter.Features.StepSamples + spotter.Features.WindowSamples;
    if (audio.Samples.Length <= clipSamples + spotter.Features.StepSamples)
    {
        // One clip: features for up to one second, zero rows after a short clip, one classification.
        var watch = Stopwatch.StartNew();
        sbyte[][] rows = spotter.Features.ComputeInt8(audio.Samples, clipRows);
        double featureMs = watch.Elapsed.TotalMilliseconds;
        var scores = new sbyte[labels.Length];
        watch.Restart();
        spotter.Classify(rows.SelectMany(r => r).ToArray(), scores);
        double inferenceMs = watch.Elapsed.TotalMilliseconds;
        Console.WriteLine($"{Path.GetFileName(wavPath)}: {audio.Duration.TotalMilliseconds:0} ms, {rows.Length} feature rows");
        float scale = spotter.Classifier.Output(0).Scale;
        int zeroPoint = spotter.Classifier.Output(0).ZeroPoint;
        for (int i = 0; i < labels.Length; i++)
            Console.WriteLine($"  {labels[i],-8} {scores[i],5}  ({(scores[i] - zeroPoint) * scale:0.000})");
        int best = Array.IndexOf(scores, scores.Max());
        Console.WriteLine($"label: {labels[best]}");
        if (timing)
        {
            Console.WriteLine($"timing: {featureMs / Math.Max(1, rows.Length):0.000} ms per 20 ms feature step (first run, includes JIT), {inferenceMs:0.000} ms per inference");
            Benchmark(spotter, audio.Samples, rows);
        }
    }
    else
    {
        // A longer recording: slide over it and report each word once.
        var detections = new List<DetectedCommand>();
        spotter.Push(audio.Samples, detections);
        Console.WriteLine($"{Path.GetFileName(wavPath)}: {audio.Duration.TotalSeconds:0.00} s");
        int words = 0;
        foreach (DetectedCommand d in detections)
        {
            if (d.Label is "silence" or "unknown") continue;
            Console.WriteLine($"  {d.Time.TotalSeconds,7:0.00} s  {d.Label} (score {d.Score})");
            words++;
        }
        if (words == 0) Console.WriteLine("  no words detected");
    }
}

static void Benchmark(KeywordSpotter spotter, short[] samples, sbyte[][] rows)
{
    const int Repeats = 20;
    var generator = spotter.Features;
    var watch = Stopwatch.StartNew();
    int steps = 0;
    for (int r = 0; r < Repeats; r++)
    {
        generator.Reset();
        steps += generator.ComputeInt8(samples, spotter.FeatureRows).Length;
    }
    double stepMs = watch.Elapsed.TotalMilliseconds / steps;
    sbyte[] features = rows.SelectMany(x => x).ToArray();
    var scores = new sbyte[spotter.Labels.Count];
    watch.Restart();
    for (int r = 0; r < Repeats; r++) spotter.Classify(features, scores);
    double inferenceMs = watch.Elapsed.TotalMilliseconds / Repeats;
    Console.WriteLine($"timing (warm, {Repeats} runs): {stepMs:0.000} ms per feature step, {inferenceMs:0.000} ms per inference");
    Console.WriteLine($"arena: preprocessor {generator.Interpreter.ArenaUsedBytes} bytes (TFLM 9952), classifier {spotter.Classifier.ArenaUsedBytes} bytes (TFLM 7312)");
}

static void PrintUsage()
{
    Console.WriteLine("usage: MicroSpeech [FILE.wav ...] [--models DIR] [--timing]");
    Console.WriteLine("  FILE.wav  your own recording (16 kHz, 16-bit PCM, mono); without one, TFLM's yes_1000ms.wav and no_1000ms.wav");
    Console.WriteLine("  a clip of up to 1 s: prints the scores for silence, unknown, yes, no and the label");
    Console.WriteLine("  a longer recording: reports each detected word with its time");
    Console.WriteLine("  models: --models DIR, else $TFLM_SHARED_DIR/models or ../shared/models, else TFLM's published models,");
    Console.WriteLine("          downloaded once (SHA-256 checked) into $TFLM_CACHE_DIR or ~/.cache/tflitemicro");
}
