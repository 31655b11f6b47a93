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

/// <summary>The LSTM cell's vector forms: never chosen here.</summary>
internal static partial class LstmArithmetic
{
    public static bool CanVectorize(SimdLevel level, in LstmCellParameters p) => false;

    public static bool CanVectorizeFloat(SimdLevel level) => false;

    public static bool CanFuseInt8(SimdLevel level, in FusedLstmLayout layout, in LstmCellParameters p) => false;

    public static bool FusedUsesVnni(SimdLevel level) => false;

    public static bool CanFuseFloat(SimdLevel level, in FusedFloatLstmLayout layout) => false;

    public static void ArrangeFusedFloatGate(in FusedFloatLstmLayout layout, int gate, ReadOnlySpan<float> inputWeights,
        ReadOnlySpan<float> recurrentWeights, ReadOnlySpan<float> bias, Span<float> arranged) => throw ReferenceOnly.NoFastPath();

    public static void RunFusedFloat(in FusedFloatLstmLayout layout, ReadOnlySpan<float> arranged, bool timeMajor, float clip,
        ReadOnlySpan<float> input, Span<float> hidden, Span<float> cell, Span<float> output) => throw ReferenceOnly.NoFastPath();

    public static void ArrangeFusedGate(in FusedLstmLayout layout, int gate, ReadOnlySpan<sbyte> inputWeights, ReadOnlySpan<sbyte> recurrentWeights,
        ReadOnlySpan<int> bias, Span<byte> arranged, Span<int> constants) => throw ReferenceOnly.NoFastPath();

    public static void RunFusedInt8(in FusedLstmLayout layout, Span<byte> arranged, Span<int> constants, bool timeMajor,
        int inputOffset, int hiddenOffset, ReadOnlySpan<int> inputMultipliers, ReadOnlySpan<int> inputShifts,
        ReadOnlySpan<int> recurrentMultipliers, ReadOnlySpan<int> recurrentShifts, in LstmCellParameters p,
        ReadOnlySpan<sbyte> input, Span<sbyte> hidden, Span<short> cell, Span<sbyte> output) => throw ReferenceOnly.NoFastPath();

    public static bool FitsMultiplier(int multiplier, int shift) => false;

    public static bool FitsMultiplier64(int multiplier, int shift) => false;


    public static void GateFromSums<TBias>(ReadOnlySpan<long> inputSums, ReadOnlySpan<TBias> bias, int inputMultiplier, int inputShift,
        ReadOnlySpan<long> recurrentSums, int recurrentMultiplier, int recurrentShift, Span<short> result) where TBias : unmanaged
        => throw ReferenceOnly.NoFastPath();

    public static void UpdateCellFast(in LstmCellParameters p, ReadOnlySpan<short> forget, ReadOnlySpan<short> input, ReadOnlySpan<short> cellGate,
        Span<short> cell) => throw ReferenceOnly.NoFastPath();

    public static void HiddenFast<TAct>(in LstmCellParameters p, ReadOnlySpan<short> tanhCell, ReadOnlySpan<short> outputGate, Span<TAct> hidden)
        where TAct : unmanaged => throw ReferenceOnly.NoFastPath();

    public static void Logistic(ReadOnlySpan<short> input, Span<short> output) => throw ReferenceOnly.NoFastPath();

    public static void Tanh(ReadOnlySpan<short> input, Span<short> output, int inputMultiplier, int inputLeftShift) => throw ReferenceOnly.NoFastPath();

    public static void FloatGate(Span<float> gate, ReadOnlySpan<float> recurrent, bool sigmoid) => throw ReferenceOnly.NoFastPath();

    public static void FloatCellAndHidden(ReadOnlySpan<float> forget, ReadOnlySpan<float> input, ReadOnlySpan<float> cellGate,
        ReadOnlySpan<float> outputGate, float clip, Span<float> cell, Span<float> hidden) => throw ReferenceOnly.NoFastPath();
}

/// <summary>SVDF's vector forms: never chosen here.</summary>
internal static partial class SvdfArithmetic
{
    public static bool CanVectorize(SimdLevel level, int featureMultiplier, int featureShift) => false;

    public static void FeaturesToState<TSum, T>(ReadOnlySpan<TSum> sums, int count, int multiplier, int shift, int stateMin, int stateMax, int stateZeroPoint,
        Span<T> state, int firstFilter, int memory) where TSum : unmanaged where T : unmanaged => throw ReferenceOnly.NoFastPath();

    public static void TimeProductsFast<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> state, int memory, int stateZeroPoint, Span<int> sums)
        where T : unmanaged => throw ReferenceOnly.NoFastPath();

    public static void RequantizeOutput(ReadOnlySpan<int> sums, int multiplier, int shift, int outputZeroPoint, Span<sbyte> output)
        => throw ReferenceOnly.NoFastPath();
}
