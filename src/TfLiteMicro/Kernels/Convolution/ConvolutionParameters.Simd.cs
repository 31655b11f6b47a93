namespace TfLiteMicro.Kernels;

/// <summary>The requantizers the convolution fast paths take, made in Invoke over <see cref="ConvolutionParameters.Scales"/>.</summary>
internal readonly partial struct ConvolutionParameters
{
    /// <summary>The int8 requantizer: one multiplier and shift for every channel when the filter has one scale.</summary>
    public Int8Requantizer CreateInt8Requantizer(InvokeContext context, bool vector)
    {
        ChannelRequantization scales = Requantization(context);
        return scales.PerTensor
            ? new Int8Requantizer(scales.Multipliers[0], scales.Shifts[0], OutputOffset, QuantizedMin, QuantizedMax, vector)
            : new Int8Requantizer(scales.Multipliers, scales.Shifts, OutputOffset, QuantizedMin, QuantizedMax, vector);
    }

    /// <summary>
    /// The 128-bit requantizer, which reads one multiplier and shift per channel: a per-tensor pair is spread over
    /// <paramref name="table"/> (2 x OutputDepth values).
    /// </summary>
    public Vector128Requantizer CreateVector128Requantizer(InvokeContext context, Span<int> table)
    {
        ChannelRequantization scales = Requantization(context);
        if (!scales.PerTensor) return new Vector128Requantizer(scales.Multipliers, scales.Shifts, OutputOffset, QuantizedMin, QuantizedMax);
        Span<int> multipliers = table.Slice(0, OutputDepth), shifts = table.Slice(OutputDepth, OutputDepth);
        multipliers.Fill(scales.Multipliers[0]);
        shifts.Fill(scales.Shifts[0]);
        return new Vector128Requantizer(multipliers, shifts, OutputOffset, QuantizedMin, QuantizedMax);
    }
}
