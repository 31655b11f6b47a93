using System.CommandLine;

namespace TfLiteMicro.Cli.Commands;

/// <summary>Arguments and options several commands share, so they read the same everywhere.</summary>
internal static class CommonOptions
{
    public static Argument<string> Model() => new("MODEL") { Description = "Path of the .tflite model file." };

    public static Option<string> ArenaSize() => new("--arena-size")
    {
        Description = "Arena size in bytes (e.g. 65536, 64K, 16M). Default: 16M, which fits every shared model; the command reports what was used.",
        HelpName = "N",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print the result as JSON (for scripts) instead of text." };

    public static Option<bool> Prearrange() => new("--prearrange")
    {
        Description = "Arrange convolution weights once into the arena's persistent part (InterpreterOptions.PrearrangeWeights): faster, larger arena.",
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Threads that share the work of large convolution layers (InterpreterOptions.Threads). Default: 1.",
        DefaultValueFactory = _ => 1,
        HelpName = "N",
    };

    public static int ThreadCount(ParseResult parse, Option<int> option)
    {
        int threads = parse.GetValue(option);
        return threads >= 1 ? threads : throw new CliException($"--threads must be at least 1 (got {threads})");
    }

    /// <summary>How a prepared interpreter runs: kernels, weight arrangement and threads ("default kernels, weights arranged per Invoke, 1 thread").</summary>
    public static string RunMode(MicroInterpreter interpreter)
    {
        InterpreterOptions o = interpreter.Options;
        string kernels = o.UseReferenceKernels ? "reference kernels" : "default kernels";
        string weights = o.UseReferenceKernels ? "weights as stored" : o.PrearrangeWeights ? "weights pre-arranged once" : "weights arranged per Invoke";
        string threads = o.Threads == 1 ? "1 thread"
            : interpreter.ThreadsInUse == o.Threads ? $"{o.Threads} threads"
            : $"{o.Threads} threads asked for, {interpreter.ThreadsInUse} in use (no layer splits)";
        return $"{kernels}, {weights}, {threads}";
    }

    public static int ArenaBytes(ParseResult parse, Option<string> option)
    {
        string? text = parse.GetValue(option);
        return text is null ? ModelFile.DefaultArenaBytes : ModelFile.ParseSize(text, "--arena-size");
    }
}
