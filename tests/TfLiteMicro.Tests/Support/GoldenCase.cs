using System.Text.Json;

namespace TfLiteMicro.Tests.Support;

/// <summary>One reference run of TFLM from ../shared/golden: model, input bytes, expected output bytes, metadata.</summary>
public sealed class GoldenCase
{
    public required string Name { get; init; }
    public required string Directory { get; init; }
    public required string ModelPath { get; init; }
    public required int TflmArenaUsedBytes { get; init; }
    public required IReadOnlyList<GoldenTensor> Inputs { get; init; }
    public required IReadOnlyList<GoldenTensor> Outputs { get; init; }

    public byte[] ReadInput(int i) => File.ReadAllBytes(System.IO.Path.Combine(Directory, $"input{i}.bin"));
    public byte[] ReadOutput(int i) => File.ReadAllBytes(System.IO.Path.Combine(Directory, $"output{i}.bin"));

    public override string ToString() => Name;

    /// <summary>Loads the case in <paramref name="directory"/> (a folder holding case.json).</summary>
    public static GoldenCase Load(string directory)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(directory, "case.json")));
        JsonElement root = doc.RootElement;
        string model = root.GetProperty("model").GetString()!;
        string local = System.IO.Path.Combine(directory, model);
        string modelPath = File.Exists(local) ? local : SharedData.Path("models", model);
        return new GoldenCase
        {
            Name = System.IO.Path.GetFileName(directory),
            Directory = directory,
            ModelPath = modelPath,
            TflmArenaUsedBytes = root.TryGetProperty("tflm_arena_used_bytes", out JsonElement arena) ? arena.GetInt32() : 0,
            Inputs = ReadTensors(root, "inputs"),
            Outputs = ReadTensors(root, "outputs"),
        };
    }

    private static List<GoldenTensor> ReadTensors(JsonElement root, string property)
    {
        var list = new List<GoldenTensor>();
        if (!root.TryGetProperty(property, out JsonElement array)) return list;
        foreach (JsonElement t in array.EnumerateArray())
        {
            list.Add(new GoldenTensor(
                t.TryGetProperty("name", out JsonElement n) ? n.GetString() ?? "" : "",
                t.GetProperty("dtype").GetString()!,
                [.. t.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32())],
                t.TryGetProperty("bytes", out JsonElement b) ? b.GetInt32() : -1));
        }
        return list;
    }

    /// <summary>Every case folder under golden/ops (single-operator cases).</summary>
    public static IEnumerable<string> OpCaseNames()
    {
        string? root = SharedData.Root;
        if (root is null) return [];
        string dir = System.IO.Path.Combine(root, "golden", "ops");
        return System.IO.Directory.Exists(dir)
            ? System.IO.Directory.GetDirectories(dir).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal)!
            : [];
    }

    /// <summary>Every whole-model case folder directly under golden/ (those named MODEL_seedN).</summary>
    public static IEnumerable<string> ModelCaseNames()
    {
        string? root = SharedData.Root;
        if (root is null) return [];
        string dir = System.IO.Path.Combine(root, "golden");
        if (!System.IO.Directory.Exists(dir)) return [];
        return System.IO.Directory.GetDirectories(dir)
            .Where(d => File.Exists(System.IO.Path.Combine(d, "case.json")))
            .Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal)!;
    }
}

public sealed record GoldenTensor(string Name, string DType, int[] Shape, int Bytes);
