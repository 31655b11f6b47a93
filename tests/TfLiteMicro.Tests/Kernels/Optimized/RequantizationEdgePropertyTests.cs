using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// Requantization at its limits on every level: power-of-two scales (multiplier exactly one half, so the rounding right
/// shift meets exact ties, which go away from zero), shifts up to the vector form's bounds and beyond, left shifts that
/// wrap, and activation limits that overflow for tiny output scales (min above max).
/// </summary>
public sealed class RequantizationEdgePropertyTests
{
    [Fact]
    public void LevelsAreTheAvailableOnesInOrder()
    {
        SimdLevel previous = SimdLevel.Reference;
        foreach (SimdLevel level in FastPath.Levels())
        {
            Assert.True(Simd.IsAvailable(level), $"{level} is listed but not available");
            Assert.True(level > previous);
            previous = level;
        }
        Assert.True(Simd.IsAvailable(Simd.Supported));
    }

    [Fact]
    public void FullyConnectedInt8AtRequantizationLimitsMatchesReference()
    {
        var random = new Random(6006);
        int cases = FastPath.Cases(300);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 3), units = random.Next(1, 30), depth = random.Next(1, 100);
            bool perChannel = random.Next(2) == 0, powerOfTwo = random.Next(2) == 0;
            var m = new OperatorModel();
            float inputScale = MathF.ScaleB(1f, random.Next(-8, -3));
            int input = m.Input(TensorType.Int8, [batches, depth], Quant.PerTensor(inputScale, random.Next(-128, 128)));
            var weightScales = new float[perChannel ? units : 1];
            for (int c = 0; c < weightScales.Length; c++) weightScales[c] = MathF.ScaleB(1f, random.Next(-10, -5));
            int weights = m.Constant(TensorType.Int8, [units, depth], RandomBytes(random, units * depth), Quant.PerChannel(weightScales, 0));
            var inputs = new List<int> { input, weights };
            if (random.Next(2) != 0) inputs.Add(m.Constant(TensorType.Int32, [units], Bias(random, units), Quant.PerTensor(inputScale * weightScales[0])));
            // Effective scales from 2^-33 (shift -32: multiplier zero) to 2^30 (shift 31 for the per-channel neighbours).
            int exponent = random.Next(-30, 34);
            float mantissa = powerOfTwo ? 1f : 1f + random.NextSingle();
            m.Output(TensorType.Int8, [batches, units], Quant.PerTensor(inputScale * weightScales[0] * MathF.ScaleB(mantissa, exponent), random.Next(-128, 128)));
            byte[] model = m.Build(BuiltinOperator.FullyConnected, [.. inputs], OperatorOptions.FullyConnected(RandomActivation(random)));
            FastPath.AssertMatchesReference(model, random, $"case {i}: FC batches {batches} depth {depth} units {units} per-channel {perChannel} output scale 2^{exponent} x {mantissa}");
        }
    }
}
