namespace TfLiteMicro.Kernels;

/// <summary>
/// The kernel of the float32-only math ops (SIN, COS, LOG, SQRT, SQUARE, EXP, FLOOR, CEIL, ROUND, NEG): one input,
/// one output of the same type and shape, a per-element function given as an operator struct.
/// </summary>
internal abstract class FloatUnaryKernel<TOperator> : IKernel where TOperator : struct, IUnaryOperator<float, float>
{
    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input, "input", TensorType.Float32);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        ElementwiseChecks.RequireSameShape(context, input, "input", output, "output");
    }

    public void Invoke(InvokeContext context)
        => ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), default(TOperator));
}
