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

    public static int ArenaBytes(ParseResult parse, Option<string> option)
    {
        string? text = parse.GetValue(option);
        return text is null ? ModelFile.DefaultArenaBytes : ModelFile.ParseSize(text, "--arena-size");
    }
}
