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
