using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The arithmetic of the matrix products (FULLY_CONNECTED, and the same row-by-row products elsewhere), as static
/// functions over <see cref="MatMulParameters"/> and spans: the reference (TFLM's reference kernels, to the bit) here,
/// the fast paths over the same parameters in MatMulArithmetic.Fast.cs. Weights are OutputDepth rows of AccumDepth values.
/// Multipliers and shifts passed in are the per-channel tables (empty with per-tensor quantization).
/// </summary>
internal static partial class MatMulArithmetic
{
    public static void ReferenceFloat(in MatMulParameters p, ReadOnlySpan<float> input, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, Span<float> output)
    {
        int depth = p.AccumDepth, outputs = p.OutputDepth;
        for (int b = 0; b < p.Batches; b++)
        {
            ReadOnlySpan<float> row = input.Slice(b * depth, depth);
            for (int o = 0; o < outputs; o++)
            {
                ReadOnlySpan<float> w = weights.Slice(o * depth, depth);
                float total = 0f;
                for (int d = 0; d < row.Length; d++) total += row[d] * w[d];
                float value = total + (bias.IsEmpty ? 0f : bias[o]);
                output[b * outputs + o] = Math.Min(Math.Max(value, p.FloatMin), p.FloatMax);
            }
        }
    }

    public static void ReferenceInt8(in MatMulParameters p, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, Span<sbyte> output)
    {
        int depth = p.AccumDepth, outputs = p.OutputDepth;
        for (int b = 0; b < p.Batches; b++)
        {
            ReadOnlySpan<sbyte> row = input.Slice(b * depth, depth);
            for (int o = 0; o < outputs; o++)
            {
                ReadOnlySpan<sbyte> w = weights.Slice(o * depth, depth);
                int acc = 0;
                for (int d = 0; d < row.Length; d++) acc = unchecked(acc + (w[d] + p.WeightsOffset) * (row[d] + p.InputOffset));
                if (!bias.IsEmpty) acc = unchecked(acc + bias[o]);
                int scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, p.MultiplierOf(multipliers, o), p.ShiftOf(shifts, o)) + p.OutputOffset;
                output[b * outputs + o] = (sbyte)Math.Min(Math.Max(scaled, p.ActivationMin), p.ActivationMax);
            }
        }
    }

    /// <summary>int16 activations, int8 weights; the bias is int32 (<paramref name="bias32"/>) or int64 (<paramref name="bias64"/>), at most one given.</summary>
    public static void ReferenceInt16(in MatMulParameters p, ReadOnlySpan<short> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias32,
        ReadOnlySpan<long> bias64, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, Span<short> output)
    {
        int depth = p.AccumDepth, outputs = p.OutputDepth;
        for (int b = 0; b < p.Batches; b++)
        {
            ReadOnlySpan<short> row = input.Slice(b * depth, depth);
            for (int o = 0; o < outputs; o++)
            {
                ReadOnlySpan<sbyte> w = weights.Slice(o * depth, depth);
                int multiplier = p.MultiplierOf(multipliers, o), shift = p.ShiftOf(shifts, o);
                int scaled;
                if (p.Int32Accumulator)
                {
                    int acc = 0;
                    for (int d = 0; d < row.Length; d++) acc = unchecked(acc + (w[d] + p.WeightsOffset) * (row[d] + p.InputOffset));
                    if (!bias32.IsEmpty) acc = unchecked(acc + bias32[o]);
                    scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, multiplier, shift);
                }
                else
                {
                    long acc = 0;
                    for (int d = 0; d < row.Length; d++) acc += (long)(w[d] + p.WeightsOffset) * (row[d] + p.InputOffset);
                    if (!bias64.IsEmpty) acc += bias64[o];
                    scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, multiplier, shift);
                }
                scaled += p.OutputOffset;
                output[b * outputs + o] = (short)Math.Min(Math.Max(scaled, p.ActivationMin), p.ActivationMax);
            }
        }
    }

    /// <summary>
    /// int16 activations and int16 weights (BATCH_MATMUL), symmetric: the sums in 64 bits, per-tensor requantization, no
    /// bias and no activation beyond the output type's range.
    /// </summary>
    public static void ReferenceInt16x16(in MatMulParameters p, ReadOnlySpan<short> input, ReadOnlySpan<short> weights, Span<short> output)
    {
        int depth = p.AccumDepth, outputs = p.OutputDepth;
        for (int b = 0; b < p.Batches; b++)
        {
            ReadOnlySpan<short> row = input.Slice(b * depth, depth);
            for (int o = 0; o < outputs; o++)
            {
                ReadOnlySpan<short> w = weights.Slice(o * depth, depth);
                long acc = 0;
                for (int d = 0; d < row.Length; d++) acc += (long)(w[d] + p.WeightsOffset) * (row[d] + p.InputOffset);
                int scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, p.Multiplier, p.Shift) + p.OutputOffset;
                output[b * outputs + o] = (short)Math.Min(Math.Max(scaled, p.ActivationMin), p.ActivationMax);
            }
        }
    }
}
