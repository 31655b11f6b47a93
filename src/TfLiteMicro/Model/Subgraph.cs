namespace TfLiteMicro;

/// <summary>
/// A subgraph of the model, read in place: tensors, operators in execution order, and its input and output tensor
/// indices. A view over the model's bytes (see <see cref="Model"/>).
/// </summary>
public readonly struct Subgraph
{
    private readonly Model _model;
    private readonly int _table;

    internal Subgraph(Model model, int index, int table)
    {
        _model = model;
        Index = index;
        _table = table;
    }

    /// <summary>The subgraph's index in the model (0 is the main subgraph).</summary>
    public int Index { get; }

    /// <summary>The subgraph's name, empty when the model gives none.</summary>
    public string Name => Table.GetString(4) ?? "";

    /// <summary>The tensors, indexed as operators and <see cref="Inputs"/> refer to them.</summary>
    public ModelList<ModelTensor> Tensors => new(_model, new VectorPlace(Table.GetVector(0, 4)), Index);

    /// <summary>Tensor indices of the subgraph's inputs.</summary>
    public ReadOnlySpan<int> Inputs => _model.Int32s(Table.GetVector(1, 4));

    /// <summary>Tensor indices of the subgraph's outputs.</summary>
    public ReadOnlySpan<int> Outputs => _model.Int32s(Table.GetVector(2, 4));

    /// <summary>The operators in execution order.</summary>
    public ModelList<ModelOperator> Operators => new(_model, new VectorPlace(Table.GetVector(3, 4)), Index);

    private FlatTable Table => _model.Table(_table);

    /// <summary>"subgraph N" and its name.</summary>
    public override string ToString() => $"subgraph {Index} '{Name}'";
}
