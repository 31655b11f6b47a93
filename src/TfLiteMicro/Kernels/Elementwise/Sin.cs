namespace TfLiteMicro.Kernels;

/// <summary>SIN: sin(x) over float32.</summary>
internal sealed class Sin : FloatUnaryKernel<Sin.Operator>
{
    public readonly struct Operator : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => MathF.Sin(x);
    }
}
