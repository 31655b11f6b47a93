namespace TfLiteMicro.Kernels;

/// <summary>LOG: the natural logarithm over float32 (NaN for negative inputs, -inf for zero).</summary>
internal sealed class Log : FloatUnaryKernel<Log.Operator>
{
    public readonly struct Operator : IUnaryOperator<float, float>
    {
        public float Invoke(float x) => MathF.Log(x);
    }
}
