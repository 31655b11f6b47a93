using TfLiteMicro.Compression;

namespace TfLiteMicro;

/// <summary>
/// The compressed constants of a model an interpreter runs (TFLM's LUT compression metadata), as compact records: one
/// per compressed tensor (where its indices and value tables lie in the model, and their layout) and one per buffer an
/// operator reads a compressed input from (its place, once planned, and the Invoke in which it was last filled). Exists
/// only for models with compressed constants.
/// </summary>
internal sealed class CompressedConstants
{
    private readonly LutRecord[] _tensors;
    private DecompressionRecord[] _buffers = [];
    private Dictionary<int, byte[]>? _preparedValues = [];

    /// <summary>Where a compressed tensor's indices and tables lie in the model bytes, and how they are laid out.</summary>
    private readonly record struct LutRecord(int Tensor, int EncodedStart, int EncodedLength, int TablesStart, int TablesLength, LutLayout Layout);

    private CompressedConstants(LutRecord[] tensors) => _tensors = tensors;

    /// <summary>
    /// The compressed constants of <paramref name="graph"/>'s model, marked on its tensor records; null when it has none.
    /// The metadata was checked when the model loaded and is read again from its bytes.
    /// </summary>
    public static CompressedConstants? Find(InterpreterGraph graph)
    {
        Model model = graph.Model;
        ModelCompression.Entry[] entries = ModelCompression.ReadEntries(model.Metadata, model.Subgraphs.Count, model.Buffers.Count);
        if (entries.Length == 0) return null;
        var tensors = new LutRecord[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            ModelCompression.Entry entry = entries[i];
            int id = graph.TensorStart(entry.Subgraph) + entry.Tensor;
            ref TensorRecord record = ref graph.Tensors[id];
            record.Flags |= TensorFlags.Compressed;
            (int tablesStart, int tablesLength) = model.BufferRange(entry.ValueBuffer);
            tensors[i] = new LutRecord(id, record.DataStart, record.DataLength, tablesStart, tablesLength,
                ModelCompression.Layout(model, entry, checkIndices: false));
        }
        Array.Sort(tensors, (a, b) => a.Tensor.CompareTo(b.Tensor));
        return new CompressedConstants(tensors);
    }

    /// <summary>The buffers operators read their compressed inputs from, in node order (valid after <see cref="EndPreparation"/>).</summary>
    public DecompressionRecord[] Buffers => _buffers;

    /// <summary>The Invoke (or reset) under way, for <see cref="DecompressionRecord.Epoch"/>; never 0.</summary>
    public int Epoch { get; private set; }

    /// <summary>Starts a new Invoke: buffers are filled again on their next read (others may have shared their bytes since).</summary>
    public void NextEpoch()
    {
        if (++Epoch == 0) Epoch = 1; // 0 stays "never filled"
    }

    /// <summary>
    /// A compressed constant's values while kernels prepare (so that what they precompute from weights sees the values):
    /// decoded once into a temporary copy, dropped by <see cref="EndPreparation"/>.
    /// </summary>
    public ReadOnlySpan<byte> PreparedValues(InterpreterGraph graph, int tensor, string name)
    {
        if (_preparedValues is null)
            throw new InvalidOperationException($"tensor '{name}' is stored compressed; its values exist only while operators read them");
        if (!_preparedValues.TryGetValue(tensor, out byte[]? values))
        {
            values = new byte[graph.Tensors[tensor].ByteCount];
            Decode(graph.Model, Index(tensor), values, allowSimd: true);
            _preparedValues[tensor] = values;
        }
        return values;
    }

    /// <summary>Drops the prepared values and gives every node a buffer per compressed input (each distinct tensor once).</summary>
    public void EndPreparation(InterpreterGraph graph)
    {
        _preparedValues = null;
        var buffers = new List<DecompressionRecord>();
        for (int node = 0; node < graph.Nodes.Length; node++)
        {
            ReadOnlySpan<int> inputs = graph.Inputs(node);
            for (int i = 0; i < inputs.Length; i++)
            {
                int id = inputs[i];
                if (id < 0 || !graph.Tensors[id].IsCompressed || inputs.Slice(0, i).Contains(id)) continue;
                buffers.Add(new DecompressionRecord
                {
                    Node = node,
                    Tensor = id,
                    Compressed = Index(id),
                    Size = graph.Tensors[id].ByteCount,
                    Region = -1,
                    Offset = -1,
                });
            }
        }
        _buffers = [.. buffers];
    }

    /// <summary>The buffer from which <paramref name="node"/> reads compressed tensor <paramref name="tensor"/>, or -1 when it has none.</summary>
    public int FindBuffer(int node, int tensor)
    {
        // Buffers are in node order: the first of the node by binary search, then its few inputs.
        int low = 0, high = _buffers.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_buffers[middle].Node < node) low = middle + 1;
            else high = middle;
        }
        for (int k = low; k < _buffers.Length && _buffers[k].Node == node; k++)
            if (_buffers[k].Tensor == tensor) return k;
        return -1;
    }

    /// <summary>Decodes compressed tensor <paramref name="index"/> (in <see cref="Index"/>'s numbering) into <paramref name="destination"/>.</summary>
    public void Decode(Model model, int index, Span<byte> destination, bool allowSimd)
    {
        ref readonly LutRecord lut = ref _tensors[index];
        ReadOnlySpan<byte> bytes = model.Bytes.Span;
        LutDecoder.Decode(bytes.Slice(lut.EncodedStart, lut.EncodedLength), bytes.Slice(lut.TablesStart, lut.TablesLength), lut.Layout, destination, allowSimd);
    }

    private int Index(int tensor)
    {
        int low = 0, high = _tensors.Length - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            if (_tensors[middle].Tensor == tensor) return middle;
            if (_tensors[middle].Tensor < tensor) low = middle + 1;
            else high = middle - 1;
        }
        throw new InvalidOperationException($"tensor id {tensor} is not compressed");
    }
}

/// <summary>Where a node reads the decompressed values of one compressed input.</summary>
internal struct DecompressionRecord
{
    public int Node;

    /// <summary>The compressed tensor's id, and its index among the compressed tensors.</summary>
    public int Tensor, Compressed;

    public int Size;

    /// <summary>The application's decompression memory region holding the buffer, or -1 for the arena.</summary>
    public int Region;

    public int Offset;

    /// <summary>The epoch in which the buffer was last filled (<see cref="CompressedConstants.Epoch"/>); 0 for never.</summary>
    public int Epoch;

    /// <summary>The buffer's bytes are its own (in decompression memory no other buffer shares), so its values stay.</summary>
    public bool Kept;
}
