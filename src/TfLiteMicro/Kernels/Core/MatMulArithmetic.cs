using System.Runtime.CompilerServices;
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
        => Reference<float, float, float, float, FloatOutput>(p, input, weights, bias, default, default, output);

    public static void ReferenceInt8(in MatMulParameters p, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, Span<sbyte> output)
        => Reference<sbyte, sbyte, int, sbyte, Int8Output>(p, input, weights, bias, multipliers, shifts, output);

    /// <summary>int16 activations, int8 weights; the bias is int32 (<paramref name="bias32"/>) or int64 (<paramref name="bias64"/>), at most one given.</summary>
    public static void ReferenceInt16(in MatMulParameters p, ReadOnlySpan<short> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias32,
        ReadOnlySpan<long> bias64, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, Span<short> output)
    {
        if (p.Int32Accumulator) Reference<short, sbyte, int, short, Int16Output32>(p, input, weights, bias32, multipliers, shifts, output);
        else Reference<short, sbyte, long, short, Int16Output64>(p, input, weights, bias64, multipliers, shifts, output);
    }

    /// <summary>
    /// int16 activations and int16 weights (BATCH_MATMUL), symmetric: the sums in 64 bits, per-tensor requantization, no
    /// bias and no activation beyond the output type's range.
    /// </summary>
    public static void ReferenceInt16x16(in MatMulParameters p, ReadOnlySpan<short> input, ReadOnlySpan<short> weights, Span<short> output)
        => Reference<short, short, long, short, Int16x16Output>(p, input, weights, default, default, default, output);

    /// <summary>
    /// The reference loops every type shares: for each batch row and each output, the output <typeparamref name="TOutputStep"/>
    /// makes of the row and that output's weight row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into each type's entry: a small layer pays no call with seven spans
    private static void Reference<TInput, TWeight, TBias, TOutput, TOutputStep>(in MatMulParameters p, ReadOnlySpan<TInput> input,
        ReadOnlySpan<TWeight> weights, ReadOnlySpan<TBias> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, Span<TOutput> output)
        where TOutputStep : struct, IReferenceOutput<TInput, TWeight, TBias, TOutput>
    {
        int depth = p.AccumDepth, outputs = p.OutputDepth;
        for (int b = 0; b < p.Batches; b++)
        {
            ReadOnlySpan<TInput> row = input.Slice(b * depth, depth);
            Span<TOutput> outputRow = output.Slice(b * outputs, outputs);
            for (int o = 0; o < outputRow.Length; o++)
                outputRow[o] = default(TOutputStep).Output(p, row, weights.Slice(o * depth, depth), bias, multipliers, shifts, o);
        }
    }

    /// <summary>One output of a reference matrix product: output <c>o</c>'s dot product of a row with its weight row, biased, requantized and clamped.</summary>
    private interface IReferenceOutput<TInput, TWeight, TBias, TOutput>
    {
        TOutput Output(in MatMulParameters p, ReadOnlySpan<TInput> row, ReadOnlySpan<TWeight> weights, ReadOnlySpan<TBias> bias,
            ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int o);
    }

    private readonly struct FloatOutput : IReferenceOutput<float, float, float, float>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Output(in MatMulParameters p, ReadOnlySpan<float> row, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
            ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int o)
        {
            float total = 0f;
            for (int d = 0; d < row.Length; d++) total += row[d] * weights[d];
            return Math.Min(Math.Max(total + (bias.IsEmpty ? 0f : bias[o]), p.FloatMin), p.FloatMax);
        }
    }

    private readonly struct Int8Output : IReferenceOutput<sbyte, sbyte, int, sbyte>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public sbyte Output(in MatMulParameters p, ReadOnlySpan<sbyte> row, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias,
            ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int o)
        {
            int acc = 0;
            for (int d = 0; d < row.Length; d++) acc = unchecked(acc + (weights[d] + p.WeightsOffset) * (row[d] + p.InputOffset));
            if (!bias.IsEmpty) acc = unchecked(acc + bias[o]);
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, p.MultiplierOf(multipliers, o), p.ShiftOf(shifts, o)) + p.OutputOffset;
            return (sbyte)Math.Min(Math.Max(scaled, p.ActivationMin), p.ActivationMax);
        }
    }

    /// <summary>int16 x int8 with TFLM's 32-bit accumulator (an int32 bias).</summary>
    private readonly struct Int16Output32 : IReferenceOutput<short, sbyte, int, short>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public short Output(in MatMulParameters p, ReadOnlySpan<short> row, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias,
            ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int o)
        {
            int acc = 0;
            for (int d = 0; d < row.Length; d++) acc = unchecked(acc + (weights[d] + p.WeightsOffset) * (row[d] + p.InputOffset));
            if (!bias.IsEmpty) acc = unchecked(acc + bias[o]);
            return Int16Result(p, FixedPoint.MultiplyByQuantizedMultiplier(acc, p.MultiplierOf(multipliers, o), p.ShiftOf(shifts, o)));
        }
    }

    /// <summary>int16 x int8 with the 64-bit accumulator (an int64 bias).</summary>
    private readonly struct Int16Output64 : IReferenceOutput<short, sbyte, long, short>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public short Output(in MatMulParameters p, ReadOnlySpan<short> row, ReadOnlySpan<sbyte> weights, ReadOnlySpan<long> bias,
            ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int o)
        {
            long acc = 0;
            for (int d = 0; d < row.Length; d++) acc += (long)(weights[d] + p.WeightsOffset) * (row[d] + p.InputOffset);
            if (!bias.IsEmpty) acc += bias[o];
            return Int16Result(p, FixedPoint.MultiplyByQuantizedMultiplier(acc, p.MultiplierOf(multipliers, o), p.ShiftOf(shifts, o)));
        }
    }

    private readonly struct Int16x16Output : IReferenceOutput<short, short, long, short>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public short Output(in MatMulParameters p, ReadOnlySpan<short> row, ReadOnlySpan<short> weights, ReadOnlySpan<long> bias,
            ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int o)
        {
            long acc = 0;
            for (int d = 0; d < row.Length; d++) acc += (long)(weights[d] + p.WeightsOffset) * (row[d] + p.InputOffset);
            return Int16Result(p, FixedPoint.MultiplyByQuantizedMultiplier(acc, p.Multiplier, p.Shift));
        }
    }

    /// <summary>A requantized int16 sum plus the output zero point, clamped to the activation range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static short Int16Result(in MatMulParameters p, int scaled)
        => (short)Math.Min(Math.Max(scaled + p.OutputOffset, p.ActivationMin), p.ActivationMax);
}
