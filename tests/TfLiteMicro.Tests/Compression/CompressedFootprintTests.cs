using TfLiteMicro.Memory;
using TfLiteMicro.Modeling.Compression;
using TfLiteMicro.Tests.Memory;
using TfLiteMicro.Tests.Support;
using Xunit.Abstractions;

namespace TfLiteMicro.Tests.Compression;

/// <summary>
/// Compressed models cost no more managed memory than plain ones: a Model keeps nothing of its compression metadata (it
/// is read again from the bytes), and an interpreter keeps one small record per compressed constant and per buffer an
/// operator reads one from.
/// </summary>
[Collection(nameof(HeapMeasurements))]
public sealed class CompressedFootprintTests(ITestOutputHelper output)
{
    /// <summary>Per compressed constant (its record and its first reader's buffer record) and per further reader.</summary>
    private const long PerCompressedTensor = 96, PerReader = 40;

    private static IEnumerable<(string Name, byte[] Bytes)> CompressedGoldenModels()
        => Directory.GetDirectories(SharedData.Path("golden", "compression")).Order(StringComparer.Ordinal)
            .Select(dir => (Path.GetFileName(dir), File.ReadAllBytes(Path.Combine(dir, "model.tflite"))));

    [SkippableFact]
    public void ACompressedModelKeepsWhatAPlainOneKeeps()
    {
        long plain = ManagedFootprint.OfModel(File.ReadAllBytes(SharedData.Path("models", "hello_world_int8.tflite")), rounds: 9);
        var models = CompressedGoldenModels().ToList();
        Assert.NotEmpty(models);
        foreach ((string name, byte[] bytes) in models)
        {
            long footprint = ManagedFootprint.OfModel(bytes, rounds: 9);
            // A round disturbed by other work gives a figure of its own: measured again before it counts.
            for (int retry = 0; retry < 3 && footprint != plain; retry++) footprint = ManagedFootprint.OfModel(bytes, rounds: 9);
            output.WriteLine($"{name}: Model keeps {footprint} bytes (plain model {plain})");
            Assert.Equal(plain, footprint);
        }
    }

    [SkippableFact]
    public void AnInterpreterKeepsASmallRecordPerCompressedConstant()
    {
        var arena = new byte[1 << 22];
        foreach (string file in new[] { "person_detect", "micro_speech_quantized", "keyword_scrambled_8bit" })
        {
            Model plain = Model.Load(File.ReadAllBytes(SharedData.Path("models", file + ".tflite")));
            Model compressed = Model.Load(LutCompressor.Compress(plain, LutCompressor.ChooseTensors(plain, 4)).Model);
            var probe = new MicroInterpreter(compressed, GoldenRunner.FullResolver(), arena);
            probe.AllocateTensors();
            long constants = 0, readers = 0;
            foreach (Subgraph subgraph in compressed.Subgraphs)
            {
                for (int t = 0; t < subgraph.Tensors.Count; t++) constants += probe.GetTensor(t, subgraph.Index).IsCompressed ? 1 : 0;
                foreach (ModelOperator op in subgraph.Operators)
                    foreach (int input in op.Inputs)
                        readers += input >= 0 && probe.GetTensor(input, subgraph.Index).IsCompressed ? 1 : 0;
            }
            Assert.True(constants > 0, $"{file}: nothing was compressed");

            long before = ManagedFootprint.OfInterpreter(plain, GoldenRunner.FullResolver(), arena);
            long after = ManagedFootprint.OfInterpreter(compressed, GoldenRunner.FullResolver(), arena);
            long bound = before + PerCompressedTensor * constants + PerReader * readers;
            output.WriteLine($"{file}: {before} bytes plain, {after} with {constants} compressed constants read {readers} times (bound {bound})");
            Assert.True(after <= bound, $"{file}: the interpreter keeps {after} bytes compressed, more than {bound}");
        }
    }
}
