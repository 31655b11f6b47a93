namespace TfLiteMicro.Kernels;

/// <summary>The shared part of SPLIT and SPLIT_V: one block copy per output.</summary>
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

    public static CopyPlan?[] Build(PrepareContext context, Tensor input, int axis, int[] sizes, int[]? equalShape)
    {
        int elementSize = TensorTypes.ElementSize(input.Type);
        int outer = AxisBlocks.Outer(input.Shape, axis), inner = AxisBlocks.Inner(input.Shape, axis);
        int whole = input.Dim(axis) * inner;
        long sum = 0;
        foreach (int s in sizes) sum += s;
        if (sum != input.Dim(axis)) throw context.Error($"split sizes {ShapeHelpers.Format(sizes)} do not add up to the axis size {input.Dim(axis)}");
        var plans = new CopyPlan?[sizes.Length];
        int at = 0;
        for (int k = 0; k < sizes.Length; k++)
        {
            Tensor output = context.Output(k);
            ShapeHelpers.RequireSameType(context, input, "input", output, $"output {k}");
            int[] shape = equalShape ?? input.ShapeArray;
            shape[axis] = sizes[k];
            ShapeHelpers.EnsureOutputShape(context, k, shape);
            plans[k] = AxisBlocks.Plan(elementSize, outer, sizes[k] * inner, whole, at, intoWhole: false)
                ?? throw context.Error($"output {k} does not fit the input");
            at += sizes[k] * inner;
        }
        return plans;
    }

    public static void Run(InvokeContext context, CopyPlan?[] plans, int dataInput)
    {
        ReadOnlySpan<byte> input = context.Input<byte>(dataInput);
        for (int k = 0; k < plans.Length; k++) plans[k]!.Run(input, context.Output<byte>(k));
    }
}
