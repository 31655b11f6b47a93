namespace TfLiteMicro.Quantization;

/// <summary>
/// Requantization factors of convolution-like ops (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED with per-channel weights):
/// for each output channel, input_scale * filter_scale / output_scale split into a Q31 multiplier and a shift, computed
/// in double precision from the float scales exactly as TFLite's PopulateConvolutionQuantizationParams does.
/// </summary>
internal static class PerChannelQuantization
{
    /// <summary>
    /// Fills <paramref name="multipliers"/> and <paramref name="shifts"/> (one entry per channel). A single filter scale
    /// is broadcast to every channel. Returns an error message when a scale makes the multiplier undefined, else null.
    /// </summary>
    public static string? Compute(float inputScale, ReadOnlySpan<float> filterScales, float outputScale, Span<int> multipliers, Span<int> shifts)
    {
        if (filterScales.Length == 0) return "the filter has no quantization scale";
        if (filterScales.Length != 1 && filterScales.Length != multipliers.Length)
            return $"the filter has {filterScales.Length} scales for {multipliers.Length} channels";
        for (int i = 0; i < multipliers.Length; i++)
        {
            float filterScale = filterScales.Length == 1 ? filterScales[0] : filterScales[i];
            double effective = (double)inputScale * filterScale / outputScale;
            if (!double.IsFinite(effective) || effective < 0)
                return $"channel {i}: input scale {inputScale} * filter scale {filterScale} / output scale {outputScale} is not a usable multiplier";
            (multipliers[i], shifts[i]) = FixedPoint.QuantizeMultiplier(effective);
        }
        return null;
    }
}
