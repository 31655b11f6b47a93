namespace TfLiteMicro.Kernels;

// netstandard2.1 (Mono, Unity) has no System.Runtime.Intrinsics, so the project file leaves the *.Simd.cs halves of
// the kernels and Kernels/Optimized out of that build. These stand in for the members the kernels' reference halves
// call: every fast path reports itself inactive, so the reference arithmetic always runs. Nothing here runs on
// net8.0+, where the real fast paths are compiled instead.

partial class Conv2D
{
    private static bool _int8Optimized => false;
    private static bool _floatOptimized => false;
    private static bool _int16Optimized => false;
    private static void PrepareOptimized(PrepareContext context, sbyte[]? unpackedFilter) { }
    private static void PrepareInt16Optimized(PrepareContext context) { }
    private static void RunInt8Optimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
    private static void RunFloatOptimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
    private static void RunInt16Optimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
}

partial class DepthwiseConv2D
{
    private static bool _int8Optimized => false;
    private static bool _floatOptimized => false;
    private static void PrepareOptimized(PrepareContext context) { }
    private static void RunInt8Optimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
    private static void RunFloatOptimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
}

partial class Softmax
{
    private static bool _int8Optimized => false;
    private static void PrepareOptimized(PrepareContext context) { }
    private static void SoftmaxInt8Optimized<TOut>(InvokeContext context, ReadOnlySpan<sbyte> input, Span<TOut> output) => throw ReferenceOnly.NoFastPath();
}

/// <summary>The binary arithmetic ops' shell without its vector paths: the reference arithmetic always.</summary>
internal struct FastBinaryNode
{
    private BinaryParameters _parameters;

    public void Prepare(PrepareContext context, BinaryOperation operation, FusedActivation activation = FusedActivation.None)
        => _parameters = BinaryParameters.Prepare(context, operation, ElementwiseChecks.Activation(context, activation));

    public readonly void Invoke(InvokeContext context) => BinaryArithmetic.Run(context, _parameters);
}

internal static class ReferenceOnly
{
    public static InvalidOperationException NoFastPath() => new("no optimized path in the netstandard2.1 build");
}

internal enum Int32BroadcastKind : byte { None }

/// <summary>The int32 binary ops' vector steps: never called here.</summary>
internal interface IInt32Lanes;

internal readonly struct Int32SumLanes : IInt32Lanes
{
    public Int32SumLanes(int min, int max) { }
}

internal readonly struct Int32ProductLanes : IInt32Lanes
{
    public Int32ProductLanes(int min, int max) { }
}

internal readonly struct Int32QuotientLanes : IInt32Lanes
{
    public Int32QuotientLanes(int min, int max) { }
}

internal readonly struct Int32SmallerLanes : IInt32Lanes;

internal readonly struct Int32LargerLanes : IInt32Lanes;

/// <summary>The int32 binary ops' vector path: never planned here.</summary>
internal static class Int32ElementwiseSimd
{
    public static Int32BroadcastKind Plan(SimdLevel level, TensorType type, BroadcastShape shape, Tensor input1, Tensor input2) => Int32BroadcastKind.None;

    public static void Run<TOp, TLanes>(SimdLevel level, Int32BroadcastKind kind, int count, ReadOnlySpan<int> a, ReadOnlySpan<int> b, Span<int> output,
        TOp scalar, TLanes lanes)
        where TOp : struct, IBinaryOperator<int, int>
        where TLanes : struct, IInt32Lanes
        => throw ReferenceOnly.NoFastPath();
}
