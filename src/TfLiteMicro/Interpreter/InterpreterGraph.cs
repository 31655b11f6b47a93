using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TfLiteMicro.Kernels;

namespace TfLiteMicro;

/// <summary>
/// The interpreter's view of every subgraph, as compact records: one <see cref="TensorRecord"/> per tensor and one
/// <see cref="NodeRecord"/> per operator (with its kernel), the tensor ids of each node, the shapes kernels set while
/// preparing, and the scratch and persistent buffers they asked for. Tensors are numbered across subgraphs (the
/// tensors of subgraph s start at <see cref="TensorStart"/>(s)); so are nodes. Public <see cref="Tensor"/> objects are
/// handles over these records, made on demand.
/// </summary>
internal sealed class InterpreterGraph
{
    private readonly int[] _tensorStart;
    private readonly int[] _nodeStart;
    private int[] _dims = [];
    private int _dimsUsed;

    // Buffers kernels ask for while preparing; fixed in tables by EndPreparation.
    private List<BufferRecord>? _scratchRequests = [], _persistentRequests = [];

    /// <summary>Records for every tensor and node of <paramref name="model"/>, with a kernel from <paramref name="resolver"/> per node.</summary>
    public InterpreterGraph(Model model, OpResolver resolver)
    {
        Model = model;
        if (MemoryMarshal.TryGetArray(model.Bytes, out ArraySegment<byte> segment))
        {
            _modelArray = segment.Array;
            _modelArrayOffset = segment.Offset;
            _modelArrayLength = segment.Count;
        }
        int subgraphCount = model.Subgraphs.Count;
        _tensorStart = new int[subgraphCount + 1];
        _nodeStart = new int[subgraphCount + 1];
        for (int s = 0; s < subgraphCount; s++)
        {
            Subgraph subgraph = model.Subgraphs[s];
            _tensorStart[s + 1] = _tensorStart[s] + subgraph.Tensors.Count;
            _nodeStart[s + 1] = _nodeStart[s] + subgraph.Operators.Count;
        }

        Tensors = new TensorRecord[_tensorStart[subgraphCount]];
        for (int s = 0; s < subgraphCount; s++)
        {
            int t = 0;
            foreach (ModelTensor definition in model.Subgraphs[s].Tensors)
            {
                if (definition.IsSparse)
                    throw new KernelException($"subgraph {s}, tensor {t} '{definition.Name}': sparse tensors are not supported (TFLM does not run them either)");
                Tensors[_tensorStart[s] + t++] = Record(s, definition);
            }
        }

        Nodes = new NodeRecord[_nodeStart[subgraphCount]];
        var nodeTensors = new List<int>();
        for (int s = 0; s < subgraphCount; s++)
        {
            var producer = new int[TensorCount(s)];
            Array.Fill(producer, -1);
            foreach (ModelOperator op in model.Subgraphs[s].Operators)
            {
                OperatorCode code = op.Code;
                if (!resolver.TryGetFactory(code, out Func<IKernel> factory))
                    throw resolver.Missing(code, $"subgraph {s}, operator {op.Index}");
                int n = _nodeStart[s] + op.Index;
                ref NodeRecord node = ref Nodes[n];
                node.Kernel = factory();
                node.Subgraph = s;
                node.OperatorCode = code.Index;
                node.Tensors = nodeTensors.Count;
                node.InputCount = AddTensorIds(nodeTensors, s, op.Inputs);
                node.OutputCount = AddTensorIds(nodeTensors, s, op.Outputs);
                node.IntermediateCount = AddTensorIds(nodeTensors, s, op.Intermediates);
                ReadOnlySpan<int> ids = CollectionsMarshal.AsSpan(nodeTensors).Slice(node.Tensors);
                CheckWritable(n, ids.Slice(node.InputCount, node.OutputCount), "output");
                CheckSingleProducer(n, ids, producer);
                CheckWritable(n, ids.Slice(node.InputCount + node.OutputCount), "intermediate tensor");
            }
            CheckOrder(s, CollectionsMarshal.AsSpan(nodeTensors), producer);
        }
        NodeTensors = [.. nodeTensors];
        Compression = CompressedConstants.Find(this);
    }

    public Model Model { get; }

    // The array under Model.Bytes when it is one (the usual case), for ConstantData.
    private readonly byte[]? _modelArray;
    private readonly int _modelArrayOffset, _modelArrayLength;

    public TensorRecord[] Tensors { get; }

    public NodeRecord[] Nodes { get; }

    /// <summary>Every node's tensor ids: inputs, outputs, then intermediates, from <see cref="NodeRecord.Tensors"/> on.</summary>
    public int[] NodeTensors { get; }

    /// <summary>The model's compressed constants and the buffers operators read them from; null when it has none.</summary>
    public CompressedConstants? Compression { get; }

    /// <summary>Scratch and persistent buffers of every node, after <see cref="EndPreparation"/>.</summary>
    public BufferRecord[] Scratch { get; private set; } = [];

    public BufferRecord[] Persistent { get; private set; } = [];

    public int SubgraphCount => _tensorStart.Length - 1;

    public int TensorStart(int subgraph) => _tensorStart[subgraph];

    public int TensorCount(int subgraph) => _tensorStart[subgraph + 1] - _tensorStart[subgraph];

    public int NodeStart(int subgraph) => _nodeStart[subgraph];

    public int NodeCount(int subgraph) => _nodeStart[subgraph + 1] - _nodeStart[subgraph];

    public ReadOnlySpan<int> Inputs(int node) => NodeTensors.AsSpan(Nodes[node].Tensors, Nodes[node].InputCount);

    public ReadOnlySpan<int> Outputs(int node) => NodeTensors.AsSpan(Nodes[node].Tensors + Nodes[node].InputCount, Nodes[node].OutputCount);

    public ReadOnlySpan<int> Intermediates(int node)
        => NodeTensors.AsSpan(Nodes[node].Tensors + Nodes[node].InputCount + Nodes[node].OutputCount, Nodes[node].IntermediateCount);

    /// <summary>The subgraph tensor <paramref name="id"/> belongs to, and its index there.</summary>
    public (int Subgraph, int Index) Locate(int id)
    {
        if ((uint)id >= (uint)Tensors.Length) throw new ArgumentOutOfRangeException(nameof(id), $"tensor id {id} out of range ({Tensors.Length} tensors)");
        // The last subgraph starting at or before the id (subgraphs without tensors share their start with the next one).
        int low = 0, high = SubgraphCount - 1;
        while (low < high)
        {
            int middle = (low + high + 1) >>> 1;
            if (_tensorStart[middle] <= id) low = middle;
            else high = middle - 1;
        }
        return (low, id - _tensorStart[low]);
    }

    /// <summary>
    /// After a node has prepared: every output must have a known shape (a -1 left in the model's shape that the
    /// operator did not work out would be read as a tensor of no elements by one kernel and a bad size by another).
    /// A node whose outputs hold no elements at all is skipped by Invoke (<see cref="NodeRecord.ProducesNothing"/>).
    /// </summary>
    public void CheckOutputShapes(int node)
    {
        bool anyElements = false;
        foreach (int id in Outputs(node))
        {
            if (id < 0) continue;
            ReadOnlySpan<int> shape = Shape(id);
            int elements = 1;
            foreach (int d in shape)
            {
                if (d < 0)
                {
                    (int s, int t) = Locate(id);
                    throw new KernelException($"{Describe(node)}: output tensor {t} '{Definition(s, t).Name}' has shape [{Join(shape)}], with a dimension the operator did not work out");
                }
                elements = unchecked(elements * d);
            }
            if (elements != 0) anyElements = true;
        }
        bool stateful = false;
        foreach (int id in Inputs(node)) stateful |= id >= 0 && Tensors[id].IsVariable;
        // Loops over a tensor with no elements but one huge dimension would still spin; such a node computes nothing.
        // Control-flow and state-carrying operators run regardless, for their side effects.
        Nodes[node].ProducesNothing = !anyElements && Nodes[node].OutputCount > 0 && !stateful && Nodes[node].Kernel is not (If or While or CallOnce);
    }

    /// <summary>The model's declaration of tensor <paramref name="index"/> of <paramref name="subgraph"/>.</summary>
    public ModelTensor Definition(int subgraph, int index) => Model.Subgraphs[subgraph].Tensors[index];

    /// <summary>The operator's index in its subgraph.</summary>
    public int OperatorIndex(int node) => node - _nodeStart[Nodes[node].Subgraph];

    public ModelOperator Operator(int node) => Model.Subgraphs[Nodes[node].Subgraph].Operators[OperatorIndex(node)];

    public OperatorCode Code(int node) => Model.OperatorCodes[Nodes[node].OperatorCode];

    /// <summary>"subgraph S, operator O (CODE vV)", for messages.</summary>
    public string Describe(int node) => $"subgraph {Nodes[node].Subgraph}, operator {OperatorIndex(node)} ({Code(node)})";

    /// <summary>The ids of a subgraph's input (or output) tensors.</summary>
    public int[] SubgraphTensorIds(int subgraph, bool outputs)
    {
        Subgraph graph = Model.Subgraphs[subgraph];
        ReadOnlySpan<int> indices = outputs ? graph.Outputs : graph.Inputs;
        var ids = new int[indices.Length];
        for (int i = 0; i < ids.Length; i++) ids[i] = _tensorStart[subgraph] + indices[i];
        return ids;
    }

    /// <summary>The current shape of tensor <paramref name="tensor"/>.</summary>
    public ReadOnlySpan<int> Shape(int tensor)
    {
        ref TensorRecord record = ref Tensors[tensor];
        return record.Shape >= 0
            ? MemoryMarshal.Cast<byte, int>(Model.Bytes.Span.Slice(record.Shape, 4 * record.Rank))
            : _dims.AsSpan(~record.Shape, record.Rank);
    }

    /// <summary>Gives a tensor a new shape (a kernel refining its output while preparing) and the byte count that follows.</summary>
    public void SetShape(int tensor, ReadOnlySpan<int> shape)
    {
        ref TensorRecord record = ref Tensors[tensor];
        if (shape.Length > ushort.MaxValue) throw new KernelException($"a shape of {shape.Length} dimensions is more than any tensor has");
        long byteCount = ByteCount(record.Type, shape);
        if (byteCount > int.MaxValue) throw new KernelException($"{TensorTypes.GetName(record.Type)}[{string.Join(",", shape.ToArray())}] needs {byteCount} bytes, more than a tensor can hold");
        // A shape set before with the same rank is overwritten in place; otherwise the new one goes at the end.
        if (record.Shape >= 0 || record.Rank != shape.Length)
        {
            if (_dimsUsed + shape.Length > _dims.Length)
                Array.Resize(ref _dims, Math.Max(_dims.Length * 2, _dimsUsed + shape.Length));
            record.Shape = ~_dimsUsed;
            _dimsUsed += shape.Length;
        }
        shape.CopyTo(_dims.AsSpan(~record.Shape));
        record.Rank = (ushort)shape.Length;
        record.ByteCount = (int)byteCount;
    }

    /// <summary>The bytes of a constant tensor, in the model.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> ConstantData(int tensor)
    {
        ref TensorRecord record = ref Tensors[tensor];
        // Kernels read their weights on every Invoke: an array-backed model skips ReadOnlyMemory's type tests.
        return _modelArray is { } array
            ? new ReadOnlySpan<byte>(array, _modelArrayOffset, _modelArrayLength).Slice(record.DataStart, record.DataLength)
            : ModelBytes(record.DataStart, record.DataLength);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ReadOnlySpan<byte> ModelBytes(int start, int length) => Model.Bytes.Span.Slice(start, length);

    /// <summary>Records a scratch buffer for <paramref name="node"/> while it prepares; returns its handle (index among the node's).</summary>
    public int AddScratch(int node, int bytes) => Add(ref Nodes[node].Scratch, ref Nodes[node].ScratchCount, _scratchRequests, bytes);

    /// <summary>Records a persistent buffer for <paramref name="node"/> while it prepares; returns its handle.</summary>
    public int AddPersistent(int node, int bytes) => Add(ref Nodes[node].Persistent, ref Nodes[node].PersistentCount, _persistentRequests, bytes);

    /// <summary>The global index of persistent buffer <paramref name="handle"/> of <paramref name="node"/>.</summary>
    public int PersistentIndex(int node, int handle) => Nodes[node].Persistent + handle;

    /// <summary>
    /// Ends the kernels' requests: the buffer tables are fixed (decompression buffers included) and the shapes table trimmed.
    /// </summary>
    public void EndPreparation()
    {
        Scratch = [.. _scratchRequests ?? []];
        Persistent = [.. _persistentRequests ?? []];
        _scratchRequests = _persistentRequests = null;
        Array.Resize(ref _dims, _dimsUsed);
        Compression?.EndPreparation(this);
    }

    /// <summary>
    /// The bytes a tensor of <paramref name="type"/> and <paramref name="shape"/> holds, in 64 bits (saturating at
    /// long.MaxValue); 0 for a shape with a zero or unknown dimension and for types with no fixed size.
    /// </summary>
    public static long ByteCount(TensorType type, ReadOnlySpan<int> shape)
    {
        long elements = 1;
        foreach (int d in shape)
        {
            if (d <= 0) return 0;
            elements = elements > long.MaxValue / 16 / d ? long.MaxValue / 16 : elements * d;
        }
        long bytes = TensorTypes.ByteCount(type, elements);
        return bytes < 0 ? 0 : bytes;
    }

    private TensorRecord Record(int subgraph, ModelTensor definition)
    {
        FlatVector shape = definition.ShapeVector;
        TensorType type = definition.Type;
        long bytes = ByteCount(type, Model.Int32s(shape));
        if (bytes > int.MaxValue)
            throw new InvalidModelException($"subgraph {subgraph}, tensor {definition.Index} '{definition.Name}': {TensorTypes.GetName(type)}[{string.Join(",", Model.Int32s(shape).ToArray())}] needs {bytes} bytes, more than a tensor can hold");
        (int dataStart, int dataLength) = Model.BufferRange(definition.BufferIndex);
        var record = new TensorRecord
        {
            ByteCount = (int)bytes,
            DataLength = dataLength,
            Shape = shape.Start,
            Rank = (ushort)shape.Length,
            Type = type,
            IsVariable = definition.IsVariable,
        };
        if (record.IsConstant) record.DataStart = dataStart;
        else record.ArenaOffset = -1;
        return record;
    }

    /// <summary>Operators write their outputs and intermediates into the arena: a constant of the model has no place there.</summary>
    private void CheckWritable(int node, ReadOnlySpan<int> ids, string what)
    {
        for (int i = 0; i < ids.Length; i++)
        {
            if (ids[i] >= 0 && Tensors[ids[i]].IsConstant)
                throw new KernelException($"{Describe(node)}: {what} {i} ({DescribeTensor(ids[i])}) is a constant of the model and cannot be written");
        }
    }

    /// <summary>
    /// Each tensor is written by one operator, which does not also read it: kernels size their loops from their
    /// tensors' shapes in Prepare, and a second writer (or an operator reshaping its own input) would change a shape
    /// another kernel has already sized its loops by. <paramref name="ids"/> are the node's inputs, outputs and intermediates.
    /// </summary>
    private void CheckSingleProducer(int node, ReadOnlySpan<int> ids, int[] producer)
    {
        ref NodeRecord record = ref Nodes[node];
        ReadOnlySpan<int> outputs = ids.Slice(record.InputCount, record.OutputCount);
        int start = _tensorStart[record.Subgraph];
        for (int i = 0; i < outputs.Length; i++)
        {
            int id = outputs[i];
            if (id < 0) continue;
            if (producer[id - start] >= 0)
                throw new KernelException($"{Describe(node)}: output {i} ({DescribeTensor(id)}) is already written by operator {producer[id - start]}");
            producer[id - start] = OperatorIndex(node);
            if (ids.Slice(0, record.InputCount).Contains(id) || ids.Slice(record.InputCount + record.OutputCount).Contains(id))
                throw new KernelException($"{Describe(node)}: output {i} ({DescribeTensor(id)}) is also one of its own inputs");
        }
    }

    /// <summary>
    /// Operators run (and prepare) in the model's order, so each one's inputs must be written by an earlier operator
    /// or by none (inputs of the subgraph, constants, variables); a -1 in a shape is something only the operator
    /// writing the tensor can work out, so a tensor no operator writes must not have one.
    /// </summary>
    private void CheckOrder(int subgraph, ReadOnlySpan<int> nodeTensors, int[] producer)
    {
        int start = _tensorStart[subgraph];
        for (int node = _nodeStart[subgraph]; node < _nodeStart[subgraph + 1]; node++)
        {
            ReadOnlySpan<int> inputs = nodeTensors.Slice(Nodes[node].Tensors, Nodes[node].InputCount);
            for (int i = 0; i < inputs.Length; i++)
            {
                if (inputs[i] >= 0 && producer[inputs[i] - start] > OperatorIndex(node))
                    throw new KernelException($"{Describe(node)}: input {i} ({DescribeTensor(inputs[i])}) is written by operator {producer[inputs[i] - start]}, which runs later");
            }
        }
        for (int t = 0; t < producer.Length; t++)
        {
            if (producer[t] >= 0) continue;
            ReadOnlySpan<int> shape = Shape(start + t);
            foreach (int d in shape)
            {
                if (d < 0)
                    throw new KernelException($"subgraph {subgraph}, tensor {t} '{Definition(subgraph, t).Name}' has shape [{Join(shape)}], with an unknown dimension no operator works out");
            }
        }
    }

    /// <summary>"tensor T 'name'", for messages.</summary>
    private string DescribeTensor(int id)
    {
        (int subgraph, int index) = Locate(id);
        return $"tensor {index} '{Definition(subgraph, index).Name}'";
    }

    private static string Join(ReadOnlySpan<int> values) => string.Join(",", values.ToArray());

    private int AddTensorIds(List<int> ids, int subgraph, ReadOnlySpan<int> indices)
    {
        foreach (int t in indices) ids.Add(t < 0 ? -1 : _tensorStart[subgraph] + t);
        return indices.Length;
    }

    private static int Add(ref int first, ref ushort count, List<BufferRecord>? requests, int bytes)
    {
        if (requests is null) throw new InvalidOperationException("buffers can only be asked for while the kernel prepares");
        if (count == 0) first = requests.Count;
        else if (first + count != requests.Count) throw new InvalidOperationException("a kernel asked for buffers while another node was preparing");
        if (count == ushort.MaxValue) throw new KernelException($"a kernel asked for more than {ushort.MaxValue} buffers");
        requests.Add(new BufferRecord { Offset = -1, Size = bytes });
        return count++;
    }
}
