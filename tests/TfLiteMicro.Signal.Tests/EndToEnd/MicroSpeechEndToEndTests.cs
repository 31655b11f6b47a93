using System.Runtime.InteropServices;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Signal.Tests.EndToEnd;

/// <summary>
/// TFLM's micro_speech pipeline on its test clips: 480-sample windows advanced by 320 through one
/// audio_preprocessor interpreter (up to 49 rows), then micro_speech_quantized on the int8 features.
/// </summary>
public class MicroSpeechEndToEndTests
{
    public static TheoryData<string> Clips => new() { "yes_1000ms", "no_1000ms", "silence_1000ms", "noise_1000ms", "yes_30ms", "no_30ms" };

    private static short[] Samples(string clip) => WavReader.Read(SharedData.Path("testdata", clip + ".wav")).Samples;

    [SkippableTheory]
    [MemberData(nameof(Clips))]
    public void Int8FeaturesMatchTflm(string clip)
    {
        Model model = SignalTestSupport.LoadModel("audio_preprocessor_int8");
        SignalTestSupport.RequireOps(model);
        byte[] expected = File.ReadAllBytes(SharedData.Path("golden", "micro_speech_e2e", clip, "features_int8.bin"));
        using var generator = new AudioFeatureGenerator(model, resolver: SignalTestSupport.Resolver());
        sbyte[][] rows = generator.ComputeInt8(Samples(clip), maxRows: 49);
        byte[] actual = MemoryMarshal.AsBytes(rows.SelectMany(r => r).ToArray().AsSpan()).ToArray();
        Assert.Equal(expected, actual);
    }

    [SkippableTheory]
    [MemberData(nameof(Clips))]
    public void FloatFeaturesMatchTflm(string clip)
    {
        Model model = SignalTestSupport.LoadModel("audio_preprocessor_float");
        SignalTestSupport.RequireOps(model);
        float[] expected = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(SharedData.Path("golden", "micro_speech_e2e", clip, "features_float.bin"))).ToArray();
        using var generator = new AudioFeatureGenerator(model, resolver: SignalTestSupport.Resolver());
        float[] actual = generator.ComputeFloat(Samples(clip), maxRows: 49).SelectMany(r => r).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(GoldenRunner.FloatsMatch(actual[i], expected[i]), $"feature {i}: expected {expected[i]}, got {actual[i]}");
    }

    [SkippableTheory]
    [InlineData("yes_1000ms", "yes")]
    [InlineData("no_1000ms", "no")]
    [InlineData("silence_1000ms", "silence")]
    [InlineData("noise_1000ms", "silence")]
    public void ScoresMatchTflm(string clip, string label)
    {
        Model classifier = SignalTestSupport.LoadModel("micro_speech_quantized");
        SignalTestSupport.RequireOps(classifier);
        byte[] features = File.ReadAllBytes(SharedData.Path("golden", "micro_speech_e2e", clip, "features_int8.bin"));
        sbyte[] expected = MemoryMarshal.Cast<byte, sbyte>(File.ReadAllBytes(SharedData.Path("golden", "micro_speech_e2e", clip, "scores.bin"))).ToArray();
        var interpreter = new MicroInterpreter(classifier, SignalTestSupport.Resolver(), ArenaPoison.New(64 * 1024));
        interpreter.AllocateTensors();
        features.CopyTo(interpreter.Input(0).AsSpan<byte>());
        interpreter.Invoke();
        sbyte[] scores = interpreter.Output(0).AsSpan<sbyte>().ToArray();
        Assert.Equal(expected, scores);
        Assert.Equal(label, SignalTestSupport.Labels[Array.IndexOf(scores, scores.Max())]);
    }

    [SkippableTheory]
    [InlineData("yes_1000ms", "yes")]
    [InlineData("no_1000ms", "no")]
    [InlineData("silence_1000ms", "silence")]
    [InlineData("noise_1000ms", "silence")]
    public void WholePipelineLabelsClips(string clip, string label)
    {
        Model preprocessor = SignalTestSupport.LoadModel("audio_preprocessor_int8");
        Model classifier = SignalTestSupport.LoadModel("micro_speech_quantized");
        SignalTestSupport.RequireOps(preprocessor);
        SignalTestSupport.RequireOps(classifier);
        using var spotter = new KeywordSpotter(preprocessor, classifier, SignalTestSupport.Labels);
        sbyte[][] rows = spotter.Features.ComputeInt8(Samples(clip), maxRows: 49);
        var scores = new sbyte[4];
        spotter.Classify(rows.SelectMany(r => r).ToArray(), scores);
        sbyte[] expected = MemoryMarshal.Cast<byte, sbyte>(File.ReadAllBytes(SharedData.Path("golden", "micro_speech_e2e", clip, "scores.bin"))).ToArray();
        Assert.Equal(expected, scores);
        Assert.Equal(label, SignalTestSupport.Labels[Array.IndexOf(scores, scores.Max())]);
    }

    [SkippableFact]
    public void LongStreamReportsWordsInOrder()
    {
        Model preprocessor = SignalTestSupport.LoadModel("audio_preprocessor_int8");
        Model classifier = SignalTestSupport.LoadModel("micro_speech_quantized");
        SignalTestSupport.RequireOps(preprocessor);
        SignalTestSupport.RequireOps(classifier);
        short[] silence = Samples("silence_1000ms");
        short[] stream = [.. silence, .. Samples("yes_1000ms"), .. silence, .. silence, .. Samples("no_1000ms"), .. silence,
            .. Samples("noise_1000ms"), .. Samples("yes_1000ms"), .. silence, .. Samples("no_1000ms"), .. silence, .. silence];
        using var spotter = new KeywordSpotter(preprocessor, classifier, SignalTestSupport.Labels);
        var detections = new List<DetectedCommand>();
        // Odd chunk sizes: the generator must not depend on how the audio is cut.
        for (int offset = 0; offset < stream.Length; offset += 777)
            spotter.Push(stream.AsSpan(offset, Math.Min(777, stream.Length - offset)), detections);
        Assert.Equal(["yes", "no", "yes", "no"], detections.Select(d => d.Label).ToArray());
        // Each word is reported while or just after it is spoken (clips start at 1, 4, 7 and 9 s).
        double[] seconds = [.. detections.Select(d => d.Time.TotalSeconds)];
        Assert.InRange(seconds[0], 1.5, 3.0);
        Assert.InRange(seconds[1], 4.5, 6.0);
        Assert.InRange(seconds[2], 7.5, 9.0);
        Assert.InRange(seconds[3], 9.5, 11.0);
    }

    [SkippableFact]
    public void ChunkSizeDoesNotChangeFeatures()
    {
        Model model = SignalTestSupport.LoadModel("audio_preprocessor_int8");
        SignalTestSupport.RequireOps(model);
        short[] samples = Samples("yes_1000ms");
        using var whole = new AudioFeatureGenerator(model, resolver: SignalTestSupport.Resolver());
        sbyte[] reference = whole.ComputeInt8(samples).SelectMany(r => r).ToArray();
        using var chunked = new AudioFeatureGenerator(model, resolver: SignalTestSupport.Resolver());
        var rows = new List<sbyte>();
        var row = new sbyte[chunked.FeatureCount];
        foreach (int size in new[] { 1, 7, 480, 1000, 13 })
        {
            chunked.Reset();
            rows.Clear();
            for (int offset = 0; offset < samples.Length; offset += size)
            {
                chunked.Push(samples.AsSpan(offset, Math.Min(size, samples.Length - offset)));
                while (chunked.TryReadRow(row)) rows.AddRange(row);
            }
            Assert.Equal(reference, rows.ToArray());
        }
    }
}
