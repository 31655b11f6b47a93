using System.Text;

namespace TfLiteMicro.Cli;

/// <summary>Writes the C# registration of the ops a model uses, in order of first use.</summary>
internal static class ResolverCode
{
    public static string Generate(Model model, string sourceName, string variable = "resolver")
    {
        OpResolver available = KernelSets.CreateFullResolver();
        var builtins = new List<OperatorCode>();
        var customs = new List<OperatorCode>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Subgraph subgraph in model.Subgraphs)
        {
            foreach (ModelOperator op in subgraph.Operators)
            {
                OperatorCode code = op.Code;
                if (!seen.Add(code.IsCustom ? "c:" + code.CustomCode : "b:" + (int)code.BuiltinCode)) continue;
                (code.IsCustom ? customs : builtins).Add(code);
            }
        }

        var lines = new List<(string Code, string? Comment)>();
        foreach (OperatorCode code in builtins)
        {
            string member = Enum.IsDefined(code.BuiltinCode) ? "BuiltinOperator." + code.BuiltinCode : $"(BuiltinOperator){(int)code.BuiltinCode}";
            lines.Add(available.Supports(code)
                ? ($".Add({member})", null)
                : ($".Add({member}, () => throw new NotSupportedException(\"{code.Name}\"))",
                   $"{code.Name}: no kernel in this build of TfLiteMicro; replace the factory with your IKernel"));
        }
        foreach (OperatorCode code in customs)
        {
            string name = code.CustomCode ?? "";
            string? known = KernelSets.CustomRegistrationCode(name);
            lines.Add(known is not null
                ? (known, null)
                : ($".AddCustom(\"{Escape(name)}\", () => throw new NotSupportedException(\"{Escape(name)}\"))",
                   $"custom op {name}: replace the factory with your IKernel for it"));
        }

        var sb = new StringBuilder();
        sb.Append("// Ops used by ").Append(sourceName).Append(": ")
          .Append(builtins.Count).Append(" builtin, ").Append(customs.Count).Append(" custom.\n");
        sb.Append("var ").Append(variable).Append(" = new OpResolver()");
        if (lines.Count == 0)
        {
            sb.Append(";\n");
            return sb.ToString();
        }
        sb.Append('\n');
        for (int i = 0; i < lines.Count; i++)
        {
            sb.Append("    ").Append(lines[i].Code);
            if (i == lines.Count - 1) sb.Append(';');
            if (lines[i].Comment is not null) sb.Append(" // ").Append(lines[i].Comment);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
