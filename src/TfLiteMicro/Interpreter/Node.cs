using TfLiteMicro.Kernels;

namespace TfLiteMicro;

/// <summary>One operator of a subgraph as the interpreter runs it: its kernel and its prepared buffers.</summary>
internal sealed class Node
{
    public Node(int subgraph, ModelOperator op, IKernel kernel, Tensor?[] inputs, Tensor?[] outputs, Tensor?[] intermediates)
    {
        Subgraph = subgraph;
        Operator = op;
        Kernel = kernel;
        Inputs = inputs;
        Outputs = outputs;
        Intermediates = intermediates;
    }

    public int Subgraph { get; }
    public ModelOperator Operator { get; }
    public IKernel Kernel { get; }
    public Tensor?[] Inputs { get; }
    public Tensor?[] Outputs { get; }
    public Tensor?[] Intermediates { get; }

    /// <summary>Sizes of the scratch buffers the kernel asked for, then (after planning) their arena offsets.</summary>
    public List<int> ScratchSizes { get; } = [];
    public int[] ScratchOffsets { get; set; } = [];

    /// <summary>Persistent buffers the kernel asked for: sizes, then arena offsets.</summary>
    public List<int> PersistentSizes { get; } = [];
    public int[] PersistentOffsets { get; set; } = [];

    /// <summary>
    /// What each persistent buffer holds at the start (precomputed tables), or null for buffers the kernel fills itself.
    /// Copied into the arena once it is planned, then dropped, so the data lives only in the arena.
    /// </summary>
    public List<byte[]?> PersistentContents { get; } = [];

    /// <summary>
    /// One buffer per input that is a compressed constant, decompressed on the first read in each Invoke; null when the
    /// node reads no compressed constant.
    /// </summary>
    public DecompressionBuffer[]? Decompressions { get; set; }

    /// <summary>Every output holds no elements (and the operator carries no state): Invoke skips it.</summary>
    public bool ProducesNothing { get; set; }

    public string Describe() => $"subgraph {Subgraph}, operator {Operator.Index} ({Operator.Code})";
}

/// <summary>Where a node reads the decompressed values of one compressed input.</summary>
internal struct DecompressionBuffer
{
    public int Input;
    public int Slot;
    public int Size;

    /// <summary>The decompression memory region holding it, or -1 for the arena.</summary>
    public int Region;

    public int Offset;

    /// <summary>The decode epoch in which the buffer was last filled (see MicroInterpreter.Decompressed); 0 for never.</summary>
    public int Epoch;

    /// <summary>The buffer's bytes are its own (in decompression memory no other buffer shares), so its values stay.</summary>
    public bool Kept;
}
