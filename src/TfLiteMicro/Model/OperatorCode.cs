namespace TfLiteMicro;

/// <summary>An entry of the model's operator code table: a builtin code or a custom name, and a version.</summary>
public sealed class OperatorCode
{
    internal OperatorCode(BuiltinOperator builtinCode, string? customCode, int version)
    {
        BuiltinCode = builtinCode;
        CustomCode = customCode;
        Version = version;
    }

    /// <summary>The builtin code (the larger of the schema's two code fields, as TFLite reads them).</summary>
    public BuiltinOperator BuiltinCode { get; }

    /// <summary>The custom op's name when <see cref="BuiltinCode"/> is <see cref="BuiltinOperator.Custom"/>.</summary>
    public string? CustomCode { get; }

    public int Version { get; }

    public bool IsCustom => BuiltinCode == BuiltinOperator.Custom;

    /// <summary>A display name: the custom name, or the builtin's schema name.</summary>
    public string Name => IsCustom ? CustomCode ?? "CUSTOM" : BuiltinOperatorNames.GetName(BuiltinCode);

    public override string ToString() => $"{Name} v{Version}";
}
