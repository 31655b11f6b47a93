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

    private static sbyte[] Signed(Random random, int count)
    {
        var values = new sbyte[count];
        for (int k = 0; k < count; k++) values[k] = (sbyte)random.Next(-128, 128);
        return values;
    }
}
