namespace TfLiteMicro.Kernels;

/// <summary>
/// How up to three input shapes broadcast to an output shape, worked out once in Prepare: every shape is padded on
/// the left to <see cref="MaxRank"/> dimensions, and each input gets element strides that are zero along the
/// dimensions it repeats. Numpy rules: dimensions agree when equal or when one of them is 1.
/// </summary>
internal sealed class BroadcastShape
{
    public const int MaxRank = 6;

    private readonly int[] _outputDims = new int[MaxRank];
    private readonly int[][] _strides;

    private BroadcastShape(int inputs)
    {
        _strides = new int[inputs][];
        for (int i = 0; i < inputs; i++) _strides[i] = new int[MaxRank];
    }

    /// <summary>True when every input has exactly the output's shape, so a flat loop suffices.</summary>
    public bool IsElementwise { get; private set; }

    public int ElementCount { get; private set; }

    public ReadOnlySpan<int> OutputDims => _outputDims;

    public ReadOnlySpan<int> Strides(int input) => _strides[input];

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
        if (!SameDims(shape, output.Shape))
            throw context.Error($"output shape [{string.Join(",", output.ShapeArray)}] differs from the broadcast shape [{string.Join(",", shape)}] of the inputs");

        var plan = new BroadcastShape(inputs.Length);
        bool elementwise = true;
        foreach (Tensor t in inputs) elementwise &= SameDims(t.Shape, output.Shape);
        plan.IsElementwise = elementwise;
        plan.ElementCount = output.ElementCount;
        if (elementwise) return plan;

        if (shape.Length > Math.Min(maxRank, MaxRank))
            throw context.Error($"broadcasting supports up to {Math.Min(maxRank, MaxRank)} dimensions, the output has {shape.Length}");

        int pad = MaxRank - shape.Length;
        for (int d = 0; d < MaxRank; d++) plan._outputDims[d] = d < pad ? 1 : shape[d - pad];
        for (int i = 0; i < inputs.Length; i++)
        {
            ReadOnlySpan<int> s = inputs[i].Shape;
            int inputPad = MaxRank - s.Length;
            int stride = 1;
            for (int d = MaxRank - 1; d >= 0; d--)
            {
                int dim = d < inputPad ? 1 : s[d - inputPad];
                plan._strides[i][d] = dim == 1 ? 0 : stride;
                stride *= dim;
            }
        }
        return plan;
    }

    private static bool SameDims(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    private static string Format(Tensor[] inputs)
    {
        var parts = new string[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) parts[i] = "[" + string.Join(",", inputs[i].ShapeArray) + "]";
        return string.Join(" ", parts);
    }
}
