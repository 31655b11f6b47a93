namespace TfLiteMicro;

/// <summary>
/// An entry of the model's operator code table: a builtin code or a custom name, and a version. A view over the
/// model's bytes (see <see cref="Model"/>).
/// </summary>
public readonly struct OperatorCode
{
    private readonly Model _model;
    private readonly int _table;

    internal OperatorCode(Model model, int index, int table)
    {
        _model = model;
        Index = index;
        _table = table;
    }

    /// <summary>The entry's index in <see cref="Model.OperatorCodes"/>.</summary>
    public int Index { get; }

    /// <summary>The builtin code (the larger of the schema's two code fields, as TFLite reads them).</summary>
    public BuiltinOperator BuiltinCode => (BuiltinOperator)Model.BuiltinCode(Table);

    /// <summary>The custom op's name when <see cref="BuiltinCode"/> is <see cref="BuiltinOperator.Custom"/>.</summary>
    public string? CustomCode => Table.GetString(1);

    /// <summary>The operator's version.</summary>
    public int Version => Table.GetInt32(2, 1);

    /// <summary>True for a custom operator (named by <see cref="CustomCode"/>).</summary>
    public bool IsCustom => BuiltinCode == BuiltinOperator.Custom;

    /// <summary>A display name: the custom name, or the builtin's schema name.</summary>
    public string Name => IsCustom ? CustomCode ?? "CUSTOM" : BuiltinOperatorNames.GetName(BuiltinCode);

    private FlatTable Table => _model.Table(_table);

    /// <summary>"NAME vV".</summary>
    public override string ToString() => $"{Name} v{Version}";
}
