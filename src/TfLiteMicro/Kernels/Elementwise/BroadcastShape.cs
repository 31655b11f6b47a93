namespace TfLiteMicro.Kernels;

/// <summary>
/// How up to three input shapes broadcast to an output shape, worked out once in Prepare and kept in a few ints: the
/// output's dimensions padded on the left to <see cref="MaxRank"/>, and for each input one bit per dimension saying
/// whether it varies there (its size equals the output's) or repeats (size 1). Element strides follow from those and
/// are formed on the stack when a walk starts. Numpy rules: dimensions agree when equal or when one of them is 1.
/// </summary>
internal readonly struct BroadcastShape
{
    public const int MaxRank = 6;

    private readonly int _d0, _d1, _d2, _d3, _d4, _d5;
    private readonly byte _varies0, _varies1, _varies2;

    private BroadcastShape(bool elementwise, int elementCount)
    {
        IsElementwise = elementwise;
        ElementCount = elementCount;
    }

    private BroadcastShape(ReadOnlySpan<int> dims, ReadOnlySpan<byte> varies, int elementCount)
    {
        (_d0, _d1, _d2, _d3, _d4, _d5) = (dims[0], dims[1], dims[2], dims[3], dims[4], dims[5]);
        _varies0 = varies[0];
        _varies1 = varies.Length > 1 ? varies[1] : (byte)0;
        _varies2 = varies.Length > 2 ? varies[2] : (byte)0;
        ElementCount = elementCount;
    }

    /// <summary>Inputs and output of <paramref name="elementCount"/> elements each, walked flat.</summary>
    public static BroadcastShape Flat(int elementCount) => new(true, elementCount);

    /// <summary>True when every input has exactly the output's shape, so a flat loop suffices.</summary>
    public bool IsElementwise { get; }

    public int ElementCount { get; }

    /// <summary>The output's dimensions, padded on the left with ones to <see cref="MaxRank"/>.</summary>
    public void FillOutputDims(Span<int> dims)
    {
        dims[0] = _d0; dims[1] = _d1; dims[2] = _d2; dims[3] = _d3; dims[4] = _d4; dims[5] = _d5;
    }

    /// <summary>Element strides of <paramref name="input"/> over the padded output dimensions, zero where it repeats.</summary>
    public void FillStrides(int input, Span<int> strides)
    {
        int varies = input switch { 0 => _varies0, 1 => _varies1, _ => _varies2 };
        Span<int> dims = stackalloc int[MaxRank];
        FillOutputDims(dims);
        int stride = 1;
        for (int d = MaxRank - 1; d >= 0; d--)
        {
            bool along = (varies & (1 << d)) != 0;
            strides[d] = along ? stride : 0;
            if (along) stride *= dims[d];
        }
    }

    /// <summary>The shape the inputs broadcast to, or a KernelException naming the disagreeing dimension.</summary>
    public static int[] Broadcast(PrepareContext context, params Tensor[] inputs)
    {
        int rank = 0;
        foreach (Tensor t in inputs) rank = Math.Max(rank, t.Rank);
        var result = new int[rank];
        for (int d = 0; d < rank; d++) result[d] = 1;
        foreach (Tensor t in inputs)
        {
            ReadOnlySpan<int> shape = t.Shape;
            for (int k = 0; k < shape.Length; k++)
            {
                int d = rank - shape.Length + k;
                int dim = shape[k];
                if (dim < 0) throw context.Error($"tensor '{t.Name}' has a negative dimension {dim}");
                if (dim == result[d] || dim == 1) continue;
                if (result[d] == 1) { result[d] = dim; continue; }
                throw context.Error($"input shapes [{Format(inputs)}] do not broadcast (dimension {d}: {result[d]} vs {dim})");
            }
        }
        return result;
    }

    /// <summary>
    /// Plans the broadcast of <paramref name="inputs"/> into <paramref name="output"/>, checking that the output has
    /// the broadcast shape and that the rank stays within <paramref name="maxRank"/> when broadcasting is needed.
    /// </summary>
    public static BroadcastShape Create(PrepareContext context, Tensor output, int maxRank, params Tensor[] inputs)
    {
        int[] shape = Broadcast(context, inputs);
        if (!shape.AsSpan().SequenceEqual(output.Shape))
            throw context.Error($"output shape [{string.Join(",", output.ShapeArray)}] differs from the broadcast shape [{string.Join(",", shape)}] of the inputs");

        bool elementwise = true;
        foreach (Tensor t in inputs) elementwise &= t.Shape.SequenceEqual(output.Shape);
        if (elementwise) return new BroadcastShape(true, output.ElementCount);

        if (shape.Length > Math.Min(maxRank, MaxRank))
            throw context.Error($"broadcasting supports up to {Math.Min(maxRank, MaxRank)} dimensions, the output has {shape.Length}");

        int pad = MaxRank - shape.Length;
        Span<int> dims = stackalloc int[MaxRank];
        for (int d = 0; d < MaxRank; d++) dims[d] = d < pad ? 1 : shape[d - pad];
        Span<byte> varies = stackalloc byte[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            ReadOnlySpan<int> s = inputs[i].Shape;
            int inputPad = MaxRank - s.Length;
            for (int d = inputPad; d < MaxRank; d++)
                if (s[d - inputPad] != 1) varies[i] |= (byte)(1 << d);
        }
        return new BroadcastShape(dims, varies, output.ElementCount);
    }

    private static string Format(Tensor[] inputs)
    {
        var parts = new string[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) parts[i] = "[" + string.Join(",", inputs[i].ShapeArray) + "]";
        return string.Join(" ", parts);
    }
}
