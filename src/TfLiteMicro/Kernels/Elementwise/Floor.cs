namespace TfLiteMicro.Kernels;

/// <summary>FLOOR: rounds float32 values down.</summary>
internal sealed class Floor : FloatUnaryKernel<Floor.Operator>
{
    public readonly struct Operator : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => MathF.Floor(x);
    }
}
