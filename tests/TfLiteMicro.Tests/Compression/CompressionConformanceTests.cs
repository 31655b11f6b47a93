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
