using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Cli.Tests;

/// <summary>Runs the tflm command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }

    public static string ModelPath(string name) => SharedData.Path("models", name + ".tflite");

    /// <summary>A fresh folder under the test's temp area, removed by the caller's using block.</summary>
    public static TempDir TempDir() => new();

    /// <summary>Asserts a failure is one readable line on stderr with a non-zero exit code and no stack trace.</summary>
    public static void AssertOneLineError(Result result, string? contains = null)
    {
        Assert.NotEqual(0, result.ExitCode);
        string error = result.Error.TrimEnd('\r', '\n');
        Assert.False(string.IsNullOrWhiteSpace(error), "expected an error message on stderr");
        Assert.DoesNotContain('\n', error);
        Assert.StartsWith("error: ", error);
        Assert.DoesNotContain("   at ", result.Error + result.Output);
        Assert.DoesNotContain("Exception", error);
        if (contains is not null) Assert.Contains(contains, error, StringComparison.OrdinalIgnoreCase);
    }
}

internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tflm-cli-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
