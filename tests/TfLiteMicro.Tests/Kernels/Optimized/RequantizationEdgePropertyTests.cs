using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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

    /// <summary>
    /// The eight-lane (AVX2) and sixteen-lane (AVX-512F) requantization against the scalar one, lane by lane, with every
    /// channel its own multiplier and shift: shifts over the whole vector range [-31, 30], multipliers from zero to
    /// 2^31 - 1, sums from int.MinValue to int.MaxValue (left shifts that wrap included), narrow and inverted limits.
    /// </summary>
    [Fact]
    public void VectorRequantizationMatchesScalarAtEveryWidth()
    {
        if (!Avx2.IsSupported) return;
        var random = new Random(6007);
        int[] edgeMultipliers = [0, 1, 1 << 30, (1 << 30) + 1, int.MaxValue - 1, int.MaxValue];
        int[] edgeSums = [int.MinValue, int.MinValue + 1, -(1 << 30), -1, 0, 1, 1 << 30, int.MaxValue - 1, int.MaxValue];
        var multipliers = new int[16];
        var shifts = new int[16];
        var sums = new int[16];
        var lanes = new int[16];
        var bytes = new sbyte[16];
        for (int i = 0; i < FastPath.Cases(20000); i++)
        {
            for (int c = 0; c < 16; c++)
            {
                multipliers[c] = random.Next(3) == 0 ? edgeMultipliers[random.Next(edgeMultipliers.Length)] : random.Next(int.MaxValue);
                shifts[c] = random.Next(4) == 0 ? (random.Next(2) == 0 ? -31 : 30) : random.Next(-31, 31);
                sums[c] = random.Next(3) == 0 ? edgeSums[random.Next(edgeSums.Length)] : random.Next(int.MinValue, int.MaxValue) >> random.Next(32);
            }
            int outputOffset = random.Next(-128, 128), min = random.Next(-128, 128), max = random.Next(-128, 128);
            if (random.Next(3) != 0) (min, max) = (Math.Min(min, max), Math.Max(min, max));
            var requantizer = new Int8Requantizer(multipliers, shifts, outputOffset, min, max, vector: true);
            string what = $"case {i}: offset {outputOffset} limits [{min}, {max}]";
            Array.Fill(lanes, 0x5A5A5A5A);
            Int8Requantizer.Apply(Vector256.Create(sums.AsSpan(0, 8)), requantizer.Channels8(0)).CopyTo(lanes.AsSpan(0, 8));
            Int8Requantizer.Apply(Vector256.Create(sums.AsSpan(8, 8)), requantizer.Channels8(8)).CopyTo(lanes.AsSpan(8, 8));
            for (int c = 0; c < 16; c++)
                if (lanes[c] != requantizer.Apply1(sums[c], c))
                    Assert.Fail($"{what}: eight lanes gave {lanes[c]} for sum {sums[c]} x {multipliers[c]} shift {shifts[c]}, scalar {requantizer.Apply1(sums[c], c)}");
            if (!Avx512F.IsSupported) continue;
            Array.Fill(bytes, (sbyte)0x5A);
            var both = Requantization.Join(requantizer.Channels8(0), requantizer.Channels8(8));
            Int8Requantizer.Apply16(Vector512.Create(sums), both).AsByte().CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(bytes.AsSpan()));
            for (int c = 0; c < 16; c++)
                if (bytes[c] != requantizer.Apply1(sums[c], c))
                    Assert.Fail($"{what}: sixteen lanes gave {bytes[c]} for sum {sums[c]} x {multipliers[c]} shift {shifts[c]}, scalar {requantizer.Apply1(sums[c], c)}");
        }
    }
}
