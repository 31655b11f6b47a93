namespace TfLiteMicro.Cli.Tests;

public class ErrorTests
{
    public static TheoryData<string> ModelCommands() => new() { "info", "plan", "run", "bench", "resolver" };

    [Theory]
    [MemberData(nameof(ModelCommands))]
    public void A_missing_file_is_one_line(string command)
    {
        CliRunner.Result result = CliRunner.Run(command, "/no/such/model.tflite");
        CliRunner.AssertOneLineError(result, "not found");
    }

    [Theory]
    [MemberData(nameof(ModelCommands))]
    public void A_file_that_is_not_a_model_is_one_line(string command)
    {
        using TempDir dir = CliRunner.TempDir();
        string path = dir.File("notes.tflite");
        File.WriteAllText(path, "these are notes, not a FlatBuffer model");
        CliRunner.Result result = CliRunner.Run(command, path);
        CliRunner.AssertOneLineError(result, "not a .tflite model");
    }

    [SkippableTheory]
    [MemberData(nameof(ModelCommands))]
    public void A_truncated_model_is_one_line(string command)
    {
        byte[] bytes = File.ReadAllBytes(CliRunner.ModelPath("person_detect"));
        using TempDir dir = CliRunner.TempDir();
        string path = dir.File("truncated.tflite");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);
        CliRunner.Result result = CliRunner.Run(command, path);
        CliRunner.AssertOneLineError(result, "tflite model");
    }

    [Fact]
    public void An_empty_file_and_a_directory_are_one_line()
    {
        using TempDir dir = CliRunner.TempDir();
        string empty = dir.File("empty.tflite");
        File.WriteAllBytes(empty, []);
        CliRunner.AssertOneLineError(CliRunner.Run("info", empty), "empty");
        CliRunner.AssertOneLineError(CliRunner.Run("info", dir.Path), "directory");
    }

    [SkippableFact]
    public void A_bad_arena_size_and_a_too_small_arena_are_one_line()
    {
        string path = CliRunner.ModelPath("hello_world_int8");
        CliRunner.AssertOneLineError(CliRunner.Run("run", path, "--arena-size", "lots"), "--arena-size");
        Model model = Model.Load(File.ReadAllBytes(path));
        SharedModels.AssertAllOpsSupported(model, "hello_world_int8");
        CliRunner.AssertOneLineError(CliRunner.Run("run", path, "--arena-size", "8"), "--arena-size");
    }

    [SkippableTheory]
    [InlineData("run")]
    [InlineData("plan")]
    [InlineData("bench")]
    public void A_model_with_an_unsupported_op_is_one_line_naming_it(string command)
    {
        using TempDir dir = CliRunner.TempDir();
        string path = dir.File("mystery.tflite");
        File.WriteAllBytes(path, SharedModels.WithUnknownCustomOp());
        CliRunner.AssertOneLineError(CliRunner.Run(command, path), "MysteryOp_12");
    }

    [Fact]
    public void Usage_errors_exit_2_and_help_exits_0()
    {
        CliRunner.Result unknown = CliRunner.Run("frobnicate");
        Assert.Equal(CliApp.ExitUsage, unknown.ExitCode);
        Assert.Contains("error:", unknown.Error);
        Assert.DoesNotContain("   at ", unknown.Error);

        CliRunner.Result missingArgument = CliRunner.Run("info");
        Assert.Equal(CliApp.ExitUsage, missingArgument.ExitCode);

        CliRunner.Result help = CliRunner.Run("--help");
        Assert.Equal(0, help.ExitCode);
        foreach (string command in new[] { "info", "plan", "run", "bench", "embed", "resolver" })
            Assert.Contains(command, help.Output);

        CliRunner.Result runHelp = CliRunner.Run("run", "--help");
        Assert.Equal(0, runHelp.ExitCode);
        Assert.Contains("--input", runHelp.Output);
        Assert.Contains("--output-dir", runHelp.Output);
    }
}

public class MutantModelTests
{
    [SkippableTheory]
    [InlineData("info")]
    [InlineData("run")]
    [InlineData("plan")]
    [InlineData("resolver")]
    public void Damaged_models_give_output_or_one_error_line(string command)
    {
        byte[] original = TfLiteMicro.Tests.Support.SharedData.ReadModel("hello_world_int8");
        var random = new Random(20261125);
        using TempDir dir = CliRunner.TempDir();
        string path = dir.File("mutant.tflite");
        for (int n = 0; n < 150; n++)
        {
            File.WriteAllBytes(path, TfLiteMicro.Fuzz.Mutator.Mutate(original, random, out _));
            CliRunner.Result result = CliRunner.Run(command, path);
            if (result.ExitCode == 0) continue;
            CliRunner.AssertOneLineError(result);
        }
    }

    [SkippableFact]
    public void An_input_that_is_a_directory_has_its_own_message()
    {
        string path = CliRunner.ModelPath("hello_world_int8");
        using TempDir dir = CliRunner.TempDir();
        CliRunner.AssertOneLineError(CliRunner.Run("run", path, "--input", dir.Path), "is a directory");
    }

    [SkippableFact]
    public void An_output_dir_that_is_a_file_or_cannot_be_written_has_its_own_message()
    {
        string path = CliRunner.ModelPath("hello_world_int8");
        using TempDir dir = CliRunner.TempDir();
        string file = dir.File("taken");
        File.WriteAllText(file, "a file, not a folder");
        CliRunner.AssertOneLineError(CliRunner.Run("run", path, "--output-dir", file), "is a file");
        // A folder below a file cannot be created, whoever runs the test (root included).
        CliRunner.AssertOneLineError(CliRunner.Run("run", path, "--output-dir", Path.Combine(file, "below")), "cannot be written");
    }
}
