using System.CommandLine;
using TfLiteMicro.Modeling;

namespace TfLiteMicro.Cli.Commands;

/// <summary><c>tflm embed MODEL</c>: a C# file that compiles the model into an assembly (no file to ship, no copy at load).</summary>
internal static class EmbedCommand
{
    public static Command Create(TextWriter output)
    {
        Argument<string> model = CommonOptions.Model();
        Option<string> ns = new("--namespace") { Description = "Namespace of the generated class.", Required = true, HelpName = "NAME" };
        Option<string> cls = new("--class") { Description = "Name of the generated static class.", Required = true, HelpName = "NAME" };
        Option<string> file = new("--output", "-o") { Description = "Write the C# here instead of to standard output.", HelpName = "FILE" };
        var command = new Command("embed", "Generate C# that embeds the model: `static ReadOnlySpan<byte> Data` and `Model Load()`, loaded in place with Model.LoadStatic.")
        {
            model, ns, cls, file,
        };
        command.SetAction(parse => Execute(output, parse.GetValue(model)!, parse.GetValue(ns)!, parse.GetValue(cls)!, parse.GetValue(file)));
        return command;
    }

    internal static int Execute(TextWriter o, string path, string ns, string cls, string? outputFile)
    {
        CSharpNames.CheckNamespace(ns);
        CSharpNames.CheckIdentifier(cls, "--class");
        // Verify the model first: embedding a broken file would only move the error to the user's startup.
        Model model = ModelFile.Load(path);
        string source = CSharpEmbedder.Generate(model.Bytes.Span, ns, cls, Path.GetFileName(path));
        if (outputFile is null)
        {
            o.Write(source);
            return 0;
        }
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outputFile));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(outputFile, source);
        o.WriteLine($"Wrote {outputFile}: {ns}.{cls} with {model.Bytes.Length} bytes; load it with {cls}.Load()");
        return 0;
    }
}
