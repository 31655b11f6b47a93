using System.CommandLine;

namespace TfLiteMicro.Cli.Commands;

/// <summary><c>tflm resolver MODEL</c>: the C# registering exactly the ops a model uses, so an app links only those kernels.</summary>
internal static class ResolverCommand
{
    public static Command Create(TextWriter output)
    {
        Argument<string> model = CommonOptions.Model();
        Option<string> variable = new("--variable") { Description = "Name of the variable in the generated code.", DefaultValueFactory = _ => "resolver", HelpName = "NAME" };
        var command = new Command("resolver", "Print the C# that creates an OpResolver registering exactly the ops the model uses.")
        {
            model, variable,
        };
        command.SetAction(parse => Execute(output, parse.GetValue(model)!, parse.GetValue(variable)!));
        return command;
    }

    internal static int Execute(TextWriter o, string path, string variable)
    {
        CSharpNames.CheckIdentifier(variable, "--variable");
        Model model = ModelFile.Load(path);
        o.Write(ResolverCode.Generate(model, Path.GetFileName(path), variable));
        return 0;
    }
}
