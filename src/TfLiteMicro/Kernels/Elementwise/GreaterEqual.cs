namespace TfLiteMicro.Kernels;

/// <summary>GREATER_EQUAL: a &gt;= b element-wise over float32, int8, int32 and int64 inputs, with broadcasting.</summary>
internal sealed class GreaterEqual : ComparisonKernel<GreaterEqual.Comparison>
{
    public GreaterEqual() : base(TensorType.Float32, TensorType.Int8, TensorType.Int32, TensorType.Int64) { }

    public readonly struct Comparison : IComparison
    {
        public bool Compare<T>(T a, T b) where T : unmanaged => Scalar.LessOrEqual(b, a);
    }
}
