namespace TfLiteMicro.Cli;

/// <summary>Checks names the user gives for generated C# (namespace, class, variable) before any code is written.</summary>
internal static class CSharpNames
{
    public static void CheckNamespace(string name)
    {
        if (string.IsNullOrEmpty(name) || !name.Split('.').All(IsIdentifier))
            throw new CliException($"--namespace: '{name}' is not a valid C# namespace (identifiers separated by dots, not keywords)");
    }

    public static void CheckIdentifier(string name, string option)
    {
        if (!IsIdentifier(name))
            throw new CliException($"{option}: '{name}' is not a valid C# name (letters, digits and _, not starting with a digit, not a keyword)");
    }

    internal static bool IsIdentifier(string name)
    {
        if (string.IsNullOrEmpty(name) || Keywords.Contains(name)) return false;
        if (!(char.IsLetter(name[0]) || name[0] == '_')) return false;
        foreach (char c in name)
            if (!(char.IsLetterOrDigit(c) || c == '_')) return false;
        return true;
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };
}
