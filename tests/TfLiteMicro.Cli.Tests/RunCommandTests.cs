using System.Text.Json;
using TfLiteMicro.Cli.Formats;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Cli.Tests;

public class RunCommandTests
{
    private static GoldenCase RequireRunnable(string caseName)
    {
        GoldenCase golden = GoldenCase.Load(SharedData.Path("golden", caseName));
        Model model = Model.Load(File.ReadAllBytes(golden.ModelPath));
        SharedModels.AssertAllOpsSupported(model, caseName);
        return golden;
    }

    [SkippableTheory]
    [InlineData("hello_world_int8_seed1")]
    [InlineData("hello_world_int8_seed2")]
    [InlineData("hello_world_int8_seed3")]
    public void Run_reproduces_tflm_outputs_byte_for_byte(string caseName)
    {
        GoldenCase golden = RequireRunnable(caseName);
        using TempDir dir = CliRunner.TempDir();
        var args = new List<string> { "run", golden.ModelPath, "--output-dir", dir.Path };
        for (int i = 0; i < golden.Inputs.Count; i++) { args.Add("--input"); args.Add(Path.Combine(golden.Directory, $"input{i}.bin")); }

        CliRunner.Result result = CliRunner.Run([.. args]);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Arena used:", result.Output);
        for (int i = 0; i < golden.Outputs.Count; i++)
        {
            Assert.Equal(golden.ReadOutput(i), File.ReadAllBytes(dir.File($"output{i}.bin")));
            NpyArray npy = NpyArray.Parse(File.ReadAllBytes(dir.File($"output{i}.npy")));
            Assert.Equal(golden.Outputs[i].Shape, npy.Shape);
            Assert.Equal(golden.ReadOutput(i), npy.Data);
        }
    }

    public static TheoryData<string> ModelCases()
    {
        var data = new TheoryData<string>();
        foreach (string name in GoldenCase.ModelCaseNames()) data.Add(name);
        if (data.Count == 0) data.Add("hello_world_int8_seed1");
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(ModelCases))]
    public void Run_reproduces_every_whole_model_case(string caseName)
    {
        GoldenCase golden = RequireRunnable(caseName);
        using TempDir dir = CliRunner.TempDir();
        var args = new List<string> { "run", golden.ModelPath, "-o", dir.Path };
        for (int i = 0; i < golden.Inputs.Count; i++) { args.Add("-i"); args.Add(Path.Combine(golden.Directory, $"input{i}.bin")); }
        CliRunner.Result result = CliRunner.Run([.. args]);
        Assert.True(result.ExitCode == 0, result.Error);
        for (int i = 0; i < golden.Outputs.Count; i++)
        {
            byte[] expected = golden.ReadOutput(i);
            byte[] actual = File.ReadAllBytes(dir.File($"output{i}.bin"));
            Assert.Equal(expected.Length, actual.Length);
            if (golden.Outputs[i].DType == "float32")
            {
                float[] e = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(expected).ToArray();
                float[] a = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(actual).ToArray();
                for (int k = 0; k < e.Length; k++)
                    Assert.True(GoldenRunner.FloatsMatch(a[k], e[k]), $"output {i}[{k}]: {a[k]} vs TFLM {e[k]}");
            }
            else
            {
                Assert.Equal(expected, actual);
            }
        }
    }

    [SkippableFact]
    public void Run_accepts_npy_inputs_and_prints_json_with_dequantized_values()
    {
        GoldenCase golden = RequireRunnable("hello_world_int8_seed1");
        using TempDir dir = CliRunner.TempDir();
        string npy = dir.File("x.npy");
        // A NumPy-style shape without the batch dimension fits the [1,1] input too.
        File.WriteAllBytes(npy, NpyArray.Write(TensorType.Int8, [1], golden.ReadInput(0)));

        CliRunner.Result result = CliRunner.Run("run", golden.ModelPath, "-i", npy, "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        JsonElement output = doc.RootElement.GetProperty("outputs")[0];
        sbyte raw = (sbyte)golden.ReadOutput(0)[0];
        double scale = output.GetProperty("scale").GetDouble();
        int zeroPoint = output.GetProperty("zeroPoint").GetInt32();
        Assert.Equal(scale * (raw - zeroPoint), output.GetProperty("values")[0].GetDouble(), 1e-6);
        Assert.True(doc.RootElement.GetProperty("arenaUsedBytes").GetInt32() > 0);
    }

    [SkippableFact]
    public void Run_without_inputs_uses_zeros()
    {
        GoldenCase golden = RequireRunnable("hello_world_int8_seed1");
        CliRunner.Result result = CliRunner.Run("run", golden.ModelPath);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("inputs all zero", result.Output);
        Assert.Contains("output 0:", result.Output);
    }

    [SkippableFact]
    public void A_wrong_size_input_is_a_clear_error()
    {
        GoldenCase golden = RequireRunnable("hello_world_int8_seed1");
        using TempDir dir = CliRunner.TempDir();
        string bin = dir.File("big.bin");
        File.WriteAllBytes(bin, new byte[5]);
        CliRunner.Result result = CliRunner.Run("run", golden.ModelPath, "--input", bin);
        CliRunner.AssertOneLineError(result, "has 5 bytes but the tensor needs 1");
    }

    [SkippableFact]
    public void Npy_inputs_of_the_wrong_dtype_or_shape_and_a_wrong_input_count_are_clear_errors()
    {
        GoldenCase golden = RequireRunnable("hello_world_int8_seed1");
        using TempDir dir = CliRunner.TempDir();
        string floats = dir.File("f.npy");
        File.WriteAllBytes(floats, NpyArray.Write(TensorType.Float32, [1, 1], new byte[4]));
        CliRunner.AssertOneLineError(CliRunner.Run("run", golden.ModelPath, "-i", floats), "FLOAT32");

        string wide = dir.File("w.npy");
        File.WriteAllBytes(wide, NpyArray.Write(TensorType.Int8, [1, 2], new byte[2]));
        CliRunner.AssertOneLineError(CliRunner.Run("run", golden.ModelPath, "-i", wide), "shape [1,2]");

        CliRunner.AssertOneLineError(CliRunner.Run("run", golden.ModelPath, "-i", wide, "-i", wide), "1 input(s) but 2");
        CliRunner.AssertOneLineError(CliRunner.Run("run", golden.ModelPath, "-i", dir.File("absent.bin")), "not found");
    }
}
