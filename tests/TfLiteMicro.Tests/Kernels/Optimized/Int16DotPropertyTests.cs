using TfLiteMicro.Kernels;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// <see cref="Int16Dot"/>'s sums are the exact integers at every instruction-set level: depths around the 16-value steps
/// and the short-row form's limit, extreme values (-32768 times -128 everywhere) and random ones, row counts around four.
/// </summary>
public sealed class Int16DotPropertyTests
{
    [Fact]
    public void RowsGiveExactSums()
    {
        var random = new Random(1616);
        int cases = FastPath.Cases(400);
        for (int i = 0; i < cases; i++)
        {
            int depth = random.Next(4) == 0 ? 16 * random.Next(1, 20) + random.Next(-1, 2) : random.Next(1, 300);
            depth = Math.Max(depth, 1);
            int n = random.Next(1, 10);
            bool extreme = random.Next(5) == 0;
            var row = new short[depth];
            var weights = new sbyte[n * depth];
            for (int d = 0; d < depth; d++) row[d] = extreme ? short.MinValue : (short)random.Next(short.MinValue, short.MaxValue + 1);
            for (int k = 0; k < weights.Length; k++) weights[k] = extreme ? sbyte.MinValue : (sbyte)random.Next(-128, 128);
            var expected = new long[n];
            for (int o = 0; o < n; o++)
                for (int d = 0; d < depth; d++) expected[o] += (long)row[d] * weights[o * depth + d];
            foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
            {
                if (level == SimdLevel.Reference || !Simd.IsAvailable(level)) continue;
                var sums = new long[n + 1];
                sums[n] = 0x5A5A5A5A;
                Int16Dot.Rows(level, row, weights, depth, n, sums);
                Assert.True(expected.AsSpan().SequenceEqual(sums.AsSpan(0, n)), $"case {i}: depth {depth} rows {n} extreme {extreme} at {level}");
                Assert.Equal(0x5A5A5A5A, sums[n]);
            }
        }
    }
}
