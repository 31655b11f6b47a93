namespace TfLiteMicro.Kernels;

/// <summary>CEIL: rounds float32 values up.</summary>
internal sealed class Ceil : FloatUnaryKernel<Ceil.Operator>
{
    public readonly struct Operator : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => MathF.Ceiling(x);
    }
}
