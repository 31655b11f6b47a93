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

    /// <summary>Constants: how many bytes the model holds (0 for every other tensor).</summary>
    public int DataLength;

    /// <summary>At or above zero, the byte position of the model's shape vector; below, ~index of a shape a kernel set.</summary>
    public int Shape;

    public ushort Rank;
    public TensorType Type;
    public bool IsVariable;

    public readonly bool IsConstant => DataLength > 0;

    /// <summary>Offset of the bytes in the arena; -1 for constants and tensors no operator uses.</summary>
    public int ArenaOffset
    {
        readonly get => IsConstant ? -1 : _location;
        set => _location = value;
    }

    /// <summary>Constants: where their bytes start in the model.</summary>
    public int DataStart
    {
        readonly get => _location;
        set => _location = value;
    }
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
