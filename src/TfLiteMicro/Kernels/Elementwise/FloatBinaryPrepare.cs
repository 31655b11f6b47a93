namespace TfLiteMicro.Kernels;

/// <summary>The checks of the float32-only binary ops (FLOOR_DIV, FLOOR_MOD).</summary>
internal static class FloatBinaryPrepare
{
    public static BroadcastShape Run(PrepareContext context, int maxRank)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input1 = context.Input(0), input2 = context.Input(1), output = context.Output(0);
        ElementwiseChecks.RequireSameType(context, input1, "input 0", input2, "input 1");
        ElementwiseChecks.RequireSameType(context, input1, "input 0", output, "output");
        ElementwiseChecks.RequireType(context, input1, "input", TensorType.Float32);
        return BroadcastShape.Create(context, output, maxRank, input1, input2);
    }
}
