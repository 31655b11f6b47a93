namespace TfLiteMicro.Kernels;

/// <summary>SHAPE: writes the input's dimensions as an int32 vector.</summary>
internal sealed class ShapeOp : IKernel
{
    private int[] _dims = [];

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        if (output.Type != TensorType.Int32) throw context.UnsupportedType("output", output.Type);
        _dims = input.ShapeArray;
        ShapeHelpers.EnsureOutputShape(context, 0, [_dims.Length]);
    }

    public void Invoke(InvokeContext context) => _dims.CopyTo(context.Output<int>(0));
}
