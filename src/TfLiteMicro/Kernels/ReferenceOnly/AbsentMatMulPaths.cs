namespace TfLiteMicro.Kernels;

// netstandard2.1: stand-ins for the SIMD helpers FULLY_CONNECTED, SVDF and LSTM name in their reference halves (the real
// ones are in Kernels/Optimized and MatMulArithmetic.Fast.cs, left out of that build). Every level is Reference there,
// so the kernels' fast flags stay false and nothing below runs; the sizes only bound scratch requests.

internal static class Int8Dot
{
    public const int StackRowBytes = 8192;
    public const int StackSums = 1024;

    public static int[] RowSums(ReadOnlySpan<sbyte> weights, int depth, int n) => throw ReferenceOnly.NoFastPath();
}

internal static class Int16Dot
{
    public const int StackRowValues = 4096;
    public const int StackSums = 1024;

    public static void Rows(SimdLevel level, ReadOnlySpan<short> row, ReadOnlySpan<sbyte> weights, int depth, int n, Span<long> sums)
        => throw ReferenceOnly.NoFastPath();
}

internal static class FloatDot
{
    public static void Rows(SimdLevel level, ReadOnlySpan<float> row, ReadOnlySpan<float> weights, int depth, int n, ReadOnlySpan<float> bias,
        float min, float max, Span<float> output) => throw ReferenceOnly.NoFastPath();
}

internal readonly ref struct Int8Requantizer
{
    public Int8Requantizer(ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int outputOffset, int min, int max, bool vector)
        => throw ReferenceOnly.NoFastPath();

    public Int8Requantizer(int multiplier, int shift, int outputOffset, int min, int max, bool vector) => throw ReferenceOnly.NoFastPath();

    public static bool CanVectorize(SimdLevel level, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts) => false;

    public static bool ScalesFit(ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts) => false;
}

internal static partial class MatMulArithmetic
{
    public const int MaxInt16InputOffset = 1 << 16, MaxInt16WeightsOffset = 1 << 8;

    public const int GemmStackBytes = 32 * 1024;

    public static bool UsesGemm(SimdLevel level, in MatMulParameters p, bool vectorRequantization, bool arranged, int scratchBytes) => false;

    public static long ArrangedBytes(SimdLevel level, in MatMulParameters p) => throw ReferenceOnly.NoFastPath();

    public static void ArrangeWeights(SimdLevel level, in MatMulParameters p, ReadOnlySpan<sbyte> weights, Span<byte> destination)
        => throw ReferenceOnly.NoFastPath();

    public static void Int8Product(SimdLevel level, in MatMulParameters p, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<byte> arranged, ReadOnlySpan<int> bias, ReadOnlySpan<int> foldedBias, scoped in Int8Requantizer requantizer,
        Span<byte> scratch, Span<int> sums, Span<sbyte> output) => throw ReferenceOnly.NoFastPath();

    public static int Int8RowBytes(in MatMulParameters p) => throw ReferenceOnly.NoFastPath();

    public static bool SumsUseGemm(SimdLevel level, in MatMulParameters p, bool arranged, int scratchBytes) => false;

    public static int Int8SumsScratchBytes(SimdLevel level, int depth, bool arranged) => throw ReferenceOnly.NoFastPath();

    public static void Int8Sums(SimdLevel level, in MatMulParameters p, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<byte> arranged, ReadOnlySpan<int> bias, ReadOnlySpan<int> foldedBias, Span<byte> scratch, Span<int> sums, int rowStride)
        => throw ReferenceOnly.NoFastPath();

    public static int[] FoldedBias(in MatMulParameters p, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias) => throw ReferenceOnly.NoFastPath();

    public static void WidenWithOffset(ReadOnlySpan<sbyte> source, int offset, Span<short> destination) => throw ReferenceOnly.NoFastPath();

    public static void FastInt8(SimdLevel level, in MatMulParameters p, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> foldedBias, scoped in Int8Requantizer requantizer, Span<byte> row, Span<int> sums, Span<sbyte> output)
        => throw ReferenceOnly.NoFastPath();

    public static void FastFloat(SimdLevel level, in MatMulParameters p, ReadOnlySpan<float> input, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, Span<float> output) => throw ReferenceOnly.NoFastPath();

    public static void FastInt16(SimdLevel level, in MatMulParameters p, ReadOnlySpan<short> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias32,
        ReadOnlySpan<long> bias64, ReadOnlySpan<int> rowSums, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, Span<long> sums, Span<short> output)
        => throw ReferenceOnly.NoFastPath();
}
