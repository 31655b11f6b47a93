using TfLiteMicro.Kernels;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// <see cref="Int8Dot"/>'s sums equal the reference's wrapping int32 sums at every instruction-set level: depths around
/// the 32-, 16-, 8- and 4-value steps, extreme values (255 times -128 everywhere), random initial sums (also read from the
/// sums themselves, as FULLY_CONNECTED does without a bias), row counts around four; the sums past the rows stay poisoned.
/// </summary>
public sealed class Int8DotPropertyTests
{
    [Fact]
    public void RowsGiveTheWrappingSums()
    {
        var random = new Random(808);
        int cases = FastPath.Cases(400);
        for (int i = 0; i < cases; i++)
        {
            int depth = random.Next(4) == 0 ? 16 * random.Next(0, 20) + random.Next(-1, 5) : random.Next(0, 300);
            depth = Math.Max(depth, 0);
            int n = random.Next(1, 11);
            bool extreme = random.Next(5) == 0, aliased = random.Next(4) == 0;
            var row = new byte[depth];
            var weights = new sbyte[n * depth];
            var initial = new int[n];
            for (int d = 0; d < depth; d++) row[d] = extreme ? byte.MaxValue : (byte)random.Next(256);
            for (int k = 0; k < weights.Length; k++) weights[k] = extreme ? sbyte.MinValue : (sbyte)random.Next(-128, 128);
            for (int o = 0; o < n; o++) initial[o] = random.Next(3) == 0 ? random.Next(int.MinValue, int.MaxValue) : random.Next(-1000, 1000);
            var expected = new int[n];
            for (int o = 0; o < n; o++)
            {
                int total = initial[o];
                for (int d = 0; d < depth; d++) total = unchecked(total + row[d] * weights[o * depth + d]);
                expected[o] = total;
            }
            foreach (SimdLevel level in Enum.GetValues<SimdLevel>())
            {
                if (level == SimdLevel.Reference || !Simd.IsAvailable(level)) continue;
                var sums = new int[n + 3];
                sums.AsSpan().Fill(0x5A5A5A5A);
                if (aliased) initial.CopyTo(sums, 0);
                Int8Dot.Rows(level, row, weights, depth, n, aliased ? sums.AsSpan(0, n) : initial, sums.AsSpan(0, n));
                Assert.True(expected.AsSpan().SequenceEqual(sums.AsSpan(0, n)),
                    $"case {i}: depth {depth} rows {n} extreme {extreme} aliased {aliased} at {level}");
                Assert.All(sums.AsSpan(n).ToArray(), v => Assert.Equal(0x5A5A5A5A, v));
            }
        }
    }
}
