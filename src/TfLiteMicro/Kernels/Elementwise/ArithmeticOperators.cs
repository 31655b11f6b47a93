using System.Runtime.CompilerServices;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>Clamping to a fused activation's range as TFLite does it: NaN passes through, infinities are clamped.</summary>
internal static class Clamp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Float(float x, float min, float max)
    {
        float lower = x < min ? min : x;
        return max < lower ? max : lower;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Int(int x, int min, int max) => x < min ? min : x > max ? max : x;

    /// <summary>Integer activation limits for unquantized int32 outputs (RELU: [0, max], RELU6: [0, 6], RELU_N1_TO_1: [-1, 1]).</summary>
    public static (int Min, int Max) Int32Range(FusedActivation activation) => activation switch
    {
        FusedActivation.Relu => (0, int.MaxValue),
        FusedActivation.Relu6 => (0, 6),
        FusedActivation.ReluN1To1 => (-1, 1),
        _ => (int.MinValue, int.MaxValue),
    };
}

/// <summary>
/// The int8/int16 sum or difference of two quantized inputs: each input is offset, shifted left for headroom, brought to a
/// common scale, added, and rescaled to the output (TFLite's AddElementwise / SubElementwise).
/// </summary>
internal readonly struct QuantizedSumOperator<T> : IBinaryOperator<T, T> where T : unmanaged
{
    public int LeftShift { get; init; }
    public int Input1Offset { get; init; }
    public int Input1Multiplier { get; init; }
    public int Input1Shift { get; init; }
    public int Input2Offset { get; init; }
    public int Input2Multiplier { get; init; }
    public int Input2Shift { get; init; }
    public int OutputOffset { get; init; }
    public int OutputMultiplier { get; init; }
    public int OutputShift { get; init; }
    public int Min { get; init; }
    public int Max { get; init; }
    public bool Subtract { get; init; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Invoke(T a, T b)
    {
        int shifted1 = unchecked((Input1Offset + Scalar.ToInt32(a)) * (1 << LeftShift));
        int shifted2 = unchecked((Input2Offset + Scalar.ToInt32(b)) * (1 << LeftShift));
        int scaled1 = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, Input1Multiplier, Input1Shift);
        int scaled2 = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, Input2Multiplier, Input2Shift);
        int raw = unchecked(Subtract ? scaled1 - scaled2 : scaled1 + scaled2);
        int output = unchecked(FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(raw, OutputMultiplier, OutputShift) + OutputOffset);
        return Scalar.Truncate<T>(Clamp.Int(output, Min, Max));
    }
}
