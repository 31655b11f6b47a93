namespace TfLiteMicro.Kernels;

/// <summary>SQRT: the square root over float32 (NaN for negative inputs).</summary>
internal sealed class Sqrt : FloatUnaryKernel<Sqrt.Operator>
{
    public readonly struct Operator : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => MathF.Sqrt(x);
    }
}
