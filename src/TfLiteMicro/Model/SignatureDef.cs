namespace TfLiteMicro;

/// <summary>
/// A named entry point of the model: a subgraph and names for its input and output tensors. A view over the
/// model's bytes (see <see cref="Model"/>).
/// </summary>
public readonly struct SignatureDef
{
    private readonly Model _model;
    private readonly int _table;

    internal SignatureDef(Model model, int table)
    {
        _model = model;
        _table = table;
    }

    /// <summary>The signature's key (its name).</summary>
    public string Key => Table.GetString(2) ?? "";

    /// <summary>The subgraph the signature runs.</summary>
    public int SubgraphIndex => (int)Table.GetUInt32(4);

    /// <summary>Input names and their tensor indices in the subgraph.</summary>
    public ModelList<KeyValuePair<string, int>> Inputs => new(_model, new VectorPlace(Table.GetVector(0, 4)));

    /// <summary>Output names and their tensor indices in the subgraph.</summary>
    public ModelList<KeyValuePair<string, int>> Outputs => new(_model, new VectorPlace(Table.GetVector(1, 4)));

    private FlatTable Table => _model.Table(_table);

    /// <summary>A TensorMap table: the name and the tensor index.</summary>
    internal static KeyValuePair<string, int> TensorMap(FlatTable map) => new(map.GetString(0) ?? "", (int)map.GetUInt32(1));

    /// <summary>The key and the subgraph.</summary>
    public override string ToString() => $"{Key} (subgraph {SubgraphIndex})";
}
