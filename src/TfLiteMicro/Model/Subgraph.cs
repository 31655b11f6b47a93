namespace TfLiteMicro;

/// <summary>A subgraph: tensors, operators in execution order, and its input and output tensor indices.</summary>
public sealed class Subgraph
{
    internal Subgraph(int index, string name, ModelTensor[] tensors, int[] inputs, int[] outputs, ModelOperator[] operators)
    {
        Index = index;
        Name = name;
        Tensors = tensors;
        Inputs = inputs;
        Outputs = outputs;
        Operators = operators;
    }

    public int Index { get; }
    public string Name { get; }
    public IReadOnlyList<ModelTensor> Tensors { get; }
    public IReadOnlyList<int> Inputs { get; }
    public IReadOnlyList<int> Outputs { get; }
    public IReadOnlyList<ModelOperator> Operators { get; }
}
