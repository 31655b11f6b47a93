namespace TfLiteMicro.Signal.Tests.Kernels;

/// <summary>The per-channel ops after the spectrum: the fast functions against the reference ones on random channels and parameters.</summary>
public class ChannelPropertyTests
{
    /// <summary>Energies over the whole uint32 range: full-scale, typical magnitudes, zeros and the maximum.</summary>
    internal static uint Energy(Random random, int kind) => (kind % 4) switch
    {
        0 => (uint)random.NextInt64(0, 1L << 32),
        1 => (uint)random.Next(0, 1 << random.Next(1, 31)),
        2 => random.Next(2) == 0 ? uint.MaxValue : 0,
        _ => (uint)random.Next(0, 100),
    };

    [Fact]
    public void FilterBankMatchesTheReference()
    {
        var random = new Random(40);
        for (int c = 0; c < FastPaths.Cases(300); c++)
        {
            int channels = random.Next(1, 48);
            int bins = random.Next(1, 300), weightCount = random.Next(1, 400);
            uint[] input = [.. Enumerable.Range(0, bins).Select(_ => Energy(random, c))];
            short[] weights = FftPropertyTests.Samples(random, weightCount, c);
            short[] unweights = FftPropertyTests.Samples(random, weightCount, c + 1);
            // Entries that fit: a width, then a start that leaves room for it (TFLM's are consecutive; any fitting one is valid).
            var widths = new short[channels + 1];
            var frequencyStarts = new short[channels + 1];
            var weightStarts = new short[channels + 1];
            for (int i = 0; i <= channels; i++)
            {
                widths[i] = (short)random.Next(0, Math.Min(bins, weightCount) + 1);
                frequencyStarts[i] = (short)random.Next(0, bins - widths[i] + 1);
                weightStarts[i] = (short)random.Next(0, weightCount - widths[i] + 1);
            }
            int outputs = random.Next(0, channels + 1);
            FastPaths.AssertLoop<ulong>(outputs,
                output => ChannelArithmetic.FilterBankReference(channels, input,
                    new FilterBankTables(weights, unweights, frequencyStarts, weightStarts, widths), new ulong[channels + 1], output),
                (level, output) => ChannelArithmetic.FilterBank(level, channels, input,
                    new FilterBankTables(weights, unweights, frequencyStarts, weightStarts, widths), new ulong[channels + 1], output),
                $"case {c}: {channels} channels, {bins} bins, {weightCount} weights");
        }
    }

    /// <summary>Values where a rounded square root can go wrong: squares and their neighbours, the rounding points k² + k and k² + k + 1, the width boundaries.</summary>
    private static ulong SquareRootInput(Random random, int kind)
    {
        ulong k = (ulong)random.NextInt64(0, 1L << 32);
        ulong small = (ulong)random.Next(0, 1 << 16);
        return (kind % 8) switch
        {
            0 => (ulong)random.NextInt64() * 2 + (ulong)random.Next(2),
            1 => k * k + (ulong)random.Next(-1, 2),
            2 => k * k + k + (ulong)random.Next(0, 2),
            3 => small * small + small + (ulong)random.Next(0, 2),
            4 => (1UL << 32) + (ulong)random.Next(-3, 3),
            5 => ulong.MaxValue - (ulong)random.Next(0, 1 << 20),
            6 => (ulong)random.Next(0, 1000),
            _ => (ulong)random.NextInt64(0, 1L << 32),
        };
    }

    [Fact]
    public void SquareRootMatchesTheReference()
    {
        var random = new Random(64);
        for (int c = 0; c < FastPaths.Cases(500); c++)
        {
            int channels = random.Next(1, 64);
            ulong[] input = [.. Enumerable.Range(0, channels).Select(i => SquareRootInput(random, c + i))];
            int shift = c % 10 == 0 ? random.Next(-40, 70) : random.Next(0, 16);
            FastPaths.AssertLoop<uint>(channels,
                output => ChannelArithmetic.SquareRootReference(input, shift, output),
                (level, output) => ChannelArithmetic.SquareRoot(level, input, shift, output),
                $"case {c}: {channels} channels, shift {shift}");
        }
    }

    [Fact]
    public void RoundedSquareRootIsSqrt64AtEveryBoundary()
    {
        // Around every square up to 2^16 and every rounding point; then spot checks up to 2^64.
        for (ulong k = 0; k <= 70000; k++)
        {
            foreach (ulong n in new[] { k * k, k * k + k, k * k + k + 1, k * k + 2 * k })
                Assert.Equal(SignalMath.Sqrt64(n), ChannelArithmetic.RoundedSquareRoot(n));
        }
        var random = new Random(7);
        for (int i = 0; i < 200_000; i++)
        {
            ulong n = SquareRootInput(random, i);
            Assert.Equal(SignalMath.Sqrt64(n), ChannelArithmetic.RoundedSquareRoot(n));
        }
    }
}
