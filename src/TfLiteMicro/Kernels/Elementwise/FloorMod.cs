namespace TfLiteMicro.Kernels;

/// <summary>FLOOR_MOD: float32, the remainder with the divisor's sign, with broadcasting (up to 4-D).</summary>
internal sealed class FloorMod : IKernel
{
    private BroadcastShape _shape;

    public void Prepare(PrepareContext context) => _shape = FloatBinaryPrepare.Run(context, 4);

    public void Invoke(InvokeContext context)
        => ElementwiseDriver.Binary(context.Input<float>(0), context.Input<float>(1), context.Output<float>(0), _shape, default(FloorRemainder));

    private readonly struct FloorRemainder : IBinaryOperator<float, float>
    {
        public float Invoke(float a, float b)
        {
            float truncated = a % b; // C's fmod
            return truncated != 0 && (b < 0) != (truncated < 0) ? truncated + b : truncated;
        }
    }
}
