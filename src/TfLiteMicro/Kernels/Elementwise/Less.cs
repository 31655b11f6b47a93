namespace TfLiteMicro.Kernels;

/// <summary>LESS: a &lt; b element-wise over float32, int8, int32 and int64 inputs, with broadcasting.</summary>
internal sealed class Less : ComparisonKernel<Less.Comparison>
{
    public Less() : base(TensorType.Float32, TensorType.Int8, TensorType.Int32, TensorType.Int64) { }

    public readonly struct Comparison : IComparison
    {
        public bool Compare<T>(T a, T b) where T : unmanaged => Scalar.Less(a, b);
    }
}
