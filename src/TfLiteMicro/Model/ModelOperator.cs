namespace TfLiteMicro;

/// <summary>
/// One node of a subgraph as the model declares it: its operator code, tensor indices and options. A view over the
/// model's bytes (see <see cref="Model"/>): the index lists are spans over the model.
/// </summary>
public readonly struct ModelOperator
{
    private readonly Model _model;
    private readonly int _table;

    internal ModelOperator(Model model, int subgraph, int index, int table)
    {
        _model = model;
        SubgraphIndex = subgraph;
        Index = index;
        _table = table;
    }

    /// <summary>The operator's index in its subgraph (its place in execution order).</summary>
    public int Index { get; }

    /// <summary>The subgraph the operator belongs to.</summary>
    public int SubgraphIndex { get; }

    /// <summary>The index of the operator's entry in <see cref="Model.OperatorCodes"/>.</summary>
    public int OperatorCodeIndex => (int)Table.GetUInt32(0);

    /// <summary>The operator's code: builtin code or custom name, and version.</summary>
    public OperatorCode Code => _model.OperatorCodes[OperatorCodeIndex];

    /// <summary>Tensor indices of the inputs; -1 marks an omitted optional input.</summary>
    public ReadOnlySpan<int> Inputs => _model.Int32s(Table.GetVector(1, 4));

    /// <summary>Tensor indices of the outputs.</summary>
    public ReadOnlySpan<int> Outputs => _model.Int32s(Table.GetVector(2, 4));

    /// <summary>Tensor indices of the intermediate tensors (LSTM's gate outputs, for instance).</summary>
    public ReadOnlySpan<int> Intermediates => _model.Int32s(Table.GetVector(8, 4));

    /// <summary>The schema's BuiltinOptions union tag (0 = none).</summary>
    public byte BuiltinOptionsType => Table.GetByte(3);

    /// <summary>The builtin options table; fields are read by their index in the schema's options table.</summary>
    public FlatTable BuiltinOptions => Table.GetTable(4);

    /// <summary>The schema's BuiltinOptions2 union tag (0 = none).</summary>
    public byte BuiltinOptions2Type => Table.GetByte(11);

    /// <summary>The builtin options table of the second union (newer operators).</summary>
    public FlatTable BuiltinOptions2 => Table.GetTable(12);

    /// <summary>Custom options bytes (FlexBuffers for most custom ops), a slice of the model.</summary>
    public ReadOnlyMemory<byte> CustomOptions => _model.CustomOptions(Table);

    /// <summary>Which inputs the operator changes in place (the model's flags; a new array on each call).</summary>
    public IReadOnlyList<bool> MutatingVariableInputs => Table.GetBoolArray(7);

    private FlatTable Table => _model.Table(_table);

    /// <summary>"operator N (CODE vV)".</summary>
    public override string ToString() => $"operator {Index} ({Code})";
}
