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
        => Reference<float, float, float, float, float, FloatOutput>(p, input, weights, bias, default, default, output);

    public static void ReferenceInt8(in MatMulParameters p, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias,
        ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, Span<sbyte> output)
        => Reference<sbyte, sbyte, int, sbyte, int, IntegerOutput<sbyte, sbyte, int, sbyte, int, WrappingInt32>>(p, input, weights, bias, multipliers, shifts, output);

    /// <summary>int16 activations, int8 weights; the bias is int32 (<paramref name="bias32"/>) or int64 (<paramref name="bias64"/>), at most one given.</summary>
    public static void ReferenceInt16(in MatMulParameters p, ReadOnlySpan<short> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias32,
        ReadOnlySpan<long> bias64, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, Span<short> output)
    {
        if (p.Int32Accumulator)
            Reference<short, sbyte, int, short, int, IntegerOutput<short, sbyte, int, short, int, WrappingInt32>>(p, input, weights, bias32, multipliers, shifts, output);
        else
            Reference<short, sbyte, long, short, long, IntegerOutput<short, sbyte, long, short, long, ExactInt64>>(p, input, weights, bias64, multipliers, shifts, output);
    }

    /// <summary>
    /// int16 activations and int16 weights (BATCH_MATMUL), symmetric: the sums in 64 bits, per-tensor requantization, no
    /// bias and no activation beyond the output type's range.
    /// </summary>
    public static void ReferenceInt16x16(in MatMulParameters p, ReadOnlySpan<short> input, ReadOnlySpan<short> weights, Span<short> output)
        => Reference<short, short, long, short, long, IntegerOutput<short, short, long, short, long, ExactInt64>>(p, input, weights, default, default, default, output);

    /// <summary>
    /// The reference loops every type shares: for each batch row, each output's dot product with its weight row, then
    /// what <typeparamref name="TOutputStep"/> makes of the sum. Four outputs are summed side by side, each still over
    /// the row in order, so a float sum is added exactly as one output at a time would add it; the four chains of
    /// additions only wait on themselves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into each type's entry: a small layer pays no call with seven spans
    private static void Reference<TInput, TWeight, TBias, TOutput, TSum, TOutputStep>(in MatMulParameters p, ReadOnlySpan<TInput> input,
        ReadOnlySpan<TWeight> weights, ReadOnlySpan<TBias> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, Span<TOutput> output)
        where TSum : struct where TOutputStep : struct, IReferenceOutput<TInput, TWeight, TBias, TOutput, TSum>
    {
        int depth = p.AccumDepth, outputs = p.OutputDepth;
        for (int b = 0; b < p.Batches; b++)
        {
            ReadOnlySpan<TInput> row = input.Slice(b * depth, depth);
            Span<TOutput> outputRow = output.Slice(b * outputs, outputs);
            int o = 0;
            for (; o + 4 <= outputRow.Length; o += 4)
            {
                ReadOnlySpan<TWeight> w0 = weights.Slice(o * depth, depth), w1 = weights.Slice((o + 1) * depth, depth);
                ReadOnlySpan<TWeight> w2 = weights.Slice((o + 2) * depth, depth), w3 = weights.Slice((o + 3) * depth, depth);
                TSum s0 = default, s1 = default, s2 = default, s3 = default;
                for (int d = 0; d < row.Length; d++)
                {
                    TInput x = row[d];
                    s0 = default(TOutputStep).MultiplyAdd(p, s0, x, w0[d]);
                    s1 = default(TOutputStep).MultiplyAdd(p, s1, x, w1[d]);
                    s2 = default(TOutputStep).MultiplyAdd(p, s2, x, w2[d]);
                    s3 = default(TOutputStep).MultiplyAdd(p, s3, x, w3[d]);
                }
                outputRow[o] = default(TOutputStep).Output(p, s0, bias, multipliers, shifts, o);
                outputRow[o + 1] = default(TOutputStep).Output(p, s1, bias, multipliers, shifts, o + 1);
                outputRow[o + 2] = default(TOutputStep).Output(p, s2, bias, multipliers, shifts, o + 2);
                outputRow[o + 3] = default(TOutputStep).Output(p, s3, bias, multipliers, shifts, o + 3);
            }
            for (; o < outputRow.Length; o++)
            {
                ReadOnlySpan<TWeight> w = weights.Slice(o * depth, depth);
                TSum sum = default;
                for (int d = 0; d < row.Length; d++) sum = default(TOutputStep).MultiplyAdd(p, sum, row[d], w[d]);
                outputRow[o] = default(TOutputStep).Output(p, sum, bias, multipliers, shifts, o);
            }
        }
    }

    /// <summary>
    /// One output of a reference matrix product: its dot product summed one input at a time, then output <c>o</c>'s bias
    /// added, requantized and clamped.
    /// </summary>
    private interface IReferenceOutput<TInput, TWeight, TBias, TOutput, TSum>
    {
        TSum MultiplyAdd(in MatMulParameters p, TSum sum, TInput x, TWeight w);

        TOutput Output(in MatMulParameters p, TSum sum, ReadOnlySpan<TBias> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int o);
    }

    private readonly struct FloatOutput : IReferenceOutput<float, float, float, float, float>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float MultiplyAdd(in MatMulParameters p, float sum, float x, float w) => sum + x * w;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Output(in MatMulParameters p, float sum, ReadOnlySpan<float> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int o)
            => Math.Min(Math.Max(sum + (bias.IsEmpty ? 0f : bias[o]), p.FloatMin), p.FloatMax);
    }

    /// <summary>
    /// The integer products, one computation for every type: each product (w + weights offset) * (x + input offset)
    /// summed by <typeparamref name="TAccumulator"/> (as the reference sums for the bias type), the bias added,
    /// requantized, offset and clamped.
    /// </summary>
    private readonly struct IntegerOutput<TInput, TWeight, TBias, TOutput, TSum, TAccumulator> : IReferenceOutput<TInput, TWeight, TBias, TOutput, TSum>
        where TInput : unmanaged where TWeight : unmanaged where TBias : unmanaged where TOutput : unmanaged
        where TSum : struct where TAccumulator : struct, IAccumulator<TSum>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TSum MultiplyAdd(in MatMulParameters p, TSum sum, TInput x, TWeight w)
            => default(TAccumulator).MultiplyAdd(sum, Scalar.ToInt32(w) + p.WeightsOffset, Scalar.ToInt32(x) + p.InputOffset);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TOutput Output(in MatMulParameters p, TSum sum, ReadOnlySpan<TBias> bias, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, int o)
        {
            if (!bias.IsEmpty) sum = default(TAccumulator).Add(sum, Scalar.ToInt64(bias[o]));
            int scaled = default(TAccumulator).Requantize(sum, p.MultiplierOf(multipliers, o), p.ShiftOf(shifts, o));
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
