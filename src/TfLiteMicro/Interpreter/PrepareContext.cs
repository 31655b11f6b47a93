using TfLiteMicro.Kernels;

namespace TfLiteMicro;

/// <summary>
/// What a kernel sees while it prepares one node: its tensors, options, and ways to ask for memory. The
/// <see cref="Tensor"/> objects it hands out are for Prepare only: a kernel keeps what it needs from them (sizes,
/// scales, handles of its buffers), never the objects themselves.
/// </summary>
public sealed class PrepareContext
{
    private readonly int _node;

    internal PrepareContext(MicroInterpreter interpreter, int node)
    {
        Interpreter = interpreter;
        _node = node;
        Operator = interpreter.Graph.Operator(node);
    }

    internal MicroInterpreter Interpreter { get; }

    private InterpreterGraph Graph => Interpreter.Graph;

    private ref NodeRecord Node => ref Interpreter.Graph.Nodes[_node];

    /// <summary>The operator as the model declares it.</summary>
    public ModelOperator Operator { get; }

    /// <summary>The operator's code.</summary>
    public OperatorCode Code => Operator.Code;

    /// <summary>
    /// The builtin options table as stored, unchecked: fields by their index in the schema's options table. The
    /// builtin kernels read their options through the typed views instead (e.g. <c>Conv2DOptions.Read(context)</c>),
    /// which check the operator's union type.
    /// </summary>
    public FlatTable BuiltinOptions => Operator.BuiltinOptions;

    /// <summary>
    /// The builtin options table when the operator's union type is <paramref name="expected"/> (an absent table when the
    /// operator has none); an <see cref="InvalidModelException"/> naming this node and both tables otherwise.
    /// </summary>
    internal FlatTable BuiltinOptionsOf(BuiltinOptionsTable expected)
        => BuiltinOptionsUnion.Select(Operator, expected, Graph.Describe(_node));

    /// <summary>The custom options bytes (FlexBuffers for most custom ops).</summary>
    public ReadOnlyMemory<byte> CustomOptions => Operator.CustomOptions;

    /// <summary>True when the user asked for the reference kernels only (no optimized paths).</summary>
    public bool UseReferenceKernels => Interpreter.Options.UseReferenceKernels;

    /// <summary>True when the user asked for weights arranged once into the persistent arena (<see cref="InterpreterOptions.PrearrangeWeights"/>).</summary>
    public bool PrearrangeWeights => Interpreter.Options.PrearrangeWeights;

    /// <summary>
    /// Parts a kernel may split its work into, one per thread (<see cref="InterpreterOptions.Threads"/>; 1 with the
    /// reference kernels). A kernel that will split calls <see cref="UseThreads"/> and implements <see cref="IPartitionedKernel"/>.
    /// </summary>
    internal int Threads => Interpreter.ThreadsAvailable;

    /// <summary>Tells the interpreter this kernel will split its work into <paramref name="parts"/> (so the worker threads are started).</summary>
    internal void UseThreads(int parts) => Interpreter.UseThreads(parts);

    /// <summary>
    /// The instruction set a kernel's fast paths may use: <see cref="SimdLevel.Reference"/> when the reference kernels
    /// were asked for, else the best this processor has (tests lower it to check every path against the reference).
    /// </summary>
    public SimdLevel SimdLevel => Simd.For(this);

    /// <summary>Number of inputs, omitted optional ones included.</summary>
    public int InputCount => Node.InputCount;

    /// <summary>Number of outputs.</summary>
    public int OutputCount => Node.OutputCount;

    /// <summary>Number of intermediate tensors.</summary>
    public int IntermediateCount => Node.IntermediateCount;

    /// <summary>Whether input <paramref name="index"/> exists and is not an omitted optional input.</summary>
    public bool HasInput(int index) => index >= 0 && index < InputCount && Graph.Inputs(_node)[index] >= 0;

    /// <summary>Input <paramref name="index"/>; a <see cref="KernelException"/> when it is missing.</summary>
    public Tensor Input(int index)
        => HasInput(index) ? TensorAt(Graph.Inputs(_node)[index]) : throw Error($"input {index} is missing ({InputCount} inputs given)");

    /// <summary>Input <paramref name="index"/>, or null when the model omits it.</summary>
    public Tensor? OptionalInput(int index) => HasInput(index) ? TensorAt(Graph.Inputs(_node)[index]) : null;

    /// <summary>Output <paramref name="index"/>; a <see cref="KernelException"/> when it is missing.</summary>
    public Tensor Output(int index)
        => index >= 0 && index < OutputCount && Graph.Outputs(_node)[index] >= 0
            ? TensorAt(Graph.Outputs(_node)[index])
            : throw Error($"output {index} is missing ({OutputCount} outputs given)");

    /// <summary>Intermediate tensor <paramref name="index"/>; a <see cref="KernelException"/> when it is missing.</summary>
    public Tensor Intermediate(int index)
        => index >= 0 && index < IntermediateCount && Graph.Intermediates(_node)[index] >= 0
            ? TensorAt(Graph.Intermediates(_node)[index])
            : throw Error($"intermediate tensor {index} is missing ({IntermediateCount} given)");

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
        long bytes = InterpreterGraph.ByteCount(output.Type, shape);
        if (bytes > int.MaxValue)
            throw Error($"output {index} would be {TensorTypes.GetName(output.Type)}[{string.Join(",", shape.ToArray())}]: {bytes} bytes, more than a tensor can hold");
        output.SetShape(shape);
    }

    /// <summary>Asks for a scratch buffer that lives only while this node runs; returns its handle for <see cref="InvokeContext.Scratch{T}"/>.</summary>
    public int RequestScratch(int bytes)
    {
        if (bytes < 0) throw Error($"asked for a scratch buffer of {bytes} bytes");
        return Graph.AddScratch(_node, bytes);
    }

    /// <summary>Asks for arena memory that lives as long as the interpreter (state, precomputed tables); returns a handle for <see cref="InvokeContext.Persistent{T}"/>.</summary>
    public int AllocatePersistent(int bytes)
    {
        if (bytes < 0) throw Error($"asked for a persistent buffer of {bytes} bytes");
        return Graph.AddPersistent(_node, bytes);
    }

    /// <summary>
    /// Puts data the kernel computed while preparing (per-channel multipliers, folded biases, lookup tables) in the
    /// arena's persistent part, so it is counted in <see cref="Memory.ArenaUsage.PersistentBytes"/> and the kernel keeps no
    /// managed copy; read it back in Invoke with <see cref="InvokeContext.Persistent{T}"/> and the handle returned.
    /// </summary>
    public int AllocatePersistent<T>(ReadOnlySpan<T> contents) where T : unmanaged
    {
        byte[] bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(contents).ToArray();
        int handle = Graph.AddPersistent(_node, bytes.Length);
        Interpreter.KeepPersistentContents(Graph.PersistentIndex(_node, handle), bytes);
        return handle;
    }

    /// <summary>Number of subgraphs in the model, for control-flow ops.</summary>
    public int SubgraphCount => Graph.SubgraphCount;

    /// <summary>The tensors of another subgraph's inputs, for control-flow ops.</summary>
    public IReadOnlyList<Tensor> SubgraphInputs(int subgraph) => Tensors(Graph.SubgraphTensorIds(subgraph, outputs: false));

    /// <summary>The tensors of another subgraph's outputs, for control-flow ops.</summary>
    public IReadOnlyList<Tensor> SubgraphOutputs(int subgraph) => Tensors(Graph.SubgraphTensorIds(subgraph, outputs: true));

    /// <summary>The ids of another subgraph's input (or output) tensors, which control-flow ops keep for Invoke.</summary>
    internal int[] SubgraphTensorIds(int subgraph, bool outputs) => Graph.SubgraphTensorIds(subgraph, outputs);

    /// <summary>The tensor with id <paramref name="id"/> (a number across subgraphs).</summary>
    internal Tensor TensorAt(int id) => Interpreter.TensorAt(id);

    /// <summary>The interpreter's resource variables (VAR_HANDLE and friends).</summary>
    internal ResourceVariableStore ResourceVariables => Interpreter.ResourceVariables;

    /// <summary>
    /// Asks for output <paramref name="index"/> to be placed in the application's decompression memory
    /// (<see cref="InterpreterOptions.DecompressionMemory"/>) when there is room, as DECODE does with what it decodes.
    /// </summary>
    internal void PreferDecompressionMemory(int index) => Graph.Tensors[Output(index).Id].Flags |= TensorFlags.PrefersDecompressionMemory;

    /// <summary>An exception for malformed model data (e.g. a DECODE operator's ancillary data) that names this node.</summary>
    internal InvalidModelException InvalidData(string message) => new($"{Graph.Describe(_node)}: {message}");

    /// <summary>An exception that names this node, for the kernel to throw.</summary>
    public KernelException Error(string message) => new($"{Graph.Describe(_node)}: {message}");

    /// <summary>An error for a tensor type the kernel does not accept.</summary>
    public KernelException UnsupportedType(string what, TensorType type)
        => Error($"{what} type {TensorTypes.GetName(type)} is not supported by {Code.Name}");

    private Tensor[] Tensors(int[] ids)
    {
        var tensors = new Tensor[ids.Length];
        for (int i = 0; i < ids.Length; i++) tensors[i] = TensorAt(ids[i]);
        return tensors;
    }
}
