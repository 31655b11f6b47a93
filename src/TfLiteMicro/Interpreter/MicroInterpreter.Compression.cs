using TfLiteMicro.Compression;
using TfLiteMicro.Memory;

namespace TfLiteMicro;

/// <summary>
/// Compressed constants (TFLM's LUT compression metadata), in one place for every operator: while kernels prepare, a
/// compressed constant reads as its decompressed values (a temporary copy dropped when preparing ends); each node
/// reading one gets a buffer of its own, planned like a scratch buffer (or placed in the application's decompression
/// memory), which the first read in each Invoke fills (only the first read ever, for a buffer in decompression memory whose
/// bytes no other buffer shares). Kernels therefore read compressed weights through the same
/// <see cref="Kernels.InvokeContext.Input{T}"/> as plain ones, and their fast paths that precompute from constant weights
/// see the same values.
/// </summary>
public sealed partial class MicroInterpreter
{
    private CompressedTensor[] _compressed = [];
    private bool _preparing;
    private Dictionary<int, byte[]>? _preparedValues;
    private DecompressionMemoryPlan? _decompressionPlan;
    private int _decodeEpoch;
    private IDecompressionProfiler? _decompressionProfiler;

    /// <summary>Bytes of the application's decompression memory in use after <see cref="AllocateTensors"/>.</summary>
    public long DecompressionMemoryUsedBytes => _decompressionPlan?.PlacedBytes ?? 0;

    /// <summary>The model's compressed constants are marked on the interpreter's tensors (the model was checked when it loaded).</summary>
    private void FindCompressedTensors()
    {
        _compressed = ModelCompression.Read(Model, checkIndices: false);
        for (int i = 0; i < _compressed.Length; i++)
            _tensors[_compressed[i].Subgraph][_compressed[i].Tensor].CompressionSlot = i;
    }

    private void BeginPrepare() => _preparing = true;

    private void EndPrepare()
    {
        _preparing = false;
        _preparedValues = null;
    }

    /// <summary>A constant's bytes: the model's, or for a compressed constant while kernels prepare, its decompressed values.</summary>
    internal ReadOnlySpan<byte> ConstantBytes(Tensor tensor)
    {
        int slot = tensor.CompressionSlot;
        if (slot < 0) return tensor.Definition.Data.Span;
        if (!_preparing)
            throw new InvalidOperationException(
                $"tensor {tensor.Index} '{tensor.Name}' is stored compressed; its values exist only while operators read them");
        _preparedValues ??= [];
        if (!_preparedValues.TryGetValue(slot, out byte[]? values))
        {
            values = new byte[_compressed[slot].DecodedBytes];
            _compressed[slot].DecodeInto(values);
            _preparedValues[slot] = values;
        }
        return values;
    }

    private void StartDecompressionPlan()
        => _decompressionPlan = Options.DecompressionMemory is { Count: > 0 } regions ? new DecompressionMemoryPlan(regions) : null;

    /// <summary>Places a DECODE output in the application's decompression memory when it fits there.</summary>
    private bool TryPlaceInDecompressionMemory(Tensor tensor, int firstUse, int lastUse)
    {
        if (!tensor.PrefersDecompressionMemory || _decompressionPlan is null) return false;
        return _decompressionPlan.TryPlace(tensor.ByteCount, firstUse, lastUse, (region, offset, _) =>
        {
            tensor.MemoryRegion = region;
            tensor.ArenaOffset = offset;
        });
    }

    /// <summary>
    /// Gives <paramref name="node"/> a buffer for each compressed input: in decompression memory where it fits, otherwise
    /// in the arena; yields the arena ones (size, planner handle, how to set the offset) for the caller's plan.
    /// </summary>
    private IEnumerable<(int Size, int Handle, Action<int> Assign)> PlanDecompressionBuffers(Node node, GreedyMemoryPlanner planner,
        int firstUse, int lastUse)
    {
        var buffers = new List<DecompressionBuffer>();
        for (int i = 0; i < node.Inputs.Length; i++)
            if (node.Inputs[i] is { CompressionSlot: >= 0 } input)
                buffers.Add(new DecompressionBuffer { Input = i, Slot = input.CompressionSlot, Size = input.ByteCount, Region = -1 });
        if (buffers.Count == 0) yield break;

        DecompressionBuffer[] array = [.. buffers];
        node.Decompressions = array;
        for (int k = 0; k < array.Length; k++)
        {
            int slot = k;
            if (_decompressionPlan is not null && _decompressionPlan.TryPlace(array[k].Size, firstUse, lastUse, (region, offset, exclusive) =>
                {
                    array[slot].Region = region;
                    array[slot].Offset = offset;
                    array[slot].Kept = exclusive;
                }, constantData: true))
                continue;
            yield return (array[k].Size, planner.AddBuffer(array[k].Size, firstUse, lastUse), offset => array[slot].Offset = offset);
        }
    }

    private void FinishDecompressionPlan() => _decompressionPlan?.Finish();

    /// <summary>The bytes of a tensor placed in the application's decompression memory.</summary>
    internal Span<byte> RegionBytes(Tensor tensor)
        => Options.DecompressionMemory![tensor.MemoryRegion].Span.Slice(tensor.ArenaOffset, tensor.ByteCount);

    /// <summary>
    /// Starts a new Invoke (or reset) for decompression: buffers filled before are filled again on their next read, since
    /// other buffers planned over the same bytes may have been written since.
    /// </summary>
    private void BeginDecodeEpoch()
    {
        if (++_decodeEpoch == 0) _decodeEpoch = 1; // 0 stays "never filled"
        _decompressionProfiler = Options.Profiler as IDecompressionProfiler;
    }

    /// <summary>Input <paramref name="input"/> of <paramref name="node"/>, a compressed constant, decompressed into the node's buffer.</summary>
    internal ReadOnlySpan<byte> Decompressed(Node node, int input, Span<byte> arena)
    {
        DecompressionBuffer[] buffers = node.Decompressions!;
        int k = 0;
        while (buffers[k].Input != input) k++;
        ref DecompressionBuffer buffer = ref buffers[k];
        Span<byte> target = buffer.Region < 0
            ? arena.Slice(buffer.Offset, buffer.Size)
            : Options.DecompressionMemory![buffer.Region].Span.Slice(buffer.Offset, buffer.Size);
        // A buffer with bytes of its own keeps its values: decompressed once, on the first read.
        if (buffer.Epoch != _decodeEpoch && !(buffer.Kept && buffer.Epoch != 0))
        {
            int tensor = _compressed[buffer.Slot].Tensor;
            _decompressionProfiler?.BeginDecompression(node.Subgraph, node.Operator.Index, tensor);
            _compressed[buffer.Slot].DecodeInto(target, !Options.UseReferenceKernels);
            _decompressionProfiler?.EndDecompression(node.Subgraph, node.Operator.Index, tensor);
            buffer.Epoch = _decodeEpoch;
        }
        return target;
    }
}
