using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// SVDF's integer arithmetic after the feature products: the reference functions here, their vector forms over the same
/// parameters in <c>SvdfArithmetic.Simd.cs</c> (which finish with these what a vector does not cover).
/// </summary>
internal static partial class SvdfArithmetic
{
    /// <summary>One feature product as the reference forms it: sum of w * (x - input zero point), wrapping in 32 bits.</summary>
    public static int FeatureSum(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> w, int inputZeroPoint)
    {
        int sum = 0;
        for (int k = 0; k < x.Length; k++) sum = unchecked(sum + w[k] * (x[k] - inputZeroPoint));
        return sum;
    }

    /// <summary>A feature projection as the state stores it: requantized to the state's scale, clamped, offset by its zero point.</summary>
    public static int FeatureToState(int sum, int multiplier, int shift, int stateMin, int stateMax, int stateZeroPoint)
        => stateZeroPoint + Math.Clamp(FixedPoint.MultiplyByQuantizedMultiplier(sum, multiplier, shift), stateMin, stateMax);

    /// <summary>
    /// sums[f] = sum over k &lt; memory of weights[f * memory + k] * (state[f * memory + k] - zero point), wrapping in 32 bits,
    /// for every filter f of <paramref name="sums"/>: the time-weighted window of each filter.
    /// </summary>
    public static void TimeProducts<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> state, int memory, int stateZeroPoint, Span<int> sums)
        where T : unmanaged
    {
        for (int f = 0; f < sums.Length; f++)
        {
            ReadOnlySpan<T> w = weights.Slice(f * memory, memory);
            ReadOnlySpan<T> s = state.Slice(f * memory, memory);
            int sum = 0;
            for (int k = 0; k < memory; k++) sum = unchecked(sum + Scalar.ToInt32(w[k]) * (Scalar.ToInt32(s[k]) - stateZeroPoint));
            sums[f] = sum;
        }
    }
}
