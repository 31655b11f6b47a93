namespace TfLiteMicro.Kernels;

/// <summary>EXP: e^x over float32.</summary>
internal sealed class Exp : FloatUnaryKernel<Exp.Operator>
{
    public readonly struct Operator : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => MathF.Exp(x);
    }
}
