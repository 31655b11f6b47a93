namespace TfLiteMicro.Kernels;

/// <summary>What a kernel sees while it prepares one node: its tensors, options, and ways to ask for memory.</summary>
public sealed class PrepareContext
{
    private readonly Node _node;

    internal PrepareContext(MicroInterpreter interpreter, Node node)
    {
        Interpreter = interpreter;
        _node = node;
    }

    internal MicroInterpreter Interpreter { get; }

    public ModelOperator Operator => _node.Operator;
    public OperatorCode Code => _node.Operator.Code;

    /// <summary>
    /// The builtin options table as stored, unchecked: fields by their index in the schema's options table. The
    /// builtin kernels read their options through the typed views instead (e.g. <c>Conv2DOptions.Read(context)</c>),
    /// which check the operator's union type.
    /// </summary>
    public FlatTable BuiltinOptions => _node.Operator.BuiltinOptions;

    /// <summary>
    /// The builtin options table when the operator's union type is <paramref name="expected"/> (an absent table when the
    /// operator has none); an <see cref="InvalidModelException"/> naming this node and both tables otherwise.
    /// </summary>
    internal FlatTable BuiltinOptionsOf(BuiltinOptionsTable expected)
        => BuiltinOptionsUnion.Select(_node.Operator, expected, _node.Describe());

    /// <summary>The custom options bytes (FlexBuffers for most custom ops).</summary>
    public ReadOnlyMemory<byte> CustomOptions => _node.Operator.CustomOptions;

    /// <summary>True when the user asked for the reference kernels only (no optimized paths).</summary>
    public bool UseReferenceKernels => Interpreter.Options.UseReferenceKernels;

    public int InputCount => _node.Inputs.Length;
    public int OutputCount => _node.Outputs.Length;
    public int IntermediateCount => _node.Intermediates.Length;

    /// <summary>Whether input <paramref name="index"/> exists and is not an omitted optional input.</summary>
    public bool HasInput(int index) => index >= 0 && index < _node.Inputs.Length && _node.Inputs[index] is not null;

    /// <summary>Input <paramref name="index"/>; a <see cref="KernelException"/> when it is missing.</summary>
    public Tensor Input(int index)
        => HasInput(index) ? _node.Inputs[index]! : throw Error($"input {index} is missing ({_node.Inputs.Length} inputs given)");

    /// <summary>Input <paramref name="index"/>, or null when the model omits it.</summary>
    public Tensor? OptionalInput(int index) => HasInput(index) ? _node.Inputs[index] : null;

    public Tensor Output(int index)
        => index >= 0 && index < _node.Outputs.Length && _node.Outputs[index] is not null
            ? _node.Outputs[index]!
            : throw Error($"output {index} is missing ({_node.Outputs.Length} outputs given)");

    public Tensor Intermediate(int index)
        => index >= 0 && index < _node.Intermediates.Length && _node.Intermediates[index] is not null
            ? _node.Intermediates[index]!
            : throw Error($"intermediate tensor {index} is missing ({_node.Intermediates.Length} given)");

    /// <summary>Checks the number of inputs and outputs, throwing a clear error otherwise.</summary>
    public void ExpectCounts(int minInputs, int maxInputs, int outputs)
    {
        if (InputCount < minInputs || InputCount > maxInputs)
            throw Error(minInputs == maxInputs
                ? $"expects {minInputs} inputs but has {InputCount}"
                : $"expects {minInputs} to {maxInputs} inputs but has {InputCount}");
        if (OutputCount != outputs)
            throw Error($"expects {outputs} outputs but has {OutputCount}");
    }

    /// <summary>Changes an output's shape (before memory is planned), for ops whose output shape follows from the inputs.</summary>
    public void SetOutputShape(int index, ReadOnlySpan<int> shape)
    {
        Tensor output = Output(index);
        foreach (int d in shape)
        {
            if (d < 0) throw Error($"output {index} would have shape [{string.Join(",", shape.ToArray())}], with a negative dimension");
        }
        long bytes = Tensor.ComputeByteCount(output.Type, shape);
        if (bytes > int.MaxValue)
            throw Error($"output {index} would be {TensorTypes.GetName(output.Type)}[{string.Join(",", shape.ToArray())}]: {bytes} bytes, more than a tensor can hold");
        output.SetShape(shape);
    }

    /// <summary>Asks for a scratch buffer that lives only while this node runs; returns its handle for <see cref="InvokeContext.Scratch{T}"/>.</summary>
    public int RequestScratch(int bytes)
    {
        if (bytes < 0) throw Error($"asked for a scratch buffer of {bytes} bytes");
        _node.ScratchSizes.Add(bytes);
        return _node.ScratchSizes.Count - 1;
    }

    /// <summary>Asks for arena memory that lives as long as the interpreter (state, precomputed tables); returns a handle for <see cref="InvokeContext.Persistent{T}"/>.</summary>
    public int AllocatePersistent(int bytes)
    {
        if (bytes < 0) throw Error($"asked for a persistent buffer of {bytes} bytes");
        _node.PersistentSizes.Add(bytes);
        _node.PersistentContents.Add(null);
        return _node.PersistentSizes.Count - 1;
    }

    /// <summary>
    /// Puts data the kernel computed while preparing (per-channel multipliers, folded biases, lookup tables) in the
    /// arena's persistent part, so it is counted in <see cref="Memory.ArenaUsage.PersistentBytes"/> and the kernel keeps no
    /// managed copy; read it back in Invoke with <see cref="InvokeContext.Persistent{T}"/> and the handle returned.
    /// </summary>
    public int AllocatePersistent<T>(ReadOnlySpan<T> contents) where T : unmanaged
    {
        byte[] bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(contents).ToArray();
        _node.PersistentSizes.Add(bytes.Length);
        _node.PersistentContents.Add(bytes);
        return _node.PersistentSizes.Count - 1;
    }

    /// <summary>Number of subgraphs in the model, for control-flow ops.</summary>
    public int SubgraphCount => Interpreter.Model.Subgraphs.Count;

    /// <summary>The runtime tensors of another subgraph's inputs, for control-flow ops.</summary>
    public IReadOnlyList<Tensor> SubgraphInputs(int subgraph) => Interpreter.SubgraphInputs(subgraph);

    public IReadOnlyList<Tensor> SubgraphOutputs(int subgraph) => Interpreter.SubgraphOutputs(subgraph);

    /// <summary>The interpreter's resource variables (VAR_HANDLE and friends).</summary>
    internal ResourceVariableStore ResourceVariables => Interpreter.ResourceVariables;

    /// <summary>
    /// Asks for output <paramref name="index"/> to be placed in the application's decompression memory
    /// (<see cref="InterpreterOptions.DecompressionMemory"/>) when there is room, as DECODE does with what it decodes.
    /// </summary>
    internal void PreferDecompressionMemory(int index) => Output(index).PrefersDecompressionMemory = true;

    /// <summary>An exception for malformed model data (e.g. a DECODE operator's ancillary data) that names this node.</summary>
    internal InvalidModelException InvalidData(string message) => new($"{_node.Describe()}: {message}");

    /// <summary>An exception that names this node, for the kernel to throw.</summary>
    public KernelException Error(string message) => new($"{_node.Describe()}: {message}");

    /// <summary>An error for a tensor type the kernel does not accept.</summary>
    public KernelException UnsupportedType(string what, TensorType type)
        => Error($"{what} type {TensorTypes.GetName(type)} is not supported by {Code.Name}");
}
