using System.Runtime.CompilerServices;
using TfLiteMicro.Kernels;
using TfLiteMicro.Memory;

namespace TfLiteMicro;

/// <summary>
/// Runs a <see cref="Model"/> inside one caller-owned arena. <see cref="AllocateTensors"/> does all the work
/// that can be done once (finding kernels, preparing them, planning memory); <see cref="Invoke()"/> then only
/// walks the prepared operators and allocates nothing.
/// </summary>
/// <remarks>
/// AllocateTensors runs the parts in order: the graph (a compact record per tensor and per operator, with its kernel),
/// the kernels' Prepare, the tensor lifetimes, the application's decompression memory (DECODE outputs and decompressed
/// constants, when given), the planned region (a planner lays out activations, scratch and decompression buffers) and
/// the persistent layout (variables, kernel tables, resource variables) after it.
/// </remarks>
public sealed partial class MicroInterpreter : IDisposable
{
    private readonly OpResolver _resolver;
    private readonly Memory<byte> _arena;
    private InterpreterGraph? _graph;
    private ResourceVariableStore? _resources;
    private List<(int Buffer, byte[] Contents)>? _persistentContents;
    private int[]? _sharedBuffers;
    private Tensor?[]? _inputs, _outputs;
    private bool _allocated;
    private WorkerPoolLease? _workers;
    private bool _disposed;
    private int _threadsAskedFor;

    /// <summary>Creates an interpreter for <paramref name="model"/> over <paramref name="arena"/>; call <see cref="AllocateTensors"/> next.</summary>
    public MicroInterpreter(Model model, OpResolver resolver, Memory<byte> arena, InterpreterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(resolver);
        Model = model;
        _resolver = resolver;
        _arena = arena;
        Options = options ?? new InterpreterOptions();
        if (Options.Threads < 1)
            throw new ArgumentOutOfRangeException(nameof(options), Options.Threads, "InterpreterOptions.Threads must be at least 1");
    }

    /// <summary>Creates an interpreter for <paramref name="model"/> over an array arena; call <see cref="AllocateTensors"/> next.</summary>
    public MicroInterpreter(Model model, OpResolver resolver, byte[] arena, InterpreterOptions? options = null)
        : this(model, resolver, new Memory<byte>(arena ?? throw new ArgumentNullException(nameof(arena))), options)
    {
    }

    /// <summary>The model this interpreter runs.</summary>
    public Model Model { get; }

    /// <summary>The options given at creation.</summary>
    public InterpreterOptions Options { get; }

    /// <summary>Arena bytes used; valid after <see cref="AllocateTensors"/>.</summary>
    public int ArenaUsedBytes => ArenaUsage.TotalBytes;

    /// <summary>The breakdown of <see cref="ArenaUsedBytes"/>.</summary>
    public ArenaUsage ArenaUsage { get; private set; } = new(0, 0, 0, 0, 0);

    /// <summary>Every arena buffer with its lifetime and offset (for <c>tflm plan</c>); worked out on each call.</summary>
    public IReadOnlyList<MemoryPlanEntry> MemoryPlan
    {
        get
        {
            if (!_allocated) return [];
            var plan = new List<MemoryPlanEntry>();
            PlannedRegion.Describe(Graph, plan, _sharedBuffers);
            PersistentLayout.Describe(Graph, _resources, plan, Math.Max(1, Graph.NodeCount(0)) - 1);
            return plan;
        }
    }

    /// <summary>How the planned region came out: the lower bound, TFLM's greedy plan and the plan in use; valid after <see cref="AllocateTensors"/>.</summary>
    public MemoryPlanSummary? MemoryPlanSummary { get; private set; }

    /// <summary>
    /// Arena offsets for TFLM's <c>OfflineMemoryAllocation</c> metadata (one per tensor, -1 where TFLM plans the tensor
    /// itself), worked out on each call with the <see cref="MemoryPlannerKind.Compact"/> search over the tensors alone.
    /// Tensors share bytes only through RESHAPE, whose TFLM kernel skips the copy when its output is its input; TFLM places
    /// its own scratch buffers around them. TFLM reads the offsets of every subgraph from the start of the list, so only
    /// single-subgraph models have a plan it can use.
    /// </summary>
    /// <exception cref="NotSupportedException">The model has more than one subgraph.</exception>
    public int[] CreateOfflinePlan()
    {
        EnsureAllocated();
        if (Graph.SubgraphCount != 1)
            throw new NotSupportedException($"the model has {Graph.SubgraphCount} subgraphs: TFLM reads every subgraph's offline offsets from the start of the list, so only single-subgraph models can carry one");
        return PlannedRegion.PlanForTflm(Graph, Options);
    }

    /// <summary>Number of inputs of the main subgraph.</summary>
    public int InputCount => Model.Subgraphs[0].Inputs.Length;

    /// <summary>Number of outputs of the main subgraph.</summary>
    public int OutputCount => Model.Subgraphs[0].Outputs.Length;

    /// <summary>The records of every tensor and node; exists once <see cref="AllocateTensors"/> has started.</summary>
    internal InterpreterGraph Graph => _graph ?? NotAllocated();

    // Thrown out of line: a getter holding a throw is not inlined, and every InvokeContext accessor reads the graph.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static InterpreterGraph NotAllocated() => throw new InvalidOperationException("call AllocateTensors() first");

    /// <summary>The resource variables (VAR_HANDLE) of the model, in the arena's persistent region; made when first used.</summary>
    internal ResourceVariableStore ResourceVariables => _resources ??= new ResourceVariableStore();

    /// <summary>Input <paramref name="index"/> of the main subgraph (the handle is made on the first call and kept).</summary>
    public Tensor Input(int index)
    {
        EnsureAllocated();
        if ((uint)index >= (uint)InputCount)
            throw new ArgumentOutOfRangeException(nameof(index), $"the model has {InputCount} inputs");
        _inputs ??= new Tensor?[InputCount];
        return _inputs[index] ??= new Tensor(this, 0, Model.Subgraphs[0].Inputs[index]);
    }

    /// <summary>Output <paramref name="index"/> of the main subgraph (the handle is made on the first call and kept).</summary>
    public Tensor Output(int index)
    {
        EnsureAllocated();
        if ((uint)index >= (uint)OutputCount)
            throw new ArgumentOutOfRangeException(nameof(index), $"the model has {OutputCount} outputs");
        _outputs ??= new Tensor?[OutputCount];
        return _outputs[index] ??= new Tensor(this, 0, Model.Subgraphs[0].Outputs[index]);
    }

    /// <summary>Any tensor of any subgraph (a new handle on each call).</summary>
    public Tensor GetTensor(int index, int subgraph = 0)
    {
        EnsureAllocated();
        if ((uint)subgraph >= (uint)Graph.SubgraphCount)
            throw new ArgumentOutOfRangeException(nameof(subgraph), $"the model has {Graph.SubgraphCount} subgraphs");
        if ((uint)index >= (uint)Graph.TensorCount(subgraph))
            throw new ArgumentOutOfRangeException(nameof(index), $"subgraph {subgraph} has {Graph.TensorCount(subgraph)} tensors");
        return new Tensor(this, subgraph, index);
    }

    /// <summary>
    /// Threads the last <see cref="AllocateTensors"/> set up for splitting layers: <see cref="InterpreterOptions.Threads"/>
    /// when some layer is split, else 1 (the layers all too small, or the reference kernels).
    /// </summary>
    public int ThreadsInUse => _workers?.Pool.Threads ?? 1;

    /// <summary>Finds kernels for every operator, prepares them and plans the arena. Call once before <see cref="Invoke()"/>.</summary>
    public void AllocateTensors()
    {
        ThrowIfDisposed();
        if (_allocated) return;
        _threadsAskedFor = 1;
        _resources = null;
        _inputs = _outputs = null;
        _persistentContents = [];
        InterpreterGraph graph = _graph = new InterpreterGraph(Model, _resolver);
        for (int node = 0; node < graph.Nodes.Length; node++)
        {
            try
            {
                graph.Nodes[node].Kernel.Prepare(new PrepareContext(this, node));
            }
            catch (KernelException e) when (e.IsUnplaced)
            {
                throw new KernelException($"{graph.Describe(node)}: {e.Message}", e);
            }
            graph.CheckOutputShapes(node);
        }
        graph.EndPreparation();

        PlaceInDecompressionMemory(graph);
        int plannedBytes = PlannedRegion.Place(graph, OfflineMemoryPlan.Read(Model), Options, out int scratchRequested,
            out MemoryPlanSummary summary, out _sharedBuffers);
        MemoryPlanSummary = summary;
        long end = PersistentLayout.Place(graph, _resources, plannedBytes, _arena.Length);
        if (end > _arena.Length)
            throw new ArenaTooSmallException(end, _arena.Length);
        ArenaUsage = new ArenaUsage(plannedBytes, scratchRequested, (int)end - plannedBytes, (int)end, _arena.Length);

        CopyPersistentContents();
        if (_threadsAskedFor > 1 && _workers is null) _workers = new WorkerPoolLease(new WorkerPool(_threadsAskedFor));
        _allocated = true;
        ResetVariables();
        ResetKernels();
    }

    /// <summary>
    /// Parts a kernel preparing now may split its work into (<see cref="InterpreterOptions.Threads"/>, or 1 with the
    /// reference kernels); a kernel that will split calls <see cref="UseThreads"/>.
    /// </summary>
    internal int ThreadsAvailable => Options.UseReferenceKernels ? 1 : Options.Threads;

    /// <summary>Starts the worker threads in this AllocateTensors: some kernel will split its work into <paramref name="parts"/>.</summary>
    internal void UseThreads(int parts) => _threadsAskedFor = Math.Max(_threadsAskedFor, Math.Min(parts, ThreadsAvailable));

    /// <summary>Runs the parts of <paramref name="node"/>'s work on the worker threads and this one (see <see cref="WorkerPool.Run"/>).</summary>
    internal void RunParts(int node, IPartitionedKernel kernel, int parts, Span<byte> arena)
    {
        if (parts <= 1 || _workers is null)
        {
            for (int part = 0; part < parts; part++) kernel.InvokePart(new InvokeContext(this, node, arena), part, parts);
            return;
        }
        _workers.Pool.Run(this, node, kernel, parts, arena);
    }

    /// <summary>The arena, for worker threads (which cannot share the calling thread's span).</summary>
    internal Span<byte> ArenaSpan => _arena.Span;

    /// <summary>The worker threads' pool, when this interpreter has one (tests).</summary>
    internal WorkerPool? Workers => _workers?.Pool;

    /// <summary>Keeps a table a kernel computed while preparing until its persistent buffer has a place in the arena.</summary>
    internal void KeepPersistentContents(int buffer, byte[] contents)
    {
        if (_persistentContents is null) throw new InvalidOperationException("persistent tables can only be given while the kernel prepares");
        _persistentContents.Add((buffer, contents));
    }

    /// <summary>Writes the tables kernels precomputed while preparing into their persistent buffers, once, and drops them.</summary>
    private void CopyPersistentContents()
    {
        Span<byte> arena = _arena.Span;
        foreach ((int buffer, byte[] contents) in _persistentContents ?? [])
            contents.CopyTo(arena.Slice(Graph.Persistent[buffer].Offset, contents.Length));
        _persistentContents = null;
    }

    /// <summary>Runs the main subgraph once. No managed memory is allocated.</summary>
    public void Invoke()
    {
        EnsureAllocated();
        LastInvokeAborted = false;
        _depth = 0;
        _cancellation = default;
        BeginDecodeEpoch();
        InvokeMain();
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
            InvokeMain();
        }
        finally
        {
            _cancellation = default;
        }
    }

    /// <summary>Runs the main subgraph, with the worker threads (if any) spinning between its split layers meanwhile.</summary>
    private void InvokeMain()
    {
        if (_workers is null)
        {
            InvokeSubgraph(0);
            return;
        }
        WorkerPool pool = _workers.Pool;
        pool.BeginInvoke();
        try
        {
            InvokeSubgraph(0);
        }
        finally
        {
            pool.EndInvoke();
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
        InterpreterGraph graph = Graph;
        if ((uint)subgraph >= (uint)graph.SubgraphCount) throw NoSuchSubgraph(graph, subgraph);
        // Control-flow operators run their subgraphs through this method: the nesting is bounded here, so a
        // chain of subgraphs in a model ends with an error instead of overflowing the thread's stack.
        if (_depth >= Options.MaxSubgraphDepth) throw NestedTooDeep(subgraph);
        _cancellation.ThrowIfCancellationRequested();
        _depth++;
        int first = graph.NodeStart(subgraph), end = first + graph.NodeCount(subgraph);
        if (Options.Profiler is null && !_cancellation.CanBeCanceled) RunNodes(graph, first, end);
        else RunNodesObserved(graph, subgraph, first, end);
        _depth--;
    }

    /// <summary>Nodes [first, end) with nothing to tell and nothing to check between them: the loop of every plain Invoke.</summary>
    private void RunNodes(InterpreterGraph graph, int first, int end)
    {
        NodeRecord[] nodes = graph.Nodes;
        Span<byte> arena = _arena.Span;
        for (int node = first; node < end; node++)
        {
            ref NodeRecord record = ref nodes[node];
            if (!record.ProducesNothing) record.Kernel.Invoke(new InvokeContext(this, graph, node, record, arena));
            if (LastInvokeAborted) break;
        }
    }

    /// <summary>Nodes [first, end) with the profiler told of each and the cancellation token checked before each.</summary>
    private void RunNodesObserved(InterpreterGraph graph, int subgraph, int first, int end)
    {
        NodeRecord[] nodes = graph.Nodes;
        Span<byte> arena = _arena.Span;
        IInvokeProfiler? profiler = Options.Profiler;
        for (int node = first; node < end; node++)
        {
            ref NodeRecord record = ref nodes[node];
            _cancellation.ThrowIfCancellationRequested();
            profiler?.BeginOperator(subgraph, node - first, graph.Code(node));
            if (!record.ProducesNothing) record.Kernel.Invoke(new InvokeContext(this, graph, node, record, arena));
            profiler?.EndOperator(subgraph, node - first, graph.Code(node));
            if (LastInvokeAborted) break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static KernelException NoSuchSubgraph(InterpreterGraph graph, int subgraph)
        => new($"subgraph {subgraph} does not exist ({graph.SubgraphCount} subgraphs)");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private KernelException NestedTooDeep(int subgraph)
        => new($"subgraph {subgraph}: control-flow operators nest subgraphs more than {Options.MaxSubgraphDepth} deep (InterpreterOptions.MaxSubgraphDepth)");

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
        InterpreterGraph graph = Graph;
        for (int s = 0; s < graph.SubgraphCount; s++)
        {
            for (int t = 0; t < graph.TensorCount(s); t++)
            {
                ref TensorRecord tensor = ref graph.Tensors[graph.TensorStart(s) + t];
                if (!tensor.IsVariable || tensor.IsConstant) continue;
                byte value = tensor.Type == TensorType.Int8 ? unchecked((byte)(sbyte)graph.Definition(s, t).Quantization.ZeroPoint) : (byte)0;
                arena.Slice(tensor.ArenaOffset, tensor.ByteCount).Fill(value);
            }
        }
        _resources?.Reset(arena);
    }

    /// <summary>Lets kernels with persistent state (<see cref="IResettableKernel"/>) write their initial state.</summary>
    private void ResetKernels()
    {
        BeginDecodeEpoch();
        for (int node = 0; node < Graph.Nodes.Length; node++)
        {
            if (Graph.Nodes[node].Kernel is IResettableKernel resettable)
                resettable.Reset(new InvokeContext(this, node, _arena.Span));
        }
    }

    /// <summary>A handle of the tensor with id <paramref name="id"/> (a number across subgraphs).</summary>
    internal Tensor TensorAt(int id)
    {
        (int subgraph, int index) = Graph.Locate(id);
        return new Tensor(this, subgraph, index);
    }

    internal Span<byte> TensorBytes(Tensor tensor)
    {
        EnsureAllocated();
        if (tensor.ArenaOffset < 0)
            throw new InvalidOperationException($"tensor {tensor.Index} '{tensor.Name}' has no memory: no operator uses it");
        return Graph.Tensors[tensor.Id].IsInArena ? _arena.Span.Slice(tensor.ArenaOffset, tensor.ByteCount) : RegionBytes(tensor.Id);
    }

    private void ThrowIfDisposed()
    {
        if (_disposed) throw new ObjectDisposedException(nameof(MicroInterpreter), "the interpreter was disposed");
    }

    private void EnsureAllocated()
    {
        ThrowIfDisposed();
        if (!_allocated)
            throw new InvalidOperationException("call AllocateTensors() before using the interpreter's tensors or Invoke()");
    }

    /// <summary>
    /// Ends the worker threads of <see cref="InterpreterOptions.Threads"/> (waiting for them), if any were started; the
    /// interpreter cannot be used afterwards. It holds no other resources: with one thread, Dispose only marks it disposed.
    /// </summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_workers is { } workers)
        {
            GC.SuppressFinalize(workers);
            workers.Pool.Dispose();
        }
    }
}
