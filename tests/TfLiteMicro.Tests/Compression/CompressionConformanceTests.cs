using System.Text.Json;
using TfLiteMicro.Compression;
using TfLiteMicro.Kernels;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Compression;

/// <summary>
/// ../shared/golden/compression: models compressed with TFLM's own tooling, in both forms TFLM runs (COMPRESSION_METADATA,
/// and DECODE operators), with TFLM's outputs. Every case is bit-exact, with the optimized and the reference kernels, and
/// uses no more arena than TFLM.
/// </summary>
public sealed class CompressionConformanceTests
{
    private const string NoSharedData = "(../shared not found)";

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in CaseNames())
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        if (data.Count == 0) data.Add(NoSharedData, false);
        return data;
    }

    private static IEnumerable<string> CaseNames()
    {
        string? root = SharedData.Root;
        string? dir = root is null ? null : Path.Combine(root, "golden", "compression");
        return dir is not null && Directory.Exists(dir)
            ? Directory.GetDirectories(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!
            : [];
    }

    public static OpResolver Resolver() => GoldenRunner.FullResolver().AddDecode();

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MatchesTflm(string caseName, bool referenceKernels)
    {
        if (caseName == NoSharedData) SharedData.RequireRoot();
        GoldenCase c = GoldenCase.Load(SharedData.Path("golden", "compression", caseName));
        string? problem = GoldenRunner.Run(c, Resolver(), out MicroInterpreter interpreter, referenceKernels: referenceKernels);
        Assert.True(problem is null, $"{caseName}{(referenceKernels ? " (reference kernels)" : "")}: {problem}");
        Assert.True(interpreter.ArenaUsedBytes <= c.TflmArenaUsedBytes,
            $"{caseName}: we use {interpreter.ArenaUsedBytes} arena bytes, TFLM {c.TflmArenaUsedBytes}");
    }

    private sealed class DecompressionCounter : IInvokeProfiler, IDecompressionProfiler
    {
        public int Count;
        public void BeginOperator(int subgraph, int operatorIndex, OperatorCode code) { }
        public void EndOperator(int subgraph, int operatorIndex, OperatorCode code) { }
        public void BeginDecompression(int subgraph, int operatorIndex, int tensorIndex) => Count++;
        public void EndDecompression(int subgraph, int operatorIndex, int tensorIndex) { }
    }

    /// <summary>
    /// With decompression memory of the application's own: the same bytes twice in a row, less arena, and each compressed
    /// constant (metadata form) decompressed only in the first Invoke, its buffer having bytes of its own.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MatchesTflmWithDecompressionMemory(string caseName, bool referenceKernels)
    {
        if (caseName == NoSharedData) SharedData.RequireRoot();
        GoldenCase c = GoldenCase.Load(SharedData.Path("golden", "compression", caseName));
        Model model = Model.Load(File.ReadAllBytes(c.ModelPath));
        var counter = new DecompressionCounter();
        var region = new byte[256 * 1024];
        region.AsSpan().Fill(0xA5);
        using var interpreter = new MicroInterpreter(model, Resolver(), new byte[1 << 20],
            new InterpreterOptions { UseReferenceKernels = referenceKernels, DecompressionMemory = [region], Profiler = counter });
        interpreter.AllocateTensors();
        Assert.True(interpreter.DecompressionMemoryUsedBytes > 0);
        int afterFirst = 0;
        for (int run = 0; run < 2; run++)
        {
            for (int i = 0; i < interpreter.InputCount; i++) interpreter.Input(i).CopyFrom(c.ReadInput(i));
            interpreter.Invoke();
            for (int i = 0; i < interpreter.OutputCount; i++)
            {
                string? problem = GoldenRunner.Compare(interpreter.Output(i), c.ReadOutput(i), $"output {i}");
                Assert.True(problem is null, $"{caseName}, invoke {run + 1}: {problem}");
            }
            if (run == 0) afterFirst = counter.Count;
        }
        Assert.Equal(afterFirst, counter.Count);
        Assert.Equal(ModelCompression.LutTensors(model).Count > 0, afterFirst > 0);
        GoldenRunner.Run(c, Resolver(), out MicroInterpreter plain, referenceKernels: referenceKernels);
        Assert.True(interpreter.ArenaUsedBytes < plain.ArenaUsedBytes, $"{interpreter.ArenaUsedBytes} arena bytes, {plain.ArenaUsedBytes} without decompression memory");
    }

    /// <summary>The compressed tensors the case lists are the ones the model's metadata (or DECODE operators) holds.</summary>
    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void CompressesTheListedTensors(string caseName, bool referenceKernels)
    {
        if (caseName == NoSharedData) SharedData.RequireRoot();
        if (referenceKernels) return;
        string dir = SharedData.Path("golden", "compression", caseName);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "case.json")));
        JsonElement compression = doc.RootElement.GetProperty("compression");
        Model model = Model.Load(File.ReadAllBytes(Path.Combine(dir, "model.tflite")));
        IReadOnlyList<CompressedTensor> lut = ModelCompression.LutTensors(model);
        if (compression.GetProperty("method").GetString() != "lut_metadata")
        {
            Assert.Empty(lut);
            return;
        }
        var listed = compression.GetProperty("tensors").EnumerateArray().ToList();
        Assert.Equal(listed.Count, lut.Count);
        foreach (JsonElement t in listed)
        {
            CompressedTensor found = Assert.Single(lut, x => x.Tensor == t.GetProperty("index").GetInt32());
            Assert.Equal(t.GetProperty("bits").GetInt32(), found.BitWidth);
            bool perChannel = t.GetProperty("per_channel_axis").ValueKind == JsonValueKind.Number;
            Assert.Equal(perChannel, found.ChannelCount > 1);
        }
    }
}
