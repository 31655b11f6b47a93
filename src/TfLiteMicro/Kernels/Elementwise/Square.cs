namespace TfLiteMicro.Kernels;

/// <summary>SQUARE: x * x over float32.</summary>
internal sealed class Square : FloatUnaryKernel<Square.Operator>
{
    public readonly struct Operator : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => x * x;
    }
}
