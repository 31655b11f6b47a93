namespace TfLiteMicro.Kernels;

/// <summary>ZEROS_LIKE: a zero tensor of the input's shape and type (float32, int8, int32, int64).</summary>
internal sealed class ZerosLike : IKernel
{
    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input, "input", TensorType.Float32, TensorType.Int8, TensorType.Int32, TensorType.Int64);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        ElementwiseChecks.RequireSameShape(context, input, "input", output, "output");
    }

    public void Invoke(InvokeContext context) => context.Output<byte>(0).Clear();
}
