using TfLiteMicro.Kernels;

namespace TfLiteMicro;

/// <summary>
/// What the interpreter keeps of one tensor: where its bytes are (arena or model), its size, and its shape (in the
/// model, or among the shapes kernels set while preparing). 20 bytes, whatever the tensor.
/// </summary>
internal struct TensorRecord
{
    // The arena offset of a tensor that lives in the arena (-1 until placed); where a constant's bytes start in the model.
    private int _location;

    /// <summary>Size of the data in bytes, from the shape.</summary>
    public int ByteCount;

    /// <summary>
    /// Constants: how many bytes the model holds. A tensor placed in the application's decompression memory (a DECODE
    /// output): ~ the region's index, with <see cref="ArenaOffset"/> the offset there. 0 for every other tensor.
    /// </summary>
    public int DataLength;

    /// <summary>At or above zero, the byte position of the model's shape vector; below, ~index of a shape a kernel set.</summary>
    public int Shape;

    public ushort Rank;
    public TensorType Type;
    public TensorFlags Flags;

    public readonly bool IsConstant => DataLength > 0;

    /// <summary>Lives in the arena (not a constant, not in the application's decompression memory).</summary>
    public readonly bool IsInArena => DataLength == 0;

    /// <summary>The application's decompression memory region holding the tensor, or -1.</summary>
    public int MemoryRegion
    {
        readonly get => DataLength < 0 ? ~DataLength : -1;
        set => DataLength = ~value;
    }

    public bool IsVariable
    {
        readonly get => (Flags & TensorFlags.Variable) != 0;
        set => Flags = value ? Flags | TensorFlags.Variable : Flags & ~TensorFlags.Variable;
    }

    /// <summary>A constant the model stores compressed: operators read it decompressed into buffers of their own.</summary>
    public readonly bool IsCompressed => (Flags & TensorFlags.Compressed) != 0;

    /// <summary>Offset of the bytes in the arena; -1 for constants and tensors no operator uses.</summary>
    public int ArenaOffset
    {
        readonly get => IsConstant ? -1 : _location;
        set => _location = value;
    }

    /// <summary>The arena offset of a tensor known to live there (<see cref="IsInArena"/>), read without the test.</summary>
    public readonly int InArenaOffset => _location;

    /// <summary>Constants: where their bytes start in the model.</summary>
    public int DataStart
    {
        readonly get => _location;
        set => _location = value;
    }
}

/// <summary>What a tensor record says besides its place and shape; one byte.</summary>
[Flags]
internal enum TensorFlags : byte
{
    None = 0,
    Variable = 1,

    /// <summary>Stored compressed (the model's compression metadata lists it).</summary>
    Compressed = 2,

    /// <summary>Set by DECODE for its outputs: placed in the application's decompression memory when it has room.</summary>
    PrefersDecompressionMemory = 4,
}

/// <summary>
/// What the interpreter keeps of one operator: its kernel, where its tensor ids are in the node tensor table
/// (inputs, outputs, then intermediates; -1 for an omitted input), and its scratch and persistent buffers.
/// </summary>
internal struct NodeRecord
{
    public IKernel Kernel;
    public int Subgraph;

    /// <summary>The index of the operator's code in the model.</summary>
    public int OperatorCode;

    public int Tensors, InputCount, OutputCount, IntermediateCount;

    /// <summary>First entry and count of the node's buffers in the scratch and persistent buffer tables.</summary>
    public int Scratch, Persistent;
    public ushort ScratchCount, PersistentCount;

    /// <summary>Every output holds no elements (and the operator carries no state): Invoke skips it.</summary>
    public bool ProducesNothing;
}

/// <summary>A buffer a kernel asked for: its place in the arena once planned, and its size.</summary>
internal struct BufferRecord
{
    public int Offset;
    public int Size;
}
