namespace TfLiteMicro.Kernels;

/// <summary>TRANSPOSE: permutes the dimensions by a constant permutation (output dimension i is input dimension perm[i]).</summary>
public sealed class Transpose : IKernel
{
    private CopyPlan? _plan;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0);
        Tensor permTensor = context.Input(1);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8, TensorType.Int16);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        ShapeHelpers.RequireConstantIndices(context, permTensor, "perm");
        int rank = input.Rank;
        if (rank > 6) throw context.Error($"input rank {rank} exceeds 6");
        if (permTensor.Rank != 1 || permTensor.ElementCount != rank)
            throw context.Error($"perm has shape {ShapeHelpers.Format(permTensor.Shape)}, expected [{rank}]");
        int[] perm = ShapeHelpers.ReadIndices(context, permTensor, "perm");
        Span<bool> seen = stackalloc bool[rank];
        foreach (int p in perm)
        {
            if (p < 0 || p >= rank || seen[p]) throw context.Error($"perm {ShapeHelpers.Format(perm)} is not a permutation of 0..{rank - 1}");
            seen[p] = true;
        }
        int[] inStrides = StridedCopy.RowMajorStrides(input.Shape);
        var shape = new int[rank];
        var sourceStrides = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            shape[i] = input.Dim(perm[i]);
            sourceStrides[i] = inStrides[perm[i]];
        }
        ShapeHelpers.EnsureOutputShape(context, 0, shape);
        _plan = CopyPlan.Create(TensorTypes.ElementSize(input.Type), shape, sourceStrides, 0, input.ElementCount,
            StridedCopy.RowMajorStrides(shape), 0, output.ElementCount) ?? throw context.Error("transpose does not fit its tensors");
    }

    public void Invoke(InvokeContext context) => _plan!.Run(context.Input<byte>(0), context.Output<byte>(0));
}
