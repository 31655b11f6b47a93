namespace TfLiteMicro.Kernels;

/// <summary>ROUND: rounds float32 values to the nearest integer, ties to even.</summary>
internal sealed class Round : FloatUnaryKernel<Round.Operator>
{
    public readonly struct Operator : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => MathF.Round(x);
    }
}
