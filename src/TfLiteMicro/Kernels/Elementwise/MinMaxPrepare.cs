namespace TfLiteMicro.Kernels;

/// <summary>The checks and the path choice MINIMUM and MAXIMUM share.</summary>
internal static class MinMaxPrepare
{
    public static (TensorType Type, BroadcastShape Shape, SimdLevel Level, Int32BroadcastKind Int32Kind) Run(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input1 = context.Input(0), input2 = context.Input(1), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input1, "input", TensorType.Float32, TensorType.Int8, TensorType.Int16, TensorType.Int32, TensorType.Int64);
        ElementwiseChecks.RequireSameType(context, input1, "input 0", input2, "input 1");
        ElementwiseChecks.RequireSameType(context, input1, "input 0", output, "output");
        BroadcastShape shape = BroadcastShape.Create(context, output, 5, input1, input2);
        SimdLevel level = Simd.For(context);
        return (input1.Type, shape, level, Int32ElementwiseSimd.Plan(level, input1.Type, shape, input1, input2));
    }
}
