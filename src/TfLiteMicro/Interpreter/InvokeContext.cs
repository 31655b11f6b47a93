using System.Runtime.InteropServices;

namespace TfLiteMicro.Kernels;

/// <summary>
/// What a kernel sees while it runs one node: spans over its tensors' bytes (in the arena or in the model),
/// its scratch and persistent buffers. A stack-only value, so handing it over costs no allocation.
/// </summary>
public readonly ref struct InvokeContext
{
    private readonly Span<byte> _arena;
    private readonly Node _node;
    private readonly MicroInterpreter _interpreter;

    internal InvokeContext(MicroInterpreter interpreter, Node node, Span<byte> arena)
    {
        _interpreter = interpreter;
        _node = node;
        _arena = arena;
    }

    public int InputCount => _node.Inputs.Length;
    public int OutputCount => _node.Outputs.Length;

    public bool HasInput(int index) => index >= 0 && index < _node.Inputs.Length && _node.Inputs[index] is not null;

    public Tensor InputTensor(int index) => _node.Inputs[index]!;
    public Tensor OutputTensor(int index) => _node.Outputs[index]!;

    /// <summary>
    /// The bytes of input <paramref name="index"/> as elements of <typeparamref name="T"/>; for a compressed constant, its
    /// values decompressed into the node's buffer (once per Invoke, on the first read).
    /// </summary>
    public ReadOnlySpan<T> Input<T>(int index) where T : unmanaged
    {
        Tensor tensor = _node.Inputs[index]!;
        return MemoryMarshal.Cast<byte, T>(tensor.CompressionSlot < 0 ? Bytes(tensor) : _interpreter.Decompressed(_node, index, _arena));
    }

    /// <summary>The bytes of output <paramref name="index"/> as elements of <typeparamref name="T"/>.</summary>
    public Span<T> Output<T>(int index) where T : unmanaged
        => MemoryMarshal.Cast<byte, T>(Place(_node.Outputs[index]!));

    /// <summary>A writable view of an input that is a variable tensor (state the op updates in place).</summary>
    public Span<T> Variable<T>(int index) where T : unmanaged
        => MemoryMarshal.Cast<byte, T>(Place(_node.Inputs[index]!));

    /// <summary>The bytes of intermediate tensor <paramref name="index"/>.</summary>
    public Span<T> Intermediate<T>(int index) where T : unmanaged
        => MemoryMarshal.Cast<byte, T>(Place(_node.Intermediates[index]!));

    /// <summary>The scratch buffer with the handle <see cref="PrepareContext.RequestScratch"/> returned.</summary>
    public Span<T> Scratch<T>(int handle) where T : unmanaged
        => MemoryMarshal.Cast<byte, T>(_arena.Slice(_node.ScratchOffsets[handle], _node.ScratchSizes[handle]));

    /// <summary>The persistent buffer with the handle <see cref="PrepareContext.AllocatePersistent"/> returned.</summary>
    public Span<T> Persistent<T>(int handle) where T : unmanaged
        => MemoryMarshal.Cast<byte, T>(_arena.Slice(_node.PersistentOffsets[handle], _node.PersistentSizes[handle]));

    /// <summary>The bytes of any tensor of the interpreter (for control-flow ops moving data between subgraphs).</summary>
    public Span<byte> TensorBytes(Tensor tensor)
        => tensor.IsConstant ? throw new InvalidOperationException("constant tensors are read-only") : Place(tensor);

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
    public KernelException Error(string message) => new($"{_node.Describe()}: {message}");

    private ReadOnlySpan<byte> Bytes(Tensor tensor)
        => tensor.IsConstant ? tensor.Definition.Data.Span : Place(tensor);

    /// <summary>A non-constant tensor's bytes: in the arena, or in the application's decompression memory (DECODE outputs).</summary>
    private Span<byte> Place(Tensor tensor)
        => tensor.MemoryRegion < 0 ? _arena.Slice(tensor.ArenaOffset, tensor.ByteCount) : _interpreter.RegionBytes(tensor);
}
