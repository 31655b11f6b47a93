namespace TfLiteMicro.Kernels;

/// <summary>FLOOR_DIV: float32, floor(a / b), with broadcasting (up to 4-D).</summary>
internal sealed class FloorDiv : IKernel
{
    private BroadcastShape _shape;

    public void Prepare(PrepareContext context) => _shape = FloatBinaryPrepare.Run(context, 4);

    public void Invoke(InvokeContext context)
        => ElementwiseDriver.Binary(context.Input<float>(0), context.Input<float>(1), context.Output<float>(0), _shape, default(FloorQuotient));

    private readonly struct FloorQuotient : IBinaryOperator<float, float>
    {
        public float Invoke(float a, float b) => MathF.Floor(a / b);
    }
}
