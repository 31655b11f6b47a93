namespace TfLiteMicro.Kernels;

/// <summary>
/// TRANSPOSE: permutes the dimensions (output dimension i is input dimension perm[i]). A constant permutation is
/// planned while preparing; otherwise it is read and checked on every run against the model's output shape.
/// </summary>
internal sealed class Transpose : IKernel
{
    private const int MaxDims = 6;
    private CopyPlan? _plan;
    private int[] _inShape = [];
    private int[] _inStrides = [];
    private int[] _outShape = [];
    private int[] _outStrides = [];
    private int _elementSize;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0);
        Tensor permTensor = context.Input(1);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8, TensorType.Int16);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        if (permTensor.Type != TensorType.Int32) throw context.UnsupportedType("perm", permTensor.Type);
        int rank = input.Rank;
        if (rank > MaxDims) throw context.Error($"input rank {rank} exceeds {MaxDims}");
        if (permTensor.Rank != 1 || permTensor.ElementCount != rank)
            throw context.Error($"perm has shape {ShapeHelpers.Format(permTensor.Shape)}, expected [{rank}]");
        _inShape = input.ShapeArray;
        _inStrides = StridedCopy.RowMajorStrides(_inShape);
        _elementSize = TensorTypes.ElementSize(input.Type);
        if (!permTensor.IsConstant)
        {
            if (output.Rank != rank || output.ElementCount != input.ElementCount)
                throw context.Error($"output {ShapeHelpers.Format(output.Shape)} cannot be a transpose of input {ShapeHelpers.Format(input.Shape)}");
            _outShape = output.ShapeArray;
            _outStrides = StridedCopy.RowMajorStrides(_outShape);
            return;
        }
        int[] perm = ShapeHelpers.ReadIndices(context, permTensor, "perm");
        string? problem = Resolve(perm, _inShape, _inStrides, null, stackalloc int[MaxDims]);
        if (problem is not null) throw context.Error(problem);
        var shape = new int[rank];
        var sourceStrides = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            shape[i] = _inShape[perm[i]];
            sourceStrides[i] = _inStrides[perm[i]];
        }
        ShapeHelpers.EnsureOutputShape(context, 0, shape);
        _plan = CopyPlan.Create(_elementSize, shape, sourceStrides, 0, input.ElementCount,
            StridedCopy.RowMajorStrides(shape), 0, output.ElementCount) ?? throw context.Error("transpose does not fit its tensors");
    }

    /// <summary>Checks that perm is a permutation (and, when given, that it yields <paramref name="outShape"/>); fills the source strides.</summary>
    private static string? Resolve(ReadOnlySpan<int> perm, ReadOnlySpan<int> inShape, ReadOnlySpan<int> inStrides, int[]? outShape, Span<int> sourceStrides)
    {
        int rank = inShape.Length;
        Span<bool> seen = stackalloc bool[MaxDims];
        seen.Clear();
        for (int i = 0; i < rank; i++)
        {
            int p = perm[i];
            if (p < 0 || p >= rank || seen[p]) return $"perm is not a permutation of 0..{rank - 1}";
            seen[p] = true;
            if (outShape is not null && outShape[i] != inShape[p]) return $"perm does not match the output shape at dimension {i}";
            sourceStrides[i] = inStrides[p];
        }
        return null;
    }

    public void Invoke(InvokeContext context)
    {
        if (_plan is not null)
        {
            _plan.Run(context.Input<byte>(0), context.Output<byte>(0));
            return;
        }
        int rank = _inShape.Length;
        Span<int> sourceStrides = stackalloc int[MaxDims];
        string? problem = Resolve(context.Input<int>(1), _inShape, _inStrides, _outShape, sourceStrides);
        if (problem is not null) throw context.Error(problem);
        StridedCopy.Run(context.Input<byte>(0), 0, sourceStrides[..rank], context.Output<byte>(0), 0, _outStrides, _outShape, _elementSize);
    }
}
