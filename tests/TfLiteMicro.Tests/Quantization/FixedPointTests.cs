using TfLiteMicro.Quantization;

namespace TfLiteMicro.Tests.Quantization;

/// <summary>Fixed-point helpers on values worked out by hand (these run without ../shared).</summary>
public sealed class FixedPointTests
{
    [Theory]
    [InlineData(0.0, 0, 0)]
    [InlineData(0.5, 1 << 30, 0)]
    [InlineData(1.0, 1 << 30, 1)]
    [InlineData(0.25, 1 << 30, -1)]
    [InlineData(1e-12, 0, 0)] // below 2^-32: not representable, TFLite gives (0, 0)
    public void QuantizeMultiplierOfSimpleValues(double real, int multiplier, int shift)
        => Assert.Equal((multiplier, shift), FixedPoint.QuantizeMultiplier(real));

    [Theory]
    [InlineData(5, 1, 3)] // 5/2 = 2.5 rounds away from zero
    [InlineData(-5, 1, -3)]
    [InlineData(7, 2, 2)]
    [InlineData(-6, 2, -2)] // -1.5 rounds to -2
    [InlineData(100, 0, 100)]
    public void RoundingDivideByPotRoundsHalfAwayFromZero(int x, int exponent, int expected)
        => Assert.Equal(expected, FixedPoint.RoundingDivideByPOT(x, exponent));

    [Fact]
    public void HighMulSaturatesOnlyMinTimesMin()
    {
        Assert.Equal(int.MaxValue, FixedPoint.SaturatingRoundingDoublingHighMul(int.MinValue, int.MinValue));
        Assert.Equal(1 << 29, FixedPoint.SaturatingRoundingDoublingHighMul(1 << 30, 1 << 30));
    }

    [Theory]
    [InlineData(1000, 0.5)]
    [InlineData(-1000, 0.5)]
    [InlineData(12345, 0.001)]
    [InlineData(77, 3.75)]
    public void MultiplyByQuantizedMultiplierApproximatesRealProduct(int x, double real)
    {
        (int m, int s) = FixedPoint.QuantizeMultiplier(real);
        Assert.Equal(Math.Round(x * real, MidpointRounding.AwayFromZero), FixedPoint.MultiplyByQuantizedMultiplier(x, m, s), 0);
    }

    [Fact]
    public void FrexpSplitsMantissaAndExponent()
    {
        Assert.Equal(0.75, FixedPoint.Frexp(6.0, out int e));
        Assert.Equal(3, e);
        Assert.Equal(-0.5, FixedPoint.Frexp(-0.125, out e));
        Assert.Equal(-2, e);
    }

    [Fact]
    public void ExpOnNegativeValuesIsCloseToExp()
    {
        for (double v = -10; v <= 0; v += 0.37)
        {
            int raw = (int)(v * (1 << 26)); // Q5
            double result = FixedPoint.ExpOnNegativeValues(raw, 5) / 2147483648.0;
            Assert.True(Math.Abs(result - Math.Exp(raw / (double)(1 << 26))) < 1e-6, $"exp({v}) = {result}");
        }
    }

    [Fact]
    public void OneOverOnePlusXIsCloseToReciprocal()
    {
        for (double v = 0; v < 1; v += 0.05)
        {
            int raw = (int)(v * 2147483648.0);
            double result = FixedPoint.OneOverOnePlusXForXIn01(raw) / 2147483648.0;
            Assert.True(Math.Abs(result - 1 / (1 + v)) < 1e-6, $"1/(1+{v}) = {result}");
        }
    }

    [Fact]
    public void RoundIsTheRuntimesHalfAwayFromZero()
    {
        // Ties, neighbours of ties, the edges of exact integers, signed zeros, infinities and random values, float
        // and double: every result must have the bits of Math.Round(x, MidpointRounding.AwayFromZero).
        var rng = new Random(7);
        var doubles = new List<double> { 0.0, -0.0, 0.5, -0.5, 1.5, -2.5, 0.49999999999999994, -0.49999999999999994,
            4503599627370495.5, 4503599627370497, -4503599627370495.5, double.MaxValue, double.Epsilon,
            double.PositiveInfinity, double.NegativeInfinity };
        for (int i = 0; i < 100_000; i++)
        {
            doubles.Add(BitConverter.Int64BitsToDouble(rng.NextInt64()));
            doubles.Add((rng.Next(-1_000_000, 1_000_000) + 0.5) * Math.Pow(2, rng.Next(-3, 3)));
        }
        foreach (double x in doubles)
        {
            if (double.IsNaN(x)) continue;
            Assert.Equal(BitConverter.DoubleToInt64Bits(Math.Round(x, MidpointRounding.AwayFromZero)), BitConverter.DoubleToInt64Bits(FixedPoint.Round(x)));
            float f = (float)x;
            Assert.Equal(BitConverter.SingleToInt32Bits(MathF.Round(f, MidpointRounding.AwayFromZero)), BitConverter.SingleToInt32Bits(FixedPoint.Round(f)));
            float next = MathF.BitIncrement(f);
            Assert.Equal(BitConverter.SingleToInt32Bits(MathF.Round(next, MidpointRounding.AwayFromZero)), BitConverter.SingleToInt32Bits(FixedPoint.Round(next)));
        }
    }
}
