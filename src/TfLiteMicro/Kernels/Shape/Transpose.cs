namespace TfLiteMicro.Kernels;

/// <summary>
/// TRANSPOSE: permutes the dimensions (output dimension i is input dimension perm[i]). A constant permutation is
/// planned while preparing; otherwise it is read and checked on every run against the model's output shape.
/// </summary>
internal sealed class Transpose : InputViewKernel
{
    private const int MaxDims = 6;

    protected override InputView PrepareView(PrepareContext context)
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
        if (!permTensor.IsConstant)
        {
            if (output.Rank != rank || output.ElementCount != input.ElementCount)
                throw context.Error($"output {ShapeHelpers.Format(output.Shape)} cannot be a transpose of input {ShapeHelpers.Format(input.Shape)}");
            return InputView.Deferred(input, output);
        }
        int[] inShape = input.ShapeArray;
        int[] perm = ShapeHelpers.ReadIndices(context, permTensor, "perm");
        var sourceStrides = new int[rank];
        string? problem = Resolve(perm, inShape, StridedCopy.RowMajorStrides(inShape), null, sourceStrides);
        if (problem is not null) throw context.Error(problem);
        var shape = new int[rank];
        for (int i = 0; i < rank; i++) shape[i] = inShape[perm[i]];
        ShapeHelpers.EnsureOutputShape(context, 0, shape);
        return InputView.Planned(context, input, output, shape, sourceStrides, 0, "transpose");
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

    /// <summary>Perm read at Invoke: a permutation that yields the model's output shape.</summary>
    protected override string? Resolve(InvokeContext context, InputView view, Span<int> sourceStrides, out int offset)
    {
        offset = 0;
        return Resolve(context.Input<int>(1), view.InputShape, view.InputStrides, view.OutputShape, sourceStrides);
    }
}
