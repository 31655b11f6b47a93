using System.CommandLine;
using TfLiteMicro.Cli.Commands;

namespace TfLiteMicro.Cli;

/// <summary>
/// The <c>tflm</c> command line. <see cref="Run"/> takes the writers explicitly so every command can be run
/// in-process (tests, embedding in other tools) exactly as from a shell.
/// </summary>
public static class CliApp
{
    /// <summary>Exit code for a problem with the model, the inputs or the files named on the command line.</summary>
    public const int ExitError = 1;

    /// <summary>Exit code for a command line that does not parse.</summary>
    public const int ExitUsage = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        // Numbers in reports and JSON must not depend on the user's locale.
        System.Globalization.CultureInfo previous = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        try
        {
            return RunInvariant(args, output, error);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    private static int RunInvariant(string[] args, TextWriter output, TextWriter error)
    {
        RootCommand root = BuildRoot(output, error);
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (System.CommandLine.Parsing.ParseError parseError in parsed.Errors)
                error.WriteLine($"error: {parseError.Message}");
            error.WriteLine($"Run 'tflm {CommandPath(parsed)}--help' for usage.");
            return ExitUsage;
        }
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        try
        {
            return parsed.Invoke(config);
        }
        catch (Exception e)
        {
            error.WriteLine($"error: {Describe(e)}");
            return ExitError;
        }
    }

    private static string CommandPath(ParseResult parsed)
    {
        string name = parsed.CommandResult.Command.Name;
        return parsed.CommandResult.Command is RootCommand ? "" : name + " ";
    }

    /// <summary>One readable line for any failure; the exception types the library documents carry their own text.</summary>
    internal static string Describe(Exception e) => e switch
    {
        CliException => e.Message,
        InvalidModelException => $"not a valid .tflite model: {e.Message}",
        TfLiteMicroException => e.Message,
        FileNotFoundException f => $"file not found: {f.FileName ?? e.Message}",
        DirectoryNotFoundException => $"directory not found: {e.Message}",
        UnauthorizedAccessException => $"access denied: {e.Message}",
        IOException => e.Message,
        OutOfMemoryException => "out of memory",
        InvalidOperationException or ArgumentException or FormatException => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    internal static RootCommand BuildRoot(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("tflm: inspect, plan, run, benchmark, embed and compress TensorFlow Lite models with TfLiteMicro.NET.");
        root.Subcommands.Add(InfoCommand.Create(output));
        root.Subcommands.Add(PlanCommand.Create(output));
        root.Subcommands.Add(RunCommand.Create(output));
        root.Subcommands.Add(BenchCommand.Create(output));
        root.Subcommands.Add(EmbedCommand.Create(output));
        root.Subcommands.Add(ResolverCommand.Create(output));
        root.Subcommands.Add(CompressCommand.Create(output));
        _ = error;
        return root;
    }
}
