namespace TfLiteMicro.Kernels;

/// <summary>REVERSE_V2: reverses the order of elements along the constant axes.</summary>
internal sealed class ReverseV2 : InputViewKernel
{
    protected override InputView PrepareView(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0);
        Tensor axisTensor = context.Input(1);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Bool, TensorType.Float32, TensorType.UInt8,
            TensorType.Int8, TensorType.Int16, TensorType.Int32, TensorType.Int64);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        ShapeHelpers.RequireConstantIndices(context, axisTensor, "axis");
        if (axisTensor.Rank != 1) throw context.Error($"axis must be a vector, has shape {ShapeHelpers.Format(axisTensor.Shape)}");
        int rank = input.Rank;
        if (rank > 8) throw context.Error($"input rank {rank} exceeds 8");
        if (axisTensor.ElementCount > rank) throw context.Error($"{axisTensor.ElementCount} axes given for rank {rank}");
        int[] axes = ShapeHelpers.ReadIndices(context, axisTensor, "axis");
        Span<bool> reversed = stackalloc bool[rank];
        foreach (int a in axes)
        {
            if (a < 0 || a >= rank) throw context.Error($"axis {a} is out of range for rank {rank}");
            reversed[a] = true;
        }
        ShapeHelpers.EnsureOutputShape(context, 0, input.Shape);
        int[] strides = StridedCopy.RowMajorStrides(input.Shape);
        int[] shape = input.ShapeArray;
        var sourceStrides = new int[rank];
        int offset = 0;
        for (int i = 0; i < rank; i++)
        {
            sourceStrides[i] = reversed[i] ? -strides[i] : strides[i];
            if (reversed[i] && shape[i] > 0) offset += (shape[i] - 1) * strides[i];
        }
        return InputView.Planned(context, input, output, shape, sourceStrides, offset, "reversal");
    }
}
