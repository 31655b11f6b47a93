namespace TfLiteMicro;

/// <summary>A named entry point of the model: a subgraph and names for its input and output tensors.</summary>
public sealed class SignatureDef
{
    internal SignatureDef(string key, int subgraphIndex, IReadOnlyList<KeyValuePair<string, int>> inputs, IReadOnlyList<KeyValuePair<string, int>> outputs)
    {
        Key = key;
        SubgraphIndex = subgraphIndex;
        Inputs = inputs;
        Outputs = outputs;
    }

    public string Key { get; }
    public int SubgraphIndex { get; }

    /// <summary>Input names and their tensor indices in the subgraph.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> Inputs { get; }

    public IReadOnlyList<KeyValuePair<string, int>> Outputs { get; }
}
