namespace TfLiteMicro;

/// <summary>
/// A tensor as the model declares it: type, shape, quantization and, for constants, its bytes. A view over the
/// model's bytes (see <see cref="Model"/>): shapes and quantization are spans over the model, names are read on demand.
/// </summary>
public readonly struct ModelTensor
{
    private readonly Model _model;
    private readonly int _table;

    internal ModelTensor(Model model, int subgraph, int index, int table)
    {
        _model = model;
        SubgraphIndex = subgraph;
        Index = index;
        _table = table;
    }

    /// <summary>The tensor's index in its subgraph.</summary>
    public int Index { get; }

    /// <summary>The subgraph the tensor belongs to.</summary>
    public int SubgraphIndex { get; }

    /// <summary>The tensor's name, empty when the model gives none.</summary>
    public string Name => Table.GetString(3) ?? "";

    /// <summary>The element type.</summary>
    public TensorType Type => (TensorType)Table.GetByte(1);

    /// <summary>The dimensions, as the model stores them.</summary>
    public ReadOnlySpan<int> Shape => _model.Int32s(Table.GetVector(0, 4));

    /// <summary>The shape with -1 for dimensions unknown when the model was converted; empty when the model omits it.</summary>
    public ReadOnlySpan<int> ShapeSignature => _model.Int32s(Table.GetVector(7, 4));

    /// <summary>The index of the model buffer holding the tensor's data (0: none).</summary>
    public int BufferIndex => (int)Table.GetUInt32(2);

    /// <summary>The constant bytes (a slice of the model, never a copy); empty for activations and variables.</summary>
    public ReadOnlyMemory<byte> Data => _model.Buffers[BufferIndex];

    /// <summary>The tensor's quantization (none when the model gives no scale, zero point or range).</summary>
    public QuantizationParameters Quantization => QuantizationParameters.Read(_model, Table.GetTable(4));

    /// <summary>A variable tensor keeps its value across invocations (e.g. SVDF state).</summary>
    public bool IsVariable => Table.GetBool(5);

    /// <summary>True when the tensor carries sparsity parameters (TFLM does not run sparse tensors).</summary>
    public bool IsSparse => Table.GetTable(6).IsPresent;

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

    /// <summary>Where the shape's dimensions lie in the model bytes.</summary>
    internal FlatVector ShapeVector => Table.GetVector(0, 4);

    private FlatTable Table => _model.Table(_table);

    /// <summary>Name, type and shape, e.g. "input INT8[1,96,96,1]".</summary>
    public override string ToString() => $"{Name} {TensorTypes.GetName(Type)}[{string.Join(",", Shape.ToArray())}]";
}
