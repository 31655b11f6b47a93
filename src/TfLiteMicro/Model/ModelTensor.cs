namespace TfLiteMicro;

/// <summary>A tensor as the model declares it: type, shape, quantization and, for constants, its bytes.</summary>
public sealed class ModelTensor
{
    internal ModelTensor(int index, string name, TensorType type, int[] shape, int[] shapeSignature, int bufferIndex,
        ReadOnlyMemory<byte> data, QuantizationParameters quantization, bool isVariable, bool isSparse)
    {
        Index = index;
        Name = name;
        Type = type;
        Shape = shape;
        ShapeSignature = shapeSignature;
        BufferIndex = bufferIndex;
        Data = data;
        Quantization = quantization;
        IsVariable = isVariable;
        IsSparse = isSparse;
    }

    public int Index { get; }
    public string Name { get; }
    public TensorType Type { get; }
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The shape with -1 for dimensions unknown when the model was converted; empty when the model omits it.</summary>
    public IReadOnlyList<int> ShapeSignature { get; }

    public int BufferIndex { get; }

    /// <summary>The constant bytes (a slice of the model, never a copy); empty for activations and variables.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    public QuantizationParameters Quantization { get; }

    /// <summary>A variable tensor keeps its value across invocations (e.g. SVDF state).</summary>
    public bool IsVariable { get; }

    /// <summary>True when the tensor carries sparsity parameters (TFLM does not run sparse tensors).</summary>
    public bool IsSparse { get; }

    /// <summary>True when the model holds the tensor's values.</summary>
    public bool IsConstant => !Data.IsEmpty;

    /// <summary>Product of the dimensions.</summary>
    public long ElementCount
    {
        get
        {
            long count = 1;
            foreach (int d in Shape) count *= d;
            return count;
        }
    }

    public override string ToString() => $"{Name} {TensorTypes.GetName(Type)}[{string.Join(",", Shape)}]";
}
