namespace TfLiteMicro.Kernels;

/// <summary>NEG: -x over float32.</summary>
internal sealed class Neg : FloatUnaryKernel<Neg.Operator>
{
    public readonly struct Operator : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => -x;
    }
}
