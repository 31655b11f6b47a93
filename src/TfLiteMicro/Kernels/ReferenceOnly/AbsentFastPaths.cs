namespace TfLiteMicro.Kernels;

// netstandard2.1 (Mono, Unity) has no System.Runtime.Intrinsics, so the project file leaves the *.Simd.cs halves of
// the kernels and Kernels/Optimized out of that build. These stand in for the members the kernels' reference halves
// call: every fast path reports itself inactive, so the reference arithmetic always runs. Nothing here runs on
// net8.0+, where the real fast paths are compiled instead.

public sealed partial class AveragePool2D
{
    private static bool _int8Optimized => false;
    private static void PrepareOptimized(PrepareContext context) { }
    private static void RunInt8Optimized(ReadOnlySpan<sbyte> input, Span<sbyte> output) => throw ReferenceOnly.NoFastPath();
}

public sealed partial class MaxPool2D
{
    private static bool _int8Optimized => false;
    private static void PrepareOptimized(PrepareContext context) { }
    private static void RunInt8Optimized(ReadOnlySpan<sbyte> input, Span<sbyte> output) => throw ReferenceOnly.NoFastPath();
}

public sealed partial class Conv2D
{
    private static bool _int8Optimized => false;
    private static bool _floatOptimized => false;
    private static bool _int16Optimized => false;
    private static void PrepareOptimized(PrepareContext context, int[] multipliers, int[] shifts, sbyte[]? unpackedFilter) { }
    private static void PrepareInt16Optimized(PrepareContext context) { }
    private static void RunInt8Optimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
    private static void RunFloatOptimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
    private static void RunInt16Optimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
}

public sealed partial class DepthwiseConv2D
{
    private static bool _int8Optimized => false;
    private static bool _floatOptimized => false;
    private static void PrepareOptimized(PrepareContext context, int[] multipliers, int[] shifts) { }
    private static void RunInt8Optimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
    private static void RunFloatOptimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
}

public sealed partial class FullyConnected
{
    private static bool _int8Optimized => false;
    private static bool _floatOptimized => false;
    private static bool _int16Optimized => false;
    private static void PrepareOptimized(PrepareContext context, int[]? channelMultipliers, int[]? channelShifts) { }
    private static void PrepareInt16Optimized(PrepareContext context) { }
    private static void InvokeInt8Optimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
    private static void InvokeFloatOptimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
    private static void InvokeInt16Optimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
}

public sealed partial class Softmax
{
    private static bool _int8Optimized => false;
    private static void PrepareOptimized(PrepareContext context) { }
    private static void SoftmaxInt8Optimized<TOut>(InvokeContext context, ReadOnlySpan<sbyte> input, Span<TOut> output) => throw ReferenceOnly.NoFastPath();
}

public sealed partial class Mul
{
    private static Int8BroadcastPlan _int8Plan => default;
    private static SimdLevel _level => SimdLevel.Reference;
    private void PrepareOptimized(PrepareContext context, Tensor input1, Tensor input2, Tensor output, Int8ProductParameters? parameters)
        => _int32Kind = Int32BroadcastKind.None;
    private static void RunInt8Optimized(InvokeContext context) => throw ReferenceOnly.NoFastPath();
}

/// <summary>ADD and SUB's vector path: never active here.</summary>
internal struct Int8SumFastPath
{
    public readonly bool Active => false;

    public void Prepare(PrepareContext context, TensorType type, BroadcastShape shape, in QuantizedSumOperator<sbyte> op,
        Tensor input1, Tensor input2, Tensor output) { }

    public readonly void Run(InvokeContext context, QuantizedSumOperator<sbyte> op) => throw ReferenceOnly.NoFastPath();
}

internal enum Int8BroadcastKind : byte { None }

internal readonly record struct Int8BroadcastPlan(Int8BroadcastKind Kind);

internal readonly record struct Int8ProductParameters
{
    public static Int8ProductParameters? Create(int input1Offset, int input2Offset, int outputOffset, int multiplier, int shift, int min, int max) => null;
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
