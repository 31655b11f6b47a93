using TfLiteMicro.Kernels;
using TfLiteMicro.Memory;

namespace TfLiteMicro;

/// <summary>
/// Runs a <see cref="Model"/> inside one caller-owned arena. <see cref="AllocateTensors"/> does all the work
/// that can be done once (finding kernels, preparing them, planning memory); <see cref="Invoke()"/> then only
/// walks the prepared operators and allocates nothing.
/// </summary>
public sealed partial class MicroInterpreter : IDisposable
{
    private readonly OpResolver _resolver;
    private readonly Memory<byte> _arena;
    private Tensor[][] _tensors = [];
    private Node[][] _nodes = [];
    private Tensor[] _variables = [];
    private List<MemoryPlanEntry> _plan = [];
    private bool _allocated;

    /// <summary>The resource variables (VAR_HANDLE) of the model, in the arena's persistent region.</summary>
    internal ResourceVariableStore ResourceVariables { get; } = new();

    public MicroInterpreter(Model model, OpResolver resolver, Memory<byte> arena, InterpreterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(resolver);
        Model = model;
        _resolver = resolver;
        _arena = arena;
        Options = options ?? new InterpreterOptions();
    }

    public MicroInterpreter(Model model, OpResolver resolver, byte[] arena, InterpreterOptions? options = null)
        : this(model, resolver, new Memory<byte>(arena ?? throw new ArgumentNullException(nameof(arena))), options)
    {
    }

    public Model Model { get; }
    public InterpreterOptions Options { get; }

    /// <summary>Arena bytes used; valid after <see cref="AllocateTensors"/>.</summary>
    public int ArenaUsedBytes => ArenaUsage.TotalBytes;

    /// <summary>The breakdown of <see cref="ArenaUsedBytes"/>.</summary>
    public ArenaUsage ArenaUsage { get; private set; } = new(0, 0, 0, 0, 0);

    /// <summary>Every arena buffer with its lifetime and offset (for <c>tflm plan</c>).</summary>
    public IReadOnlyList<MemoryPlanEntry> MemoryPlan => _plan;

    public int InputCount => Model.Subgraphs[0].Inputs.Count;
    public int OutputCount => Model.Subgraphs[0].Outputs.Count;

    /// <summary>Input <paramref name="index"/> of the main subgraph.</summary>
    public Tensor Input(int index)
    {
        EnsureAllocated();
        if ((uint)index >= (uint)InputCount)
            throw new ArgumentOutOfRangeException(nameof(index), $"the model has {InputCount} inputs");
        return _tensors[0][Model.Subgraphs[0].Inputs[index]];
    }

    /// <summary>Output <paramref name="index"/> of the main subgraph.</summary>
    public Tensor Output(int index)
    {
        EnsureAllocated();
        if ((uint)index >= (uint)OutputCount)
            throw new ArgumentOutOfRangeException(nameof(index), $"the model has {OutputCount} outputs");
        return _tensors[0][Model.Subgraphs[0].Outputs[index]];
    }

    /// <summary>Any tensor of any subgraph.</summary>
    public Tensor GetTensor(int index, int subgraph = 0)
    {
        EnsureAllocated();
        if ((uint)subgraph >= (uint)_tensors.Length)
            throw new ArgumentOutOfRangeException(nameof(subgraph), $"the model has {_tensors.Length} subgraphs");
        if ((uint)index >= (uint)_tensors[subgraph].Length)
            throw new ArgumentOutOfRangeException(nameof(index), $"subgraph {subgraph} has {_tensors[subgraph].Length} tensors");
        return _tensors[subgraph][index];
    }

    /// <summary>Finds kernels for every operator, prepares them and plans the arena. Call once before <see cref="Invoke()"/>.</summary>
    public void AllocateTensors()
    {
        if (_allocated) return;
        int subgraphCount = Model.Subgraphs.Count;
        _tensors = new Tensor[subgraphCount][];
        for (int s = 0; s < subgraphCount; s++)
        {
            Subgraph subgraph = Model.Subgraphs[s];
            _tensors[s] = new Tensor[subgraph.Tensors.Count];
            for (int t = 0; t < subgraph.Tensors.Count; t++)
            {
                ModelTensor definition = subgraph.Tensors[t];
                if (definition.IsSparse)
                    throw new KernelException($"subgraph {s}, tensor {t} '{definition.Name}': sparse tensors are not supported (TFLM does not run them either)");
                _tensors[s][t] = new Tensor(this, s, definition);
            }
        }
        FindCompressedTensors();

        _nodes = new Node[subgraphCount][];
        for (int s = 0; s < subgraphCount; s++)
        {
            Subgraph subgraph = Model.Subgraphs[s];
            _nodes[s] = new Node[subgraph.Operators.Count];
            var producer = new int[subgraph.Tensors.Count];
            Array.Fill(producer, -1);
            for (int o = 0; o < subgraph.Operators.Count; o++)
            {
                ModelOperator op = subgraph.Operators[o];
                if (!_resolver.TryGetFactory(op.Code, out Func<IKernel> factory))
                    throw _resolver.Missing(op.Code, $"subgraph {s}, operator {o}");
                var node = new Node(s, op, factory(), Resolve(s, op.Inputs), Resolve(s, op.Outputs), Resolve(s, op.Intermediates));
                CheckWritable(node, node.Outputs, "output");
                CheckSingleProducer(node, producer);
                CheckWritable(node, node.Intermediates, "intermediate tensor");
                _nodes[s][o] = node;
            }
            CheckOrder(s, _nodes[s], producer);
        }

        BeginPrepare();
        try
        {
            for (int s = 0; s < subgraphCount; s++)
            {
                foreach (Node node in _nodes[s])
                {
                    try
                    {
                        node.Kernel.Prepare(new PrepareContext(this, node));
                    }
                    catch (KernelException e) when (e.IsUnplaced)
                    {
                        throw new KernelException($"{node.Describe()}: {e.Message}", e);
                    }
                    CheckOutputShapes(node);
                }
            }
        }
        finally
        {
            EndPrepare();
        }

        PlanMemory();
        CopyPersistentContents();
        _allocated = true;
        ResetVariables();
        ResetKernels();
    }

    /// <summary>Operators write their outputs and intermediates into the arena: a constant of the model has no place there.</summary>
    private static void CheckWritable(Node node, Tensor?[] tensors, string what)
    {
        for (int i = 0; i < tensors.Length; i++)
        {
            if (tensors[i] is { IsConstant: true } tensor)
                throw new KernelException($"{node.Describe()}: {what} {i} (tensor {tensor.Index} '{tensor.Name}') is a constant of the model and cannot be written");
        }
    }

    /// <summary>
    /// Each tensor is written by one operator, which does not also read it: kernels size their loops from their
    /// tensors' shapes in Prepare, and a second writer (or an operator reshaping its own input) would change a shape
    /// another kernel has already sized its loops by.
    /// </summary>
    private static void CheckSingleProducer(Node node, int[] producer)
    {
        for (int i = 0; i < node.Outputs.Length; i++)
        {
            if (node.Outputs[i] is not { } output) continue;
            if (producer[output.Index] >= 0)
                throw new KernelException($"{node.Describe()}: output {i} (tensor {output.Index} '{output.Name}') is already written by operator {producer[output.Index]}");
            producer[output.Index] = node.Operator.Index;
            if (Array.IndexOf(node.Inputs, output) >= 0 || Array.IndexOf(node.Intermediates, output) >= 0)
                throw new KernelException($"{node.Describe()}: output {i} (tensor {output.Index} '{output.Name}') is also one of its own inputs");
        }
    }

    /// <summary>
    /// Operators run (and prepare) in the model's order, so each one's inputs must be written by an earlier operator
    /// or by none (inputs of the subgraph, constants, variables); a -1 in a shape is something only the operator
    /// writing the tensor can work out, so a tensor no operator writes must not have one.
    /// </summary>
    private void CheckOrder(int subgraph, Node[] nodes, int[] producer)
    {
        foreach (Node node in nodes)
        {
            for (int i = 0; i < node.Inputs.Length; i++)
            {
                if (node.Inputs[i] is { } input && producer[input.Index] > node.Operator.Index)
                    throw new KernelException($"{node.Describe()}: input {i} (tensor {input.Index} '{input.Name}') is written by operator {producer[input.Index]}, which runs later");
            }
        }
        foreach (Tensor tensor in _tensors[subgraph])
        {
            if (producer[tensor.Index] >= 0) continue;
            foreach (int d in tensor.Shape)
            {
                if (d < 0)
                    throw new KernelException($"subgraph {subgraph}, tensor {tensor.Index} '{tensor.Name}' has shape [{string.Join(",", tensor.ShapeArray)}], with an unknown dimension no operator works out");
            }
        }
    }

    /// <summary>
    /// After Prepare, every output must have a known shape: a -1 left in the model's shape that the operator did
    /// not work out would otherwise be read as a tensor of no elements by one kernel and a bad size by another.
    /// Outputs with no elements at all make the node a no-op (<see cref="Node.ProducesNothing"/>).
    /// </summary>
    private static void CheckOutputShapes(Node node)
    {
        bool anyElements = false;
        foreach (Tensor? output in node.Outputs)
        {
            if (output is null) continue;
            foreach (int d in output.Shape)
            {
                if (d < 0)
                    throw new KernelException($"{node.Describe()}: output tensor {output.Index} '{output.Name}' has shape [{string.Join(",", output.ShapeArray)}], with a dimension the operator did not work out");
            }
            if (output.ElementCount != 0) anyElements = true;
        }
        bool stateful = false;
        foreach (Tensor? input in node.Inputs) stateful |= input is { IsVariable: true };
        // Loops over a tensor with no elements but one huge dimension would still spin; such a node computes nothing.
        // Control-flow and state-carrying operators run regardless, for their side effects.
        node.ProducesNothing = !anyElements && node.Outputs.Length > 0 && !stateful && node.Kernel is not (If or While or CallOnce);
    }

    private Tensor?[] Resolve(int subgraph, IReadOnlyList<int> indices)
    {
        var result = new Tensor?[indices.Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = indices[i] < 0 ? null : _tensors[subgraph][indices[i]];
        return result;
    }

    private void PlanMemory()
    {
        var planner = new GreedyMemoryPlanner();
        int[]? offline = OfflineMemoryPlan.Read(Model);
        var planned = new List<(string Kind, int Subgraph, int Index, string Name, int Handle, Action<int> Assign)>();
        int mainSteps = Math.Max(1, _nodes[0].Length);
        int totalSteps = mainSteps;
        int scratchRequested = 0;
        int offlineBase = 0;
        StartDecompressionPlan();

        for (int s = 0; s < _tensors.Length; s++)
        {
            Subgraph subgraph = Model.Subgraphs[s];
            int steps = Math.Max(1, _nodes[s].Length);
            var first = new int[_tensors[s].Length];
            var last = new int[_tensors[s].Length];
            Array.Fill(first, -1);
            Array.Fill(last, -1);
            foreach (int t in subgraph.Inputs) { first[t] = 0; last[t] = Math.Max(last[t], 0); }
            for (int o = 0; o < _nodes[s].Length; o++)
            {
                Node node = _nodes[s][o];
                foreach (Tensor? t in node.Inputs)
                {
                    if (t is null) continue;
                    if (first[t.Index] < 0) first[t.Index] = 0;
                    last[t.Index] = o;
                }
                foreach (Tensor? t in node.Outputs)
                {
                    if (t is null) continue;
                    if (first[t.Index] < 0) first[t.Index] = o;
                    last[t.Index] = Math.Max(last[t.Index], o);
                }
                foreach (Tensor? t in node.Intermediates)
                {
                    if (t is null) continue;
                    if (first[t.Index] < 0) first[t.Index] = o;
                    last[t.Index] = Math.Max(last[t.Index], o);
                }
            }
            foreach (int t in subgraph.Outputs)
            {
                if (first[t] < 0) first[t] = 0;
                last[t] = steps - 1;
            }

            for (int t = 0; t < _tensors[s].Length; t++)
            {
                Tensor tensor = _tensors[s][t];
                if (tensor.IsConstant || tensor.IsVariable || first[t] < 0) continue;
                if (TensorTypes.ByteCount(tensor.Type, 1) < 0)
                    throw new KernelException($"subgraph {s}, tensor {t} '{tensor.Name}': {TensorTypes.GetName(tensor.Type)} tensors cannot be placed in the arena");
                if (tensor.ByteCount == 0) { tensor.ArenaOffset = 0; continue; }
                // The main subgraph runs on its own timeline; other subgraphs can run in the middle of any of
                // its operators, so their buffers stay alive for the whole run.
                (int from, int to) = s == 0 ? (first[t], last[t]) : (0, totalSteps - 1);
                if (TryPlaceInDecompressionMemory(tensor, from, Math.Max(from, to))) continue;
                int fixedOffset = offline is not null && offline[offlineBase + t] >= 0 ? offline[offlineBase + t] : -1;
                int handle = planner.AddBuffer(tensor.ByteCount, from, Math.Max(from, to), fixedOffset);
                planned.Add(("tensor", s, t, tensor.Name, handle, offset => tensor.ArenaOffset = offset));
            }

            for (int o = 0; o < _nodes[s].Length; o++)
            {
                Node node = _nodes[s][o];
                node.ScratchOffsets = new int[node.ScratchSizes.Count];
                for (int k = 0; k < node.ScratchSizes.Count; k++)
                {
                    scratchRequested += node.ScratchSizes[k];
                    (int from, int to) = s == 0 ? (o, o) : (0, totalSteps - 1);
                    int handle = planner.AddBuffer(node.ScratchSizes[k], from, to);
                    int slot = k;
                    planned.Add(("scratch", s, o, $"{node.Operator.Code.Name} scratch {k}", handle, offset => node.ScratchOffsets[slot] = offset));
                }
                (int firstStep, int lastStep) = s == 0 ? (o, o) : (0, totalSteps - 1);
                foreach ((int size, int handle, Action<int> assign) in PlanDecompressionBuffers(node, planner, firstStep, lastStep))
                {
                    scratchRequested += size;
                    planned.Add(("decompression", s, o, $"{node.Operator.Code.Name} decompressed input", handle, assign));
                }
            }
            offlineBase += _tensors[s].Length;
        }

        _plan = new List<MemoryPlanEntry>(planned.Count);
        foreach (var p in planned)
        {
            int offset = planner.GetOffset(p.Handle);
            p.Assign(offset);
            PlannedBuffer buffer = planner.Buffers[p.Handle];
            _plan.Add(new MemoryPlanEntry(p.Kind, p.Subgraph, p.Index, p.Name, buffer.Size, buffer.FirstUse, buffer.LastUse, offset));
        }
        int plannedBytes = planner.TotalSize;
        FinishDecompressionPlan();

        // Persistent memory (variable tensors, kernels' persistent buffers) follows the planned region.
        long cursor = plannedBytes;
        var variables = new List<Tensor>();
        for (int s = 0; s < _tensors.Length; s++)
        {
            foreach (Tensor tensor in _tensors[s])
            {
                if (!tensor.IsVariable || tensor.IsConstant) continue;
                tensor.ArenaOffset = (int)CheckedOffset(cursor);
                _plan.Add(new MemoryPlanEntry("variable", s, tensor.Index, tensor.Name, tensor.ByteCount, 0, totalSteps - 1, tensor.ArenaOffset));
                cursor += GreedyMemoryPlanner.AlignUp(tensor.ByteCount);
                variables.Add(tensor);
            }
        }
        _variables = [.. variables];
        for (int s = 0; s < _nodes.Length; s++)
        {
            foreach (Node node in _nodes[s])
            {
                node.PersistentOffsets = new int[node.PersistentSizes.Count];
                for (int k = 0; k < node.PersistentSizes.Count; k++)
                {
                    node.PersistentOffsets[k] = (int)CheckedOffset(cursor);
                    _plan.Add(new MemoryPlanEntry("persistent", s, node.Operator.Index, $"{node.Operator.Code.Name} persistent {k}",
                        node.PersistentSizes[k], 0, totalSteps - 1, node.PersistentOffsets[k]));
                    cursor += GreedyMemoryPlanner.AlignUp(node.PersistentSizes[k]);
                }
            }
        }

        cursor = ResourceVariables.Place(CheckedOffset(cursor), _plan, totalSteps - 1);

        if (cursor > _arena.Length)
            throw new ArenaTooSmallException(cursor, _arena.Length);
        int total = (int)cursor;
        ArenaUsage = new ArenaUsage(plannedBytes, scratchRequested, total - plannedBytes, total, _arena.Length);
    }

    /// <summary>
    /// An offset past what any arena can hold means the model cannot fit, whatever the arena given; offsets past this
    /// arena's end are kept so that the final check reports the whole size needed.
    /// </summary>
    private long CheckedOffset(long offset)
        => offset <= int.MaxValue ? offset : throw new ArenaTooSmallException(offset, _arena.Length);

    /// <summary>Runs the main subgraph once. No managed memory is allocated.</summary>
    public void Invoke()
    {
        EnsureAllocated();
        LastInvokeAborted = false;
        _depth = 0;
        _cancellation = default;
        BeginDecodeEpoch();
        InvokeSubgraph(0);
    }

    /// <summary>
    /// Runs the main subgraph once, checking <paramref name="cancellation"/> before every operator, every subgraph
    /// (IF, CALL_ONCE) and every WHILE iteration; a request stops the run with <see cref="OperationCanceledException"/>.
    /// The outputs are then undefined, the interpreter stays usable (state such as variable tensors is as the
    /// operators that ran left it; <see cref="Reset"/> restores it).
    /// </summary>
    public void Invoke(CancellationToken cancellation)
    {
        EnsureAllocated();
        LastInvokeAborted = false;
        _depth = 0;
        _cancellation = cancellation;
        BeginDecodeEpoch();
        try
        {
            InvokeSubgraph(0);
        }
        finally
        {
            _cancellation = default;
        }
    }

    private CancellationToken _cancellation;
    private int _depth;

    /// <summary>Stops the current Invoke when its token asks for it (control-flow loops call this between iterations).</summary>
    internal void ThrowIfCancellationRequested() => _cancellation.ThrowIfCancellationRequested();

    /// <summary>
    /// True when a kernel ended the last <see cref="Invoke()"/> early (TFLM's kTfLiteAbort), as CIRCULAR_BUFFER does on
    /// the calls where it only buffers input: the outputs then hold no new result.
    /// </summary>
    public bool LastInvokeAborted { get; private set; }

    internal void AbortInvoke() => LastInvokeAborted = true;

    internal void InvokeSubgraph(int subgraph)
    {
        if ((uint)subgraph >= (uint)_nodes.Length)
            throw new KernelException($"subgraph {subgraph} does not exist ({_nodes.Length} subgraphs)");
        // Control-flow operators run their subgraphs through this method: the nesting is bounded here, so a
        // chain of subgraphs in a model ends with an error instead of overflowing the thread's stack.
        if (_depth >= Options.MaxSubgraphDepth)
            throw new KernelException($"subgraph {subgraph}: control-flow operators nest subgraphs more than {Options.MaxSubgraphDepth} deep (InterpreterOptions.MaxSubgraphDepth)");
        _cancellation.ThrowIfCancellationRequested();
        _depth++;
        Node[] nodes = _nodes[subgraph];
        Span<byte> arena = _arena.Span;
        IInvokeProfiler? profiler = Options.Profiler;
        for (int i = 0; i < nodes.Length; i++)
        {
            Node node = nodes[i];
            _cancellation.ThrowIfCancellationRequested();
            profiler?.BeginOperator(subgraph, i, node.Operator.Code);
            if (!node.ProducesNothing) node.Kernel.Invoke(new InvokeContext(this, node, arena));
            profiler?.EndOperator(subgraph, i, node.Operator.Code);
            if (LastInvokeAborted) break;
        }
        _depth--;
    }

    /// <summary>Writes the tables kernels precomputed while preparing into their persistent buffers, once.</summary>
    private void CopyPersistentContents()
    {
        Span<byte> arena = _arena.Span;
        foreach (Node[] nodes in _nodes)
        {
            foreach (Node node in nodes)
            {
                for (int k = 0; k < node.PersistentContents.Count; k++)
                {
                    if (node.PersistentContents[k] is not { } contents) continue;
                    contents.CopyTo(arena.Slice(node.PersistentOffsets[k], contents.Length));
                    node.PersistentContents[k] = null;
                }
            }
        }
    }

    /// <summary>Sets every variable tensor back to its initial value (zero, or the zero point for int8), as TFLM does.</summary>
    public void Reset()
    {
        EnsureAllocated();
        ResetVariables();
        ResetKernels();
    }

    private void ResetVariables()
    {
        Span<byte> arena = _arena.Span;
        foreach (Tensor tensor in _variables)
        {
            byte value = tensor.Type == TensorType.Int8 ? unchecked((byte)(sbyte)tensor.ZeroPoint) : (byte)0;
            arena.Slice(tensor.ArenaOffset, tensor.ByteCount).Fill(value);
        }
        ResourceVariables.Reset(arena);
    }

    /// <summary>Lets kernels with persistent state (<see cref="IResettableKernel"/>) write their initial state.</summary>
    private void ResetKernels()
    {
        BeginDecodeEpoch();
        foreach (Node[] nodes in _nodes)
        {
            foreach (Node node in nodes)
            {
                if (node.Kernel is IResettableKernel resettable)
                    resettable.Reset(new InvokeContext(this, node, _arena.Span));
            }
        }
    }

    internal IReadOnlyList<Tensor> SubgraphInputs(int subgraph)
    {
        var result = new Tensor[Model.Subgraphs[subgraph].Inputs.Count];
        for (int i = 0; i < result.Length; i++) result[i] = _tensors[subgraph][Model.Subgraphs[subgraph].Inputs[i]];
        return result;
    }

    internal IReadOnlyList<Tensor> SubgraphOutputs(int subgraph)
    {
        var result = new Tensor[Model.Subgraphs[subgraph].Outputs.Count];
        for (int i = 0; i < result.Length; i++) result[i] = _tensors[subgraph][Model.Subgraphs[subgraph].Outputs[i]];
        return result;
    }

    internal Span<byte> TensorBytes(Tensor tensor)
    {
        EnsureAllocated();
        if (tensor.ArenaOffset < 0)
            throw new InvalidOperationException($"tensor {tensor.Index} '{tensor.Name}' has no memory: no operator uses it");
        return tensor.MemoryRegion < 0 ? _arena.Span.Slice(tensor.ArenaOffset, tensor.ByteCount) : RegionBytes(tensor);
    }

    private void EnsureAllocated()
    {
        if (!_allocated)
            throw new InvalidOperationException("call AllocateTensors() before using the interpreter's tensors or Invoke()");
    }

    /// <summary>The interpreter holds no unmanaged resources; Dispose exists so it can be used in a using block.</summary>
    public void Dispose()
    {
    }
}
