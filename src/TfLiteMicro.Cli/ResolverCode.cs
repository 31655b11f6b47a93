using System.Text;

namespace TfLiteMicro.Cli;

/// <summary>
/// Writes the C# registration of the ops a model uses, in order of first use: one per-op method each
/// (<c>.AddConv2D()</c>), so that a trimmed or NativeAOT program keeps only those kernels.
/// </summary>
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
        var namespaces = new SortedSet<string>(StringComparer.Ordinal);
        foreach (OperatorCode code in builtins)
        {
            bool known = Enum.IsDefined(code.BuiltinCode);
            string member = known ? "BuiltinOperator." + code.BuiltinCode : $"(BuiltinOperator){(int)code.BuiltinCode}";
            lines.Add(known && available.Supports(code)
                ? ($".Add{code.BuiltinCode}()", null)
                : ($".Add({member}, () => throw new NotSupportedException(\"{code.Name}\"))",
                   $"{code.Name}: no kernel in this build of TfLiteMicro; replace the factory with your IKernel"));
        }
        foreach (OperatorCode code in customs)
        {
            string name = code.CustomCode ?? "";
            KernelSets.Extension? extension = KernelSets.Providing(name);
            if (extension?.Namespace is string ns) namespaces.Add(ns);
            lines.Add(extension is not null
                ? ($".{extension.Method(name)}()", null)
                : ($".AddCustom(\"{Escape(name)}\", () => throw new NotSupportedException(\"{Escape(name)}\"))",
                   $"custom op {name}: replace the factory with your IKernel for it"));
        }

        var sb = new StringBuilder();
        sb.Append("// Ops used by ").Append(sourceName).Append(": ")
          .Append(builtins.Count).Append(" builtin, ").Append(customs.Count).Append(" custom.\n");
        if (namespaces.Count > 0)
            sb.Append("// Needs: ").AppendJoin(" ", namespaces.Select(n => $"using {n};")).Append('\n');
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
