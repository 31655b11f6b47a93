namespace TfLiteMicro.Kernels;

/// <summary>SELECT_V2: picks x where the bool condition holds, y elsewhere; float32, int8 and int16 data, broadcasting up to 5-D.</summary>
internal sealed class SelectV2 : IKernel
{
    private TensorType _type;
    private BroadcastShape _shape;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(3, 3, 1);
        Tensor condition = context.Input(0), x = context.Input(1), y = context.Input(2), output = context.Output(0);
        ElementwiseChecks.RequireType(context, condition, "condition", TensorType.Bool);
        ElementwiseChecks.RequireType(context, x, "input", TensorType.Float32, TensorType.Int8, TensorType.Int16);
        ElementwiseChecks.RequireSameType(context, x, "input 1", y, "input 2");
        ElementwiseChecks.RequireSameType(context, x, "input 1", output, "output");
        _type = x.Type;
        _shape = BroadcastShape.Create(context, output, 5, condition, x, y);
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<byte> condition = context.Input<byte>(0);
        switch (_type)
        {
            case TensorType.Float32: ElementwiseDriver.Select(condition, context.Input<float>(1), context.Input<float>(2), context.Output<float>(0), _shape); break;
            case TensorType.Int8: ElementwiseDriver.Select(condition, context.Input<sbyte>(1), context.Input<sbyte>(2), context.Output<sbyte>(0), _shape); break;
            default: ElementwiseDriver.Select(condition, context.Input<short>(1), context.Input<short>(2), context.Output<short>(0), _shape); break;
        }
    }
}
