namespace TfLiteMicro.Kernels;

/// <summary>EXPAND_DIMS: inserts a dimension of size 1 at a constant axis; the data is copied unchanged.</summary>
internal sealed class ExpandDims : IKernel
{
    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0);
        Tensor axisTensor = context.Input(1);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8, TensorType.Int16);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        ShapeHelpers.RequireConstantIndices(context, axisTensor, "axis");
        if (axisTensor.Rank > 1 || axisTensor.ElementCount != 1)
            throw context.Error($"axis must hold exactly one value, has shape {ShapeHelpers.Format(axisTensor.Shape)}");
        int rank = input.Rank;
        int axis = axisTensor.AsReadOnlySpan<int>()[0];
        if (axis < 0) axis += rank + 1;
        if (axis < 0 || axis > rank) throw context.Error($"axis {axisTensor.AsReadOnlySpan<int>()[0]} is out of range for input rank {rank}");
        var shape = new int[rank + 1];
        for (int i = 0, j = 0; i <= rank; i++)
            shape[i] = i == axis ? 1 : input.Dim(j++);
        ShapeHelpers.EnsureOutputShape(context, 0, shape);
    }

    public void Invoke(InvokeContext context) => context.Input<byte>(0).CopyTo(context.Output<byte>(0));
}
