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
        => Reference<sbyte, sbyte, int, sbyte, IntegerOutput<sbyte, sbyte, int, sbyte, int, WrappingInt32>>(p, input, weights, bias, multipliers, shifts, output);

    /// <summary>int16 activations, int8 weights; the bias is int32 (<paramref name="bias32"/>) or int64 (<paramref name="bias64"/>), at most one given.</summary>
    public static void ReferenceInt16(in MatMulParameters p, ReadOnlySpan<short> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias32,
        ReadOnlySpan<long> bias64, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, Span<short> output)
    {
        if (p.Int32Accumulator)
            Reference<short, sbyte, int, short, IntegerOutput<short, sbyte, int, short, int, WrappingInt32>>(p, input, weights, bias32, multipliers, shifts, output);
        else
            Reference<short, sbyte, long, short, IntegerOutput<short, sbyte, long, short, long, ExactInt64>>(p, input, weights, bias64, multipliers, shifts, output);
    }

    /// <summary>
    /// int16 activations and int16 weights (BATCH_MATMUL), symmetric: the sums in 64 bits, per-tensor requantization, no
    /// bias and no activation beyond the output type's range.
    /// </summary>
    public static void ReferenceInt16x16(in MatMulParameters p, ReadOnlySpan<short> input, ReadOnlySpan<short> weights, Span<short> output)
        => Reference<short, short, long, short, IntegerOutput<short, short, long, short, long, ExactInt64>>(p, input, weights, default, default, default, output);

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

    /// <summary>
    /// The integer products, one computation for every type: each product (w + weights offset) * (x + input offset)
    /// summed by <typeparamref name="TAccumulator"/> (as the reference sums for the bias type), the bias added,
    /// requantized, offset and clamped.
    /// </summary>
    private readonly struct IntegerOutput<TInput, TWeight, TBias, TOutput, TSum, TAccumulator> : IReferenceOutput<TInput, TWeight, TBias, TOutput>
        where TInput : unmanaged where TWeight : unmanaged where TBias : unmanaged where TOutput : unmanaged
        where TSum : struct where TAccumulator : struct, IAccumulator<TSum>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TOutput Output(in MatMulParameters p, ReadOnlySpan<TInput> row, ReadOnlySpan<TWeight> weights, ReadOnlySpan<TBias> bias,
            ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int o)
        {
            TSum acc = default;
            for (int d = 0; d < row.Length; d++)
                acc = default(TAccumulator).MultiplyAdd(acc, Scalar.ToInt32(weights[d]) + p.WeightsOffset, Scalar.ToInt32(row[d]) + p.InputOffset);
            if (!bias.IsEmpty) acc = default(TAccumulator).Add(acc, Scalar.ToInt64(bias[o]));
            int scaled = default(TAccumulator).Requantize(acc, p.MultiplierOf(multipliers, o), p.ShiftOf(shifts, o));
            return Scalar.Truncate<TOutput>(Math.Min(Math.Max(scaled + p.OutputOffset, p.ActivationMin), p.ActivationMax));
        }
    }

    /// <summary>How the reference sums a row's integer products and its bias.</summary>
    private interface IAccumulator<TSum>
    {
        TSum MultiplyAdd(TSum sum, int w, int x);

        TSum Add(TSum sum, long bias);

        int Requantize(TSum sum, int multiplier, int shift);
    }

    /// <summary>TFLM's 32-bit accumulator (with an int32 bias): sums that wrap on overflow.</summary>
    private readonly struct WrappingInt32 : IAccumulator<int>
    {
        public int MultiplyAdd(int sum, int w, int x) => unchecked(sum + w * x);

        public int Add(int sum, long bias) => unchecked(sum + (int)bias);

        public int Requantize(int sum, int multiplier, int shift) => FixedPoint.MultiplyByQuantizedMultiplier(sum, multiplier, shift);
    }

    /// <summary>The 64-bit accumulator (an int64 bias, int16 weights): exact sums.</summary>
    private readonly struct ExactInt64 : IAccumulator<long>
    {
        public long MultiplyAdd(long sum, int w, int x) => sum + (long)w * x;

        public long Add(long sum, long bias) => sum + bias;

        public int Requantize(long sum, int multiplier, int shift) => FixedPoint.MultiplyByQuantizedMultiplier(sum, multiplier, shift);
    }
}
