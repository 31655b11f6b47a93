using System.Text.Json;
using TfLiteMicro.Cli.Commands;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Cli.Tests;

public class InfoCommandTests
{
    [SkippableTheory]
    [MemberData(nameof(SharedModels.Names), MemberType = typeof(SharedModels))]
    public void Info_json_reports_the_models_ops_counts_and_tensor_shapes(string name)
    {
        string path = CliRunner.ModelPath(name);
        CliRunner.Result result = CliRunner.Run("info", path, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        JsonElement root = doc.RootElement;
        Model model = Model.Load(File.ReadAllBytes(path));

        // Operator types: exactly those ../shared/README.md lists, with counts as the model holds them.
        var reported = new Dictionary<string, int>();
        foreach (JsonElement t in root.GetProperty("operatorTypes").EnumerateArray())
            reported[t.GetProperty("op").GetString()!] = t.GetProperty("count").GetInt32();
        Assert.Equal(SharedModels.Ops[name].Order(), reported.Keys.Order());
        var counted = new Dictionary<string, int>();
        foreach (Subgraph s in model.Subgraphs)
            foreach (ModelOperator op in s.Operators)
                counted[op.Code.Name] = counted.GetValueOrDefault(op.Code.Name) + 1;
        Assert.Equal(counted.OrderBy(kv => kv.Key), reported.OrderBy(kv => kv.Key));

        // Inputs and outputs: the shapes and types TFLM reported for the same model.
        GoldenCase golden = GoldenCase.Load(SharedData.Path("golden", name + "_seed1"));
        JsonElement main = root.GetProperty("subgraphs")[0];
        AssertTensors(golden.Inputs, main.GetProperty("inputs"));
        AssertTensors(golden.Outputs, main.GetProperty("outputs"));
        Assert.Equal(model.Subgraphs[0].Operators.Count, main.GetProperty("operators").GetArrayLength());

        // Every op has a kernel, so nothing is reported missing and the arena is known exactly.
        SharedModels.AssertAllOpsSupported(model, name);
        Assert.Equal(0, root.GetProperty("missingOps").GetArrayLength());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("arena").ValueKind);

        Assert.Equal(JsonValueKind.Object, root.GetProperty("managed").ValueKind);
        (long constantBytes, _) = InfoCommand.ConstantData(model);
        Assert.Equal(constantBytes, root.GetProperty("constantBytes").GetInt64());
    }

    private static void AssertTensors(IReadOnlyList<GoldenTensor> expected, JsonElement actual)
    {
        Assert.Equal(expected.Count, actual.GetArrayLength());
        for (int i = 0; i < expected.Count; i++)
        {
            int[] shape = [.. actual[i].GetProperty("shape").EnumerateArray().Select(e => e.GetInt32())];
            Assert.Equal(expected[i].Shape, shape);
            Assert.Equal(expected[i].DType.ToUpperInvariant(), actual[i].GetProperty("dtype").GetString());
            if (expected[i].Bytes >= 0) Assert.Equal(expected[i].Bytes, actual[i].GetProperty("bytes").GetInt32());
        }
    }

    [SkippableFact]
    public void Info_text_shows_ops_tensors_and_the_arena_for_hello_world()
    {
        string path = CliRunner.ModelPath("hello_world_int8");
        CliRunner.Result result = CliRunner.Run("info", path);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("FULLY_CONNECTED", result.Output);
        Assert.Contains("x3", result.Output);
        Assert.Contains("INT8[1,1]", result.Output);
        Assert.Contains("INT8[16,16]", result.Output);
        Assert.Contains("zero_point -128", result.Output);

        Model model = Model.Load(File.ReadAllBytes(path));
        SharedModels.AssertAllOpsSupported(model, "hello_world_int8");
        using var interpreter = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), new byte[1 << 20]);
        interpreter.AllocateTensors();
        Assert.Contains($"new byte[{interpreter.ArenaUsedBytes}]", result.Output);
    }

    [SkippableFact]
    public void Info_names_missing_ops_without_failing()
    {
        using TempDir dir = CliRunner.TempDir();
        string path = dir.File("mystery.tflite");
        File.WriteAllBytes(path, SharedModels.WithUnknownCustomOp());
        CliRunner.Result result = CliRunner.Run("info", path);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("MysteryOp_12", result.Output);
        Assert.Contains("MISSING", result.Output);
        Assert.Contains("Arena needed: unknown", result.Output);

        CliRunner.Result resolver = CliRunner.Run("resolver", path);
        Assert.Equal(0, resolver.ExitCode);
        Assert.Contains(".AddCustom(\"MysteryOp_12\", () => throw new NotSupportedException(\"MysteryOp_12\"))", resolver.Output);
    }
}

/// <summary>Live-heap measurements run alone: another test allocating meanwhile would be counted.</summary>
[CollectionDefinition(nameof(InfoHeapMeasurements), DisableParallelization = true)]
public sealed class InfoHeapMeasurements;

[Collection(nameof(InfoHeapMeasurements))]
public class InfoFootprintTests
{
    [SkippableFact]
    public void Info_reports_the_managed_bytes_beside_the_arena()
    {
        CliRunner.Result result = CliRunner.Run("info", CliRunner.ModelPath("micro_speech_quantized"), "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        JsonElement managed = doc.RootElement.GetProperty("managed");
        long modelBytes = managed.GetProperty("modelBytes").GetInt64(), interpreterBytes = managed.GetProperty("interpreterBytes").GetInt64();
        // A Model keeps a few bytes whatever its size; the interpreter a record per tensor and operator plus its kernels.
        Assert.InRange(modelBytes, 1, 1024);
        Assert.InRange(interpreterBytes, 256, 16 * 1024);
        Assert.Equal(doc.RootElement.GetProperty("arena").GetProperty("totalBytes").GetInt64() + modelBytes + interpreterBytes,
            managed.GetProperty("totalWithArenaBytes").GetInt64());

        string text = CliRunner.Run("info", CliRunner.ModelPath("micro_speech_quantized")).Output;
        Assert.Contains("Managed memory beside the arena: Model ", text);
    }
}
