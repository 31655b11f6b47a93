using TfLiteMicro.Kernels;

namespace TfLiteMicro.Tests.Support;

// The core tests see the core's internals: their golden runs with threads split every layer that can be split.
public static partial class GoldenRunner
{
    static partial void BeginSplittingEveryLayer() => RowBands.MinMultiplyAddsOverride = 0;

    static partial void EndSplittingEveryLayer() => RowBands.MinMultiplyAddsOverride = null;
}
