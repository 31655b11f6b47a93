using System.Text.Json;
using TfLiteMicro.Compression;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Cli.Tests;

public class CompressCommandTests
{
    [SkippableFact]
    public void Auto_compresses_person_detect_and_reports_bytes_and_output_change()
    {
        using TempDir dir = CliRunner.TempDir();
        string output = dir.File("person_detect.lut4.tflite");
        CliRunner.Result result = CliRunner.Run("compress", CliRunner.ModelPath("person_detect"), "--auto", "--bits", "4", "-o", output,
            "--samples", "4", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        JsonElement root = doc.RootElement;

        byte[] written = File.ReadAllBytes(output);
        Assert.Equal(written.Length, root.GetProperty("compressed_bytes").GetInt64());
        Assert.Equal(new FileInfo(CliRunner.ModelPath("person_detect")).Length, root.GetProperty("original_bytes").GetInt64());
        Assert.True(root.GetProperty("bytes_saved").GetInt64() > 50_000);

        // What the report lists is what the written model's metadata holds.
        IReadOnlyList<CompressedTensor> stored = ModelCompression.LutTensors(Model.Load(written));
        JsonElement tensors = root.GetProperty("tensors");
        Assert.Equal(stored.Count, tensors.GetArrayLength());
        foreach (JsonElement t in tensors.EnumerateArray())
        {
            CompressedTensor s = Assert.Single(stored, x => x.Tensor == t.GetProperty("tensor").GetInt32());
            Assert.Equal(s.BitWidth, t.GetProperty("bits").GetInt32());
            Assert.Equal(s.EncodedBytes, t.GetProperty("encoded_bytes").GetInt64());
            Assert.True(t.GetProperty("bits").GetInt32() <= 4);
        }

        JsonElement effect = Assert.Single(root.GetProperty("outputs").EnumerateArray());
        Assert.InRange(effect.GetProperty("argmax_agreement").GetDouble(), 0, 1);
        Assert.True(effect.GetProperty("max_difference").GetDouble() >= effect.GetProperty("mean_difference").GetDouble());
    }

    [SkippableFact]
    public void A_spec_file_in_tflm_form_names_the_tensors_and_info_shows_them()
    {
        using TempDir dir = CliRunner.TempDir();
        string spec = dir.File("spec.yaml");
        File.WriteAllText(spec, """
            tensors:

              - subgraph: 0
                tensor: 7
                compression:
                  - lut:
                      index_bitwidth: 5

              - subgraph: 0
                tensor: 8   # per-channel along the last axis
                compression:
                  - lut:
                      index_bitwidth: 3
            """);
        string output = dir.File("micro.tflite");
        CliRunner.Result result = CliRunner.Run("compress", CliRunner.ModelPath("micro_speech_quantized"), "--spec", spec, "-o", output, "--samples", "2");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("2 tensor(s)", result.Output);
        Assert.Contains("argmax agrees", result.Output);

        CliRunner.Result info = CliRunner.Run("info", output);
        Assert.True(info.ExitCode == 0, info.Error);
        Assert.Contains("Compressed constants: 2", info.Output);
        Assert.Contains("metadata LUT", info.Output);

        CliRunner.Result bench = CliRunner.Run("bench", output, "--iterations", "3", "--warmup", "1", "--profile");
        Assert.True(bench.ExitCode == 0, bench.Error);
        Assert.Contains("decompression:", bench.Output);
    }

    [SkippableFact]
    public void Info_lists_the_outputs_of_decode_operators()
    {
        CliRunner.Result info = CliRunner.Run("info", SharedData.Path("golden", "compression", "micro_speech_decode_lut3", "model.tflite"), "--json");
        Assert.True(info.ExitCode == 0, info.Error);
        using JsonDocument doc = JsonDocument.Parse(info.Output);
        JsonElement[] compressed = [.. doc.RootElement.GetProperty("compressedTensors").EnumerateArray()];
        Assert.Equal(4, compressed.Length);
        Assert.All(compressed, c => Assert.Equal("DECODE LUT", c.GetProperty("form").GetString()));
        Assert.All(compressed, c => Assert.Equal(3, c.GetProperty("bits").GetInt32()));
        Assert.Empty(doc.RootElement.GetProperty("missingOps").EnumerateArray());
    }

    [SkippableTheory]
    [InlineData("no way to name tensors", "name the tensors one way")]
    [InlineData("--bits 9", "bit widths run from 1 to 7")]
    [InlineData("--tensors 1,nosuch", "no tensor named 'nosuch'")]
    [InlineData("--tensors 0", "only constants can be compressed")]
    public void Bad_requests_are_one_line_errors(string args, string message)
    {
        string[] extra = args switch
        {
            "no way to name tensors" => [],
            "--bits 9" => ["--auto", "--bits", "9"],
            _ => args.Split(' '),
        };
        using TempDir dir = CliRunner.TempDir();
        CliRunner.Result result = CliRunner.Run(["compress", CliRunner.ModelPath("hello_world_int8"), "-o", dir.File("x.tflite"), .. extra]);
        CliRunner.AssertOneLineError(result, message);
    }

    [SkippableFact]
    public void An_already_compressed_model_is_refused()
    {
        CliRunner.Result result = CliRunner.Run("compress", SharedData.Path("golden", "compression", "fc_i8_0_lut4", "model.tflite"), "--tensors", "1");
        CliRunner.AssertOneLineError(result, "already compressed");
    }
}
