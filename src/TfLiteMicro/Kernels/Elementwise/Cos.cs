namespace TfLiteMicro.Kernels;

/// <summary>COS: cos(x) over float32.</summary>
internal sealed class Cos : FloatUnaryKernel<Cos.Operator>
{
    public readonly struct Operator : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => MathF.Cos(x);
    }
}
