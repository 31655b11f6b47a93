namespace TfLiteMicro.Kernels;

/// <summary>BROADCAST_TO: repeats the input along dimensions of size 1 (or missing leading ones) to a constant shape.</summary>
internal sealed class BroadcastTo : InputViewKernel
{
    private const int MaxDims = 5;

    protected override InputView PrepareView(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0);
        Tensor shapeTensor = context.Input(1);
        Tensor output = context.Output(0);
        ShapeHelpers.ElementSize(context, input, "input");
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        ShapeHelpers.RequireConstantIndices(context, shapeTensor, "shape", allowInt64: true);
        if (shapeTensor.Rank != 1) throw context.Error($"shape must be a vector, has shape {ShapeHelpers.Format(shapeTensor.Shape)}");
        int[] shape = ShapeHelpers.ReadIndices(context, shapeTensor, "shape");
        int rank = shape.Length;
        if (input.Rank > MaxDims || rank > MaxDims) throw context.Error($"ranks above {MaxDims} are not supported");
        if (input.Rank > rank) throw context.Error($"input rank {input.Rank} exceeds the target rank {rank}");
        int[] inStrides = StridedCopy.RowMajorStrides(input.Shape);
        var sourceStrides = new int[rank];
        int lead = rank - input.Rank;
        for (int i = 0; i < rank; i++)
        {
            if (shape[i] < 0) throw context.Error($"shape {ShapeHelpers.Format(shape)} holds a negative dimension");
            if (i < lead) continue;
            int d = input.Dim(i - lead);
            if (d == shape[i]) sourceStrides[i] = inStrides[i - lead];
            else if (d != 1) throw context.Error($"input {ShapeHelpers.Format(input.Shape)} cannot be broadcast to {ShapeHelpers.Format(shape)}");
        }
        ShapeHelpers.EnsureOutputShape(context, 0, shape);
        return InputView.Planned(context, input, output, shape, sourceStrides, 0, "broadcast");
    }
}
