using TfLiteMicro.Kernels;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// One random case of <see cref="Int8Gemm.Run"/> on a product of rows against the sum written out (sum over d of
/// (x + 128) * w plus the initial sums, requantized one value at a time), at every level, the weights arranged per call
/// or once. No test-framework dependency: the property tests and the Arm64 check both run it.
/// </summary>
internal static class Int8GemmLoopCase
{
    /// <summary>Null when every level gives the written-out sums' bytes, else what differs first.</summary>
    public static string? Compare(Random random, string description)
    {
        int rows = random.Next(1, 11), depth = 4 * random.Next(1, 40), channels = random.Next(1, 50);
        var shape = Int8GemmShape.Rows(rows, depth, channels);
        sbyte[] input = Signed(random, rows * depth), weights = Signed(random, channels * depth);
        int[] initial = Enumerable.Range(0, channels).Select(_ => random.Next(-50_000, 50_000)).ToArray();
        int[] multipliers = Enumerable.Range(0, channels).Select(_ => random.Next(1 << 30, int.MaxValue)).ToArray();
        int[] shifts = Enumerable.Range(0, channels).Select(_ => random.Next(-14, 2)).ToArray();
        int offset = random.Next(-128, 128), min = random.Next(-128, 0), max = random.Next(0, 128);
        bool arrangeOnce = random.Next(2) == 0;
        void Scalar(in Int8Requantizer requantizer, Span<sbyte> output)
        {
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < channels; c++)
                {
                    int sum = initial[c];
                    for (int d = 0; d < depth; d++) sum += (input[r * depth + d] + 128) * weights[c * depth + d];
                    output[r * channels + c] = requantizer.Apply1(sum, c);
                }
        }
        return FastPath.CompareLoop<sbyte>(rows * channels,
            output => Scalar(new Int8Requantizer(multipliers, shifts, offset, min, max, vector: false), output),
            (level, output) =>
            {
                var requantizer = new Int8Requantizer(multipliers, shifts, offset, min, max, vector: Int8Requantizer.CanVectorize(level, multipliers, shifts));
                if (!Int8Gemm.Applies(level, shape) || !requantizer.Vectorized)
                {
                    Scalar(requantizer, output);
                    return;
                }
                byte[] arranged = arrangeOnce ? new byte[Int8Gemm.ArrangedBytes(level, shape)] : [];
                if (arrangeOnce) Int8Gemm.ArrangeAll(level, weights, shape, arranged);
                byte[] scratch = new byte[Int8Gemm.ScratchBytes(level, shape, arrangeOnce)];
                Array.Fill(scratch, (byte)0x5A);
                Int8Gemm.Run(level, shape, input, 0, weights, arranged, initial, requantizer, output, scratch);
            },
            $"{description}: {rows} rows x {depth} -> {channels} channels, arranged once {arrangeOnce}");
    }

    /// <summary>
    /// One random case of the raw sums (<see cref="MatMulArithmetic.Int8Sums"/>: the GEMM core's raw-sums mode from four rows,
    /// two with the weights arranged once, the dot products below or when the depth is not a multiple of four) against
    /// sum over d of w * (x + offset) plus the bias written out, rows a random stride apart (the values between must stay as
    /// they were). Null when every level gives the written-out sums, else what differs first.
    /// </summary>
    public static string? CompareSums(Random random, string description)
    {
        int rows = random.Next(1, 13), channels = random.Next(1, 70), stride = channels + (random.Next(2) == 0 ? 0 : random.Next(1, 9));
        int depth = random.Next(4) == 0 ? random.Next(1, 90) : 4 * random.Next(1, 40);
        sbyte[] input = Signed(random, rows * depth), weights = Signed(random, channels * depth);
        int[] bias = random.Next(3) == 0 ? [] : Enumerable.Range(0, channels).Select(_ => random.Next(int.MinValue, int.MaxValue)).ToArray();
        int offset = random.Next(3) switch { 0 => 128, 1 => -127, _ => random.Next(-127, 129) };
        bool arrangeOnce = random.Next(2) == 0, onlyArranged = arrangeOnce && random.Next(2) == 0, fold = random.Next(3) == 0;
        int length = (rows - 1) * stride + channels;
        // Between rows both sides hold a mark the products must leave alone; the products' places start poisoned.
        const int Between = 0x13579BDF, Poison = 0x5A5A5A5A;
        void Mark(Span<int> sums, int inside)
        {
            for (int k = 0; k < sums.Length; k++) sums[k] = k % stride < channels ? inside : Between;
        }
        void Scalar(Span<int> sums)
        {
            Mark(sums, Poison);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < channels; c++)
                {
                    int sum = bias.Length == 0 ? 0 : bias[c];
                    for (int d = 0; d < depth; d++) sum = unchecked(sum + (input[r * depth + d] + offset) * weights[c * depth + d]);
                    sums[r * stride + c] = sum;
                }
        }
        return FastPath.CompareLoop<int>(length, output => Scalar(output),
            (level, output) =>
            {
                if (level == SimdLevel.Reference)
                {
                    Scalar(output);
                    return;
                }
                Mark(output, Poison);
                var shape = Int8GemmShape.Rows(rows, depth, channels);
                bool arranged = arrangeOnce && Int8Gemm.Applies(level, shape);
                byte[] panels = arranged ? new byte[Int8Gemm.ArrangedBytes(level, shape)] : [];
                if (arranged) Int8Gemm.ArrangeAll(level, weights, shape, panels);
                byte[] scratch = new byte[MatMulArithmetic.Int8SumsScratchBytes(level, depth, arranged)];
                Array.Fill(scratch, (byte)0x5A);
                var p = new MatMulParameters { Batches = rows, AccumDepth = depth, OutputDepth = channels, InputOffset = offset };
                int[] folded = fold ? MatMulArithmetic.FoldedBias(p, weights, bias) : [];
                MatMulArithmetic.Int8Sums(level, p, input, onlyArranged && arranged ? [] : weights, panels, fold ? [] : bias, folded,
                    scratch, output, stride);
            },
            $"{description}: sums of {rows} rows x {depth} -> {channels} channels, stride {stride}, offset {offset}, bias {bias.Length > 0}, arranged once {arrangeOnce} (only {onlyArranged}), folded {fold}");
    }

    private static sbyte[] Signed(Random random, int count)
    {
        var values = new sbyte[count];
        for (int k = 0; k < count; k++) values[k] = (sbyte)random.Next(-128, 128);
        return values;
    }
}
