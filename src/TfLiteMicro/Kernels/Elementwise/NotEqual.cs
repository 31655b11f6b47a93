namespace TfLiteMicro.Kernels;

/// <summary>NOT_EQUAL: a != b element-wise over bool, float32, int8, int32 and int64 inputs, with broadcasting.</summary>
internal sealed class NotEqual : ComparisonKernel<NotEqual.Comparison>
{
    public NotEqual() : base(TensorType.Bool, TensorType.Float32, TensorType.Int8, TensorType.Int32, TensorType.Int64) { }

    public readonly struct Comparison : IComparison
    {
        public bool Compare<T>(T a, T b) where T : unmanaged => !Scalar.Equal(a, b);
    }
}
