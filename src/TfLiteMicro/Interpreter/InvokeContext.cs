using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TfLiteMicro;

/// <summary>
/// What a kernel sees while it runs one node: spans over its tensors' bytes (in the arena or in the model),
/// its scratch and persistent buffers. A stack-only value, so handing it over costs no allocation.
/// </summary>
public readonly ref struct InvokeContext
{
    // The node's place in the tensor id table and its counts are copied in once, so that each tensor accessor reads
    // the context instead of the node record and inlines into the kernel.
    private readonly Span<byte> _arena;
    private readonly InterpreterGraph _graph;
    private readonly MicroInterpreter _interpreter;
    // Pairs of ints are kept as one long each: the caller builds the context on its stack and copies it into the call's
    // arguments eight bytes at a time, and a read of eight bytes written as two halves stalls until both are in the cache.
    private readonly long _nodeAndTensors, _inputsAndOutputs;

    /// <summary>The node's number across subgraphs.</summary>
    private int Node => (int)(_nodeAndTensors >> 32);

    /// <summary>Where the node's input, output and intermediate ids start in the graph's tensor id table.</summary>
    private int FirstTensor => (int)_nodeAndTensors;

    internal InvokeContext(MicroInterpreter interpreter, int node, Span<byte> arena)
        : this(interpreter, interpreter.Graph, node, interpreter.Graph.Nodes[node], arena)
    {
    }

    /// <summary>The context of <paramref name="node"/>, whose <paramref name="record"/> the caller has at hand.</summary>
    internal InvokeContext(MicroInterpreter interpreter, InterpreterGraph graph, int node, in NodeRecord record, Span<byte> arena)
    {
        _interpreter = interpreter;
        _graph = graph;
        _nodeAndTensors = (long)node << 32 | (uint)record.Tensors;
        _inputsAndOutputs = (long)record.OutputCount << 32 | (uint)record.InputCount;
        _arena = arena;
    }

    /// <summary>Number of inputs, omitted optional ones included.</summary>
    public int InputCount => (int)_inputsAndOutputs;

    /// <summary>Number of outputs.</summary>
    public int OutputCount => (int)(_inputsAndOutputs >> 32);

    /// <summary>Whether input <paramref name="index"/> exists and is not an omitted optional input.</summary>
    public bool HasInput(int index) => (uint)index < (uint)InputCount && _graph.NodeTensors[FirstTensor + index] >= 0;

    /// <summary>The element type of input <paramref name="index"/>.</summary>
    public TensorType InputType(int index) => _graph.Tensors[InputId(index)].Type;

    /// <summary>
    /// The bytes of input <paramref name="index"/> as elements of <typeparamref name="T"/>; for a compressed constant, its
    /// values decompressed into the node's buffer (once per Invoke, on the first read).
    /// </summary>
    public ReadOnlySpan<T> Input<T>(int index) where T : unmanaged => MemoryMarshal.Cast<byte, T>(TensorData(InputId(index)));

    /// <summary>The bytes of output <paramref name="index"/> as elements of <typeparamref name="T"/>.</summary>
    public Span<T> Output<T>(int index) where T : unmanaged => MemoryMarshal.Cast<byte, T>(ArenaBytes(OutputId(index)));

    /// <summary>A writable view of an input that is a variable tensor (state the op updates in place).</summary>
    public Span<T> Variable<T>(int index) where T : unmanaged => MemoryMarshal.Cast<byte, T>(ArenaBytes(InputId(index)));

    /// <summary>The bytes of intermediate tensor <paramref name="index"/>.</summary>
    public Span<T> Intermediate<T>(int index) where T : unmanaged
    {
        ref NodeRecord node = ref _graph.Nodes[Node];
        int id = (uint)index < (uint)node.IntermediateCount ? _graph.NodeTensors[node.Tensors + node.InputCount + node.OutputCount + index] : -1;
        return MemoryMarshal.Cast<byte, T>(ArenaBytes(id >= 0 ? id : throw Missing("intermediate tensor", index, node.IntermediateCount)));
    }

    /// <summary>The scratch buffer with the handle <see cref="PrepareContext.RequestScratch"/> returned.</summary>
    public Span<T> Scratch<T>(int handle) where T : unmanaged
    {
        ref NodeRecord node = ref _graph.Nodes[Node];
        if ((uint)handle >= (uint)node.ScratchCount) throw NotAskedFor("scratch", handle, node.ScratchCount);
        BufferRecord buffer = _graph.Scratch[node.Scratch + handle];
        return MemoryMarshal.Cast<byte, T>(_arena.Slice(buffer.Offset, buffer.Size));
    }

    /// <summary>The persistent buffer with the handle <see cref="PrepareContext.AllocatePersistent"/> returned.</summary>
    public Span<T> Persistent<T>(int handle) where T : unmanaged
    {
        ref NodeRecord node = ref _graph.Nodes[Node];
        if ((uint)handle >= (uint)node.PersistentCount) throw NotAskedFor("persistent", handle, node.PersistentCount);
        BufferRecord buffer = _graph.Persistent[node.Persistent + handle];
        return MemoryMarshal.Cast<byte, T>(_arena.Slice(buffer.Offset, buffer.Size));
    }

    /// <summary>
    /// Runs <paramref name="kernel"/>'s parts 0 .. <paramref name="parts"/> - 1 of this node, on the worker threads and
    /// this one, and returns when all are done (see <see cref="IPartitionedKernel"/>).
    /// </summary>
    internal void RunParts(IPartitionedKernel kernel, int parts)
    {
        // A compressed constant is decompressed by its first read in an Invoke: that read happens here, not in the parts.
        for (int i = 0; i < InputCount; i++)
            if (HasInput(i)) TensorData(InputId(i));
        _interpreter.RunParts(Node, kernel, parts, _arena);
    }

    /// <summary>Runs another subgraph to completion (control-flow ops).</summary>
    public void InvokeSubgraph(int subgraph) => _interpreter.InvokeSubgraph(subgraph);

    /// <summary>The bytes of resource variable <paramref name="id"/>; empty, with <paramref name="exists"/> false, when it has none.</summary>
    internal Span<byte> ResourceVariable(int id, out bool exists) => _interpreter.ResourceVariables.Buffer(_arena, id, out exists);

    /// <summary>
    /// Called by a loop operator before each iteration: stops the Invoke when its cancellation token asks for it, and
    /// fails when the iteration count passes <see cref="InterpreterOptions.MaxWhileIterations"/>.
    /// </summary>
    internal void BeginLoopIteration(long iteration)
    {
        _interpreter.ThrowIfCancellationRequested();
        if (_interpreter.Options.MaxWhileIterations is long limit && iteration >= limit)
            throw Error($"the loop ran {iteration} iterations, the limit set by InterpreterOptions.MaxWhileIterations");
    }

    /// <summary>Ends the current Invoke after this node without error (TFLM's kTfLiteAbort); see <see cref="MicroInterpreter.LastInvokeAborted"/>.</summary>
    public void AbortInvoke() => _interpreter.AbortInvoke();

    /// <summary>An exception that names this node, for the kernel to throw on bad data.</summary>
    public KernelException Error(string message) => new($"{_graph.Describe(Node)}: {message}");

    /// <summary>The id (number across subgraphs) of input <paramref name="index"/>, for control-flow ops.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int InputId(int index)
    {
        int id = (uint)index < (uint)InputCount ? _graph.NodeTensors[FirstTensor + index] : -1;
        return id >= 0 ? id : throw Missing("input", index, InputCount);
    }

    /// <summary>The id of output <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int OutputId(int index)
    {
        int id = (uint)index < (uint)OutputCount ? _graph.NodeTensors[FirstTensor + InputCount + index] : -1;
        return id >= 0 ? id : throw Missing("output", index, OutputCount);
    }

    /// <summary>
    /// The bytes of any tensor: in the arena, in the model for constants (decompressed into this node's buffer for a
    /// compressed one), or in the application's decompression memory (DECODE outputs placed there).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ReadOnlySpan<byte> TensorData(int id)
    {
        ref TensorRecord tensor = ref _graph.Tensors[id];
        if (tensor.IsInArena) return _arena.Slice(tensor.InArenaOffset, tensor.ByteCount);
        return tensor.IsConstant && !tensor.IsCompressed ? _graph.ConstantData(id) : DecompressedOrInRegion(id);
    }

    /// <summary>The writable bytes of a tensor, in the arena or the application's decompression memory (constants cannot be written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Span<byte> ArenaBytes(int id)
    {
        ref TensorRecord tensor = ref _graph.Tensors[id];
        return tensor.IsInArena ? _arena.Slice(tensor.InArenaOffset, tensor.ByteCount) : WritableInRegion(id);
    }

    // Compressed constants and tensors in decompression memory are read out of line, so that the accessors stay small.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ReadOnlySpan<byte> DecompressedOrInRegion(int id)
        => _graph.Tensors[id].IsConstant ? _interpreter.Decompressed(Node, id, _arena) : _interpreter.RegionBytes(id);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Span<byte> WritableInRegion(int id) => _graph.Tensors[id].IsConstant ? throw ConstantWritten(id) : _interpreter.RegionBytes(id);

    // The messages are made out of line, so that the accessors stay small enough for the JIT to inline them.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private KernelException Missing(string role, int index, int count)
        => Error((uint)index < (uint)count ? $"{role} {index} is omitted" : $"{role} {index} does not exist ({count} given)");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private KernelException NotAskedFor(string kind, int handle, int count) => Error($"{kind} buffer {handle} was not asked for ({count} were)");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private KernelException ConstantWritten(int id) => Error($"{DescribeTensor(id)} is a constant of the model and cannot be written");

    /// <summary>"tensor 'name' of subgraph S", for messages.</summary>
    internal string DescribeTensor(int id)
    {
        (int subgraph, int index) = _graph.Locate(id);
        return $"tensor '{_graph.Definition(subgraph, index).Name}' of subgraph {subgraph}";
    }
}
