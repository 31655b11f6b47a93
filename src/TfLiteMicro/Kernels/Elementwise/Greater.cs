namespace TfLiteMicro.Kernels;

/// <summary>GREATER: a &gt; b element-wise over float32, int8, int16, int32 and int64 inputs, with broadcasting.</summary>
internal sealed class Greater : ComparisonKernel<Greater.Comparison>
{
    public Greater() : base(TensorType.Float32, TensorType.Int8, TensorType.Int16, TensorType.Int32, TensorType.Int64) { }

    public readonly struct Comparison : IComparison
    {
        public bool Compare<T>(T a, T b) where T : unmanaged => Scalar.Less(b, a);
    }
}
