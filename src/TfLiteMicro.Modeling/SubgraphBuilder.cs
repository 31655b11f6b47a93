using System.Runtime.InteropServices;

namespace TfLiteMicro.Modeling;

/// <summary>Tensors, operators, inputs and outputs of one subgraph under construction (see <see cref="ModelBuilder.AddSubgraph"/>).</summary>
public sealed class SubgraphBuilder
{
    private readonly ModelBuilder _model;

    internal SubgraphBuilder(ModelBuilder model, int index, string? name)
    {
        _model = model;
        Index = index;
        Name = name;
    }

    /// <summary>The subgraph's index in the model (0 is the main subgraph).</summary>
    public int Index { get; }

    public string? Name { get; }

    internal List<TensorEntry> Tensors { get; } = [];
    internal List<OperatorEntry> Operators { get; } = [];
    internal int[] InputIndices { get; private set; } = [];
    internal int[] OutputIndices { get; private set; } = [];

    /// <summary>The number of tensors added so far.</summary>
    public int TensorCount => Tensors.Count;

    /// <summary>Adds a tensor without data (an activation, or a variable when <paramref name="isVariable"/>); returns its index.</summary>
    public int AddTensor(string name, TensorType type, ReadOnlySpan<int> shape, QuantizationParameters? quantization = null,
        bool isVariable = false, int[]? shapeSignature = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckShape(shape);
        Tensors.Add(new TensorEntry(name, type, shape.ToArray(), 0, quantization, isVariable, shapeSignature?.ToArray()));
        return Tensors.Count - 1;
    }

    /// <summary>Adds a constant tensor with its own buffer holding <paramref name="data"/> (little-endian, as the model stores it); returns its index.</summary>
    public int AddConstant(string name, TensorType type, ReadOnlySpan<int> shape, ReadOnlySpan<byte> data,
        QuantizationParameters? quantization = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        CheckShape(shape);
        long elements = 1;
        foreach (int d in shape) elements *= d;
        long expected = TensorTypes.ByteCount(type, elements);
        if (expected >= 0 && expected != data.Length)
            throw new ArgumentException($"{TensorTypes.GetName(type)}[{string.Join(",", shape.ToArray())}] needs {expected} bytes, got {data.Length}", nameof(data));
        int buffer = _model.AddBuffer(data);
        Tensors.Add(new TensorEntry(name, type, shape.ToArray(), buffer, quantization, false, null));
        return Tensors.Count - 1;
    }

    /// <summary>
    /// Adds a tensor over an existing buffer of the model (shared by tensors holding the same data, or holding data in
    /// another form than its shape says, such as a compressed tensor's packed indices); returns its index.
    /// </summary>
    internal int AddTensorOverBuffer(string name, TensorType type, int[] shape, int buffer, QuantizationParameters? quantization,
        bool isVariable, int[]? shapeSignature)
    {
        CheckShape(shape);
        Tensors.Add(new TensorEntry(name, type, shape, buffer, quantization, isVariable, shapeSignature));
        return Tensors.Count - 1;
    }

    /// <summary>Adds a constant tensor of unmanaged elements (float, sbyte, int, ...); the element type must match <paramref name="type"/>'s size.</summary>
    public int AddConstant<T>(string name, TensorType type, ReadOnlySpan<int> shape, ReadOnlySpan<T> values,
        QuantizationParameters? quantization = null) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("models are little-endian");
        return AddConstant(name, type, shape, MemoryMarshal.AsBytes(values), quantization);
    }

    /// <summary>Declares the subgraph's input tensors.</summary>
    public void SetInputs(params int[] tensors)
    {
        CheckIndices(tensors, allowOmitted: false);
        InputIndices = tensors.ToArray();
    }

    /// <summary>Declares the subgraph's output tensors.</summary>
    public void SetOutputs(params int[] tensors)
    {
        CheckIndices(tensors, allowOmitted: false);
        OutputIndices = tensors.ToArray();
    }

    /// <summary>
    /// Appends a builtin operator (operators run in the order added). -1 in <paramref name="inputs"/> marks an omitted optional input.
    /// Returns the operator's index.
    /// </summary>
    public int AddOperator(BuiltinOperator op, int[] inputs, int[] outputs, OperatorOptions? options = null, int version = 1,
        int[]? intermediates = null)
    {
        if (op == BuiltinOperator.Custom) throw new ArgumentException("use AddCustomOperator for custom operators", nameof(op));
        int opcode = _model.AddOperatorCode(op, version);
        return AddNode(opcode, inputs, outputs, options, null, intermediates);
    }

    /// <summary>Appends a custom operator named <paramref name="name"/> with its custom options bytes (usually FlexBuffers).</summary>
    public int AddCustomOperator(string name, int[] inputs, int[] outputs, ReadOnlySpan<byte> customOptions = default, int version = 1)
    {
        int opcode = _model.AddCustomOperatorCode(name, version);
        return AddNode(opcode, inputs, outputs, null, customOptions.ToArray(), null);
    }

    private int AddNode(int opcode, int[] inputs, int[] outputs, OperatorOptions? options, byte[]? customOptions, int[]? intermediates)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        CheckIndices(inputs, allowOmitted: true);
        CheckIndices(outputs, allowOmitted: false);
        if (intermediates is not null) CheckIndices(intermediates, allowOmitted: false);
        Operators.Add(new OperatorEntry(opcode, inputs.ToArray(), outputs.ToArray(), options, customOptions, intermediates?.ToArray()));
        return Operators.Count - 1;
    }

    private void CheckIndices(int[] tensors, bool allowOmitted)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (int t in tensors)
        {
            if (t == -1 && allowOmitted) continue;
            if (t < 0 || t >= Tensors.Count)
                throw new ArgumentOutOfRangeException(nameof(tensors), $"tensor {t} does not exist in subgraph {Index} ({Tensors.Count} tensors)");
        }
    }

    private static void CheckShape(ReadOnlySpan<int> shape)
    {
        foreach (int d in shape)
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(shape), "dimensions must not be negative");
    }
}

internal sealed record TensorEntry(string Name, TensorType Type, int[] Shape, int Buffer, QuantizationParameters? Quantization,
    bool IsVariable, int[]? ShapeSignature);

internal sealed record OperatorEntry(int OpcodeIndex, int[] Inputs, int[] Outputs, OperatorOptions? Options, byte[]? CustomOptions,
    int[]? Intermediates);
