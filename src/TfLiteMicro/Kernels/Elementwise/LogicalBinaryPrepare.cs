namespace TfLiteMicro.Kernels;

/// <summary>The checks LOGICAL_AND and LOGICAL_OR share: bool inputs and output, broadcasting up to 4-D.</summary>
internal static class LogicalBinaryPrepare
{
    public static BroadcastShape Run(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input1 = context.Input(0), input2 = context.Input(1), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input1, "input 0", TensorType.Bool);
        ElementwiseChecks.RequireType(context, input2, "input 1", TensorType.Bool);
        ElementwiseChecks.RequireType(context, output, "output", TensorType.Bool);
        return BroadcastShape.Create(context, output, 4, input1, input2);
    }
}
