using System.Runtime.InteropServices;

namespace TfLiteMicro.Kernels;

/// <summary>
/// What a kernel sees while it runs one node: spans over its tensors' bytes (in the arena or in the model),
/// its scratch and persistent buffers. A stack-only value, so handing it over costs no allocation.
/// </summary>
public readonly ref struct InvokeContext
{
    private readonly Span<byte> _arena;
    private readonly int _node;
    private readonly MicroInterpreter _interpreter;
    private readonly InterpreterGraph _graph;

    internal InvokeContext(MicroInterpreter interpreter, int node, Span<byte> arena)
    {
        _interpreter = interpreter;
        _graph = interpreter.Graph;
        _node = node;
        _arena = arena;
    }

    /// <summary>Number of inputs, omitted optional ones included.</summary>
    public int InputCount => _graph.Nodes[_node].InputCount;

    /// <summary>Number of outputs.</summary>
    public int OutputCount => _graph.Nodes[_node].OutputCount;

    /// <summary>Whether input <paramref name="index"/> exists and is not an omitted optional input.</summary>
    public bool HasInput(int index) => index >= 0 && index < InputCount && _graph.Inputs(_node)[index] >= 0;

    /// <summary>The element type of input <paramref name="index"/>.</summary>
    public TensorType InputType(int index) => _graph.Tensors[InputId(index)].Type;

    /// <summary>The bytes of input <paramref name="index"/> as elements of <typeparamref name="T"/>.</summary>
    public ReadOnlySpan<T> Input<T>(int index) where T : unmanaged => MemoryMarshal.Cast<byte, T>(TensorData(InputId(index)));

    /// <summary>The bytes of output <paramref name="index"/> as elements of <typeparamref name="T"/>.</summary>
    public Span<T> Output<T>(int index) where T : unmanaged => MemoryMarshal.Cast<byte, T>(ArenaBytes(OutputId(index)));

    /// <summary>A writable view of an input that is a variable tensor (state the op updates in place).</summary>
    public Span<T> Variable<T>(int index) where T : unmanaged => MemoryMarshal.Cast<byte, T>(ArenaBytes(InputId(index)));

    /// <summary>The bytes of intermediate tensor <paramref name="index"/>.</summary>
    public Span<T> Intermediate<T>(int index) where T : unmanaged
    {
        ref NodeRecord node = ref _graph.Nodes[_node];
        if ((uint)index >= (uint)node.IntermediateCount)
            throw Error($"intermediate tensor {index} does not exist ({node.IntermediateCount} given)");
        return MemoryMarshal.Cast<byte, T>(ArenaBytes(_graph.Intermediates(_node)[index]));
    }

    /// <summary>The scratch buffer with the handle <see cref="PrepareContext.RequestScratch"/> returned.</summary>
    public Span<T> Scratch<T>(int handle) where T : unmanaged
    {
        ref NodeRecord node = ref _graph.Nodes[_node];
        if ((uint)handle >= (uint)node.ScratchCount) throw Error($"scratch buffer {handle} was not asked for ({node.ScratchCount} were)");
        BufferRecord buffer = _graph.Scratch[node.Scratch + handle];
        return MemoryMarshal.Cast<byte, T>(_arena.Slice(buffer.Offset, buffer.Size));
    }

    /// <summary>The persistent buffer with the handle <see cref="PrepareContext.AllocatePersistent"/> returned.</summary>
    public Span<T> Persistent<T>(int handle) where T : unmanaged
    {
        ref NodeRecord node = ref _graph.Nodes[_node];
        if ((uint)handle >= (uint)node.PersistentCount) throw Error($"persistent buffer {handle} was not asked for ({node.PersistentCount} were)");
        BufferRecord buffer = _graph.Persistent[node.Persistent + handle];
        return MemoryMarshal.Cast<byte, T>(_arena.Slice(buffer.Offset, buffer.Size));
    }

    /// <summary>Runs another subgraph to completion (control-flow ops).</summary>
    public void InvokeSubgraph(int subgraph) => _interpreter.InvokeSubgraph(subgraph);

    /// <summary>The bytes of resource variable <paramref name="id"/>; empty, with <paramref name="exists"/> false, when it has none.</summary>
    internal Span<byte> ResourceVariable(int id, out bool exists) => _interpreter.ResourceVariables.Buffer(_arena, id, out exists);

    /// <summary>Ends the current Invoke after this node without error (TFLM's kTfLiteAbort); see <see cref="MicroInterpreter.LastInvokeAborted"/>.</summary>
    public void AbortInvoke() => _interpreter.AbortInvoke();

    /// <summary>An exception that names this node, for the kernel to throw on bad data.</summary>
    public KernelException Error(string message) => new($"{_graph.Describe(_node)}: {message}");

    /// <summary>The id (number across subgraphs) of input <paramref name="index"/>, for control-flow ops.</summary>
    internal int InputId(int index)
    {
        ref NodeRecord node = ref _graph.Nodes[_node];
        if ((uint)index >= (uint)node.InputCount) throw Error($"input {index} does not exist ({node.InputCount} inputs given)");
        int id = _graph.NodeTensors[node.Tensors + index];
        return id >= 0 ? id : throw Error($"input {index} is omitted");
    }

    /// <summary>The id of output <paramref name="index"/>.</summary>
    internal int OutputId(int index)
    {
        ref NodeRecord node = ref _graph.Nodes[_node];
        if ((uint)index >= (uint)node.OutputCount) throw Error($"output {index} does not exist ({node.OutputCount} outputs given)");
        int id = _graph.NodeTensors[node.Tensors + node.InputCount + index];
        return id >= 0 ? id : throw Error($"output {index} is omitted");
    }

    /// <summary>The bytes of any tensor, in the model for constants and in the arena otherwise.</summary>
    internal ReadOnlySpan<byte> TensorData(int id)
        => _graph.Tensors[id].IsConstant ? _graph.ConstantData(id) : ArenaBytes(id);

    /// <summary>The bytes of a tensor that lives in the arena (constants cannot be written).</summary>
    internal Span<byte> ArenaBytes(int id)
    {
        ref TensorRecord tensor = ref _graph.Tensors[id];
        if (tensor.IsConstant) throw Error($"{DescribeTensor(id)} is a constant of the model and cannot be written");
        return _arena.Slice(tensor.ArenaOffset, tensor.ByteCount);
    }

    /// <summary>"tensor 'name' of subgraph S", for messages.</summary>
    internal string DescribeTensor(int id)
    {
        (int subgraph, int index) = _graph.Locate(id);
        return $"tensor '{_graph.Definition(subgraph, index).Name}' of subgraph {subgraph}";
    }
}
