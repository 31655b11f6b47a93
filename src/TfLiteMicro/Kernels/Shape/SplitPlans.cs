namespace TfLiteMicro.Kernels;

/// <summary>The shared part of SPLIT and SPLIT_V: the axis, the outputs' shapes and the copy plan (<see cref="AxisParts"/>).</summary>
internal static class SplitPlans
{
    /// <summary>The constant split axis of <paramref name="input"/> (one value, negative counted from the end).</summary>
    public static int Axis(PrepareContext context, Tensor axisTensor, Tensor input)
    {
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8, TensorType.Int16, TensorType.Int32);
        ShapeHelpers.RequireConstantIndices(context, axisTensor, "axis");
        if (axisTensor.ElementCount != 1) throw context.Error("axis must hold one value");
        return ShapeHelpers.ResolveAxis(context, axisTensor.AsReadOnlySpan<int>()[0], input.Rank);
    }

    /// <summary>Checks the outputs against the input cut into <paramref name="sizes"/> along the axis and plans the copy.</summary>
    public static AxisParts Build(PrepareContext context, int dataInput, int axis, int[] sizes, int[]? equalShape)
    {
        Tensor input = context.Input(dataInput);
        long sum = 0;
        foreach (int s in sizes) sum += s;
        if (sum != input.Dim(axis)) throw context.Error($"split sizes {ShapeHelpers.Format(sizes)} do not add up to the axis size {input.Dim(axis)}");
        for (int k = 0; k < sizes.Length; k++)
        {
            Tensor output = context.Output(k);
            ShapeHelpers.RequireSameType(context, input, "input", output, $"output {k}");
            int[] shape = equalShape ?? input.ShapeArray;
            shape[axis] = sizes[k];
            ShapeHelpers.EnsureOutputShape(context, k, shape);
        }
        return AxisParts.ForCut(context, dataInput, axis, sizes);
    }
}
