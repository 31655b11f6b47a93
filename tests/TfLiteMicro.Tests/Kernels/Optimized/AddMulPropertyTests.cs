using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Quantization;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The vectorized int8 ADD and MUL give exactly the reference kernels' bytes: random shapes (same shape, a scalar
/// input, an input repeated over the outer dimensions, general broadcasts), scales (some saturating the output),
/// zero points and activations; plus the vector fixed-point steps against the scalar ones on edge values.
/// </summary>
public sealed class AddMulPropertyTests
{
    [Fact]
    public void AddInt8MatchesReference() => Run(BuiltinOperator.Add, new Random(6006), FastPath.Cases(1500));

    [Fact]
    public void MulInt8MatchesReference() => Run(BuiltinOperator.Mul, new Random(7007), FastPath.Cases(1500));

    [Fact]
    public void SubInt8MatchesReference() => Run(BuiltinOperator.Sub, new Random(8008), FastPath.Cases(1000));

    private static void Run(BuiltinOperator op, Random random, int cases)
    {
        for (int i = 0; i < cases; i++)
        {
            (int[] shape1, int[] shape2, int[] output, string kind) = Shapes(random);
            float scale1 = Scale(random, 0.002f, 0.5f), scale2 = Scale(random, 0.002f, 0.5f);
            float outputScale = op != BuiltinOperator.Mul
                ? Math.Max(scale1, scale2) * Scale(random, 0.05f, 4f)
                : scale1 * scale2 * 128f * Scale(random, 0.01f, 4f);
            if (random.Next(20) == 0) outputScale *= 1e-6f; // multipliers above one: the reference path stays
            var m = new OperatorModel();
            int zero1 = random.Next(-128, 128), zero2 = random.Next(-128, 128), zeroOut = random.Next(-128, 128);
            int a = m.Input(TensorType.Int8, shape1, Quant.PerTensor(scale1, zero1));
            int b = m.Input(TensorType.Int8, shape2, Quant.PerTensor(scale2, zero2));
            m.Output(TensorType.Int8, output, Quant.PerTensor(outputScale, zeroOut));
            FusedActivation activation = RandomActivation(random);
            OperatorOptions options = op switch
            {
                BuiltinOperator.Add => OperatorOptions.Add(activation),
                BuiltinOperator.Sub => OperatorOptions.Sub(activation),
                _ => OperatorOptions.Mul(activation),
            };
            FastPath.AssertMatchesReference(m.Build(op, [a, b], options), random,
                $"case {i}: {op} {kind} [{string.Join(",", shape1)}] x [{string.Join(",", shape2)}] scales {scale1},{scale2}->{outputScale} zero points {zero1},{zero2}->{zeroOut} activation {activation}");
        }
    }

    /// <summary>Two input shapes and the output's, one of the broadcast kinds the vector paths cover (same shape, a scalar, an inner repeat) or a general one.</summary>
    internal static (int[] A, int[] B, int[] Output, string Kind) Shapes(Random random)
    {
        int rank = random.Next(1, 5);
        var output = new int[rank];
        for (int d = 0; d < rank; d++) output[d] = random.Next(1, d == rank - 1 ? 70 : 6);
        if (random.Next(8) == 0) output[rank - 1] = 16 * random.Next(1, 5); // whole vectors, no tail
        int[] full = (int[])output.Clone();
        switch (random.Next(6))
        {
            case 0:
            case 1:
                return (full, (int[])output.Clone(), output, "same");
            case 2:
            {
                int[] scalar = random.Next(3) switch { 0 => [], 1 => [1], _ => Ones(random.Next(1, rank + 1)) };
                return random.Next(2) == 0 ? (scalar, full, output, "scalar") : (full, scalar, output, "scalar");
            }
            case 3:
            {
                int keep = random.Next(1, rank + 1);
                int[] inner = new int[keep + random.Next(2)];
                for (int k = 0; k < inner.Length; k++) inner[k] = 1;
                Array.Copy(output, rank - keep, inner, inner.Length - keep, keep);
                if (inner.Length > rank) { inner = inner[1..]; }
                return random.Next(2) == 0 ? (inner, full, output, "repeat") : (full, inner, output, "repeat");
            }
            default:
            {
                // Each input keeps or drops (to 1) each dimension: mostly the reference driver's general walk.
                int[] x = (int[])output.Clone(), y = (int[])output.Clone();
                for (int d = 0; d < rank; d++)
                {
                    int pick = random.Next(3);
                    if (pick == 1) x[d] = 1;
                    else if (pick == 2) y[d] = 1;
                }
                for (int d = 0; d < rank; d++) output[d] = Math.Max(x[d], y[d]);
                return (x, y, output, "broadcast");
            }
        }
    }

    private static int[] Ones(int count)
    {
        var ones = new int[count];
        Array.Fill(ones, 1);
        return ones;
    }

    private static readonly int[] EdgeValues =
        [0, 1, -1, 2, -2, int.MaxValue, int.MinValue, int.MaxValue - 1, int.MinValue + 1, 1 << 30, -(1 << 30), (1 << 30) - 1, 255 << 20, -255 << 20];

    private static int RandomInt(Random random) => random.Next(4) == 0 ? EdgeValues[random.Next(EdgeValues.Length)] : random.Next(int.MinValue, int.MaxValue);

    [Fact]
    public void VectorHighMulAndDivideMatchScalar()
    {
        var random = new Random(8008);
        var x = new int[8];
        for (int round = 0; round < 5000; round++)
        {
            int multiplier = random.Next(5) switch { 0 => 0, 1 => int.MaxValue, 2 => 1 << 30, _ => random.Next(0, int.MaxValue) };
            int exponent = random.Next(32);
            for (int k = 0; k < x.Length; k++) x[k] = RandomInt(random);
            // Ties of the rounding divide: exact odd multiples of half.
            if (exponent > 0 && random.Next(4) == 0) x[random.Next(8)] = (random.Next(-1000, 1000) << exponent) + (1 << (exponent - 1)) * (random.Next(2) == 0 ? 1 : -1);

            int mask = FixedPointVector.Mask(exponent);
            Vector128<int> low = Vector128.Create(x[0], x[1], x[2], x[3]), high = Vector128.Create(x[4], x[5], x[6], x[7]);
            Vector128<int> m128 = Vector128.Create(multiplier), mask128 = Vector128.Create(mask), half128 = Vector128.Create(mask >> 1);
            Vector128<int> h0 = FixedPointVector.HighMul(low, m128), h1 = FixedPointVector.HighMul(high, m128);
            Vector128<int> p0 = FixedPointVector.HighMulPortable(low, m128), p1 = FixedPointVector.HighMulPortable(high, m128);
            Vector128<int> d0 = FixedPointVector.DivideByPOT(low, exponent, mask128, half128), d1 = FixedPointVector.DivideByPOT(high, exponent, mask128, half128);
            for (int k = 0; k < 8; k++)
            {
                int expectedMul = FixedPoint.SaturatingRoundingDoublingHighMul(x[k], multiplier);
                int expectedDiv = FixedPoint.RoundingDivideByPOT(x[k], exponent);
                Assert.Equal(expectedMul, k < 4 ? h0[k] : h1[k - 4]);
                Assert.Equal(expectedMul, k < 4 ? p0[k] : p1[k - 4]);
                Assert.Equal(expectedDiv, k < 4 ? d0[k] : d1[k - 4]);
            }
            if (Avx2.IsSupported)
            {
                Vector256<int> v = Vector256.Create(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]);
                Vector256<int> h = FixedPointVector.HighMul(v, Vector256.Create(multiplier));
                Vector256<int> d = FixedPointVector.DivideByPOT(v, exponent, Vector256.Create(mask), Vector256.Create(mask >> 1));
                for (int k = 0; k < 8; k++)
                {
                    Assert.Equal(FixedPoint.SaturatingRoundingDoublingHighMul(x[k], multiplier), h[k]);
                    Assert.Equal(FixedPoint.RoundingDivideByPOT(x[k], exponent), d[k]);
                }
            }
            if (Avx512F.IsSupported)
            {
                Vector512<int> v = Vector512.Create(Vector256.Create(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]), Vector256.Create(x[7], x[6], x[5], x[4], x[3], x[2], x[1], x[0]));
                Vector512<int> h = FixedPointVector.HighMul(v, Vector512.Create(multiplier));
                Vector512<int> d = FixedPointVector.DivideByPOT(v, exponent, Vector512.Create(mask), Vector512.Create(mask >> 1));
                for (int k = 0; k < 16; k++)
                {
                    Assert.Equal(FixedPoint.SaturatingRoundingDoublingHighMul(v[k], multiplier), h[k]);
                    Assert.Equal(FixedPoint.RoundingDivideByPOT(v[k], exponent), d[k]);
                }
            }
        }
    }

    /// <summary>
    /// ADD's 512-bit input rescale in 32-bit multiplies equals the scalar one for every int8 input, left shifts 15 to 23,
    /// every offset an int8 zero point gives and more, and multipliers and exponents across their range.
    /// </summary>
    [Fact]
    public void SplitInputScaleMatchesScalar()
    {
        if (!Avx512F.IsSupported) return; // the form is used only where AVX-512 runs it
        var random = new Random(8118);
        var lanes = new int[16];
        for (int round = 0; round < 3000; round++)
        {
            int leftShift = random.Next(15, 24), exponent = random.Next(32);
            int offset = random.Next(4) == 0 ? (random.Next(2) == 0 ? -128 : 128) : random.Next(-128, 129);
            int multiplier = random.Next(5) switch { 0 => 0, 1 => int.MaxValue, 2 => 1 << 30, 3 => (1 << 30) + 0xFFFF, _ => random.Next(0, int.MaxValue) };
            var scale = new Int8SumKernel.SplitInputScale(offset, multiplier, leftShift, exponent);
            for (int x0 = -128; x0 < 128; x0 += 16)
            {
                for (int k = 0; k < 16; k++) lanes[k] = x0 + k;
                Vector512<int> scaled = scale.Apply(Vector512.Create(lanes));
                for (int k = 0; k < 16; k++)
                    Assert.Equal(BinaryArithmetic.ScaleInput(lanes[k], offset, leftShift, multiplier, -exponent), scaled[k]);
            }
        }
    }

    /// <summary>Every pair of int8 inputs through the vector product loops, at every level, against the scalar formula.</summary>
    [Fact]
    public void ProductKernelCoversEveryInputPair()
    {
        var random = new Random(9009);
        var a = new sbyte[65536];
        var b = new sbyte[65536];
        for (int i = 0; i < a.Length; i++) { a[i] = (sbyte)(i >> 8); b[i] = (sbyte)i; }
        for (int round = 0; round < 12; round++)
        {
            int shift = round < 4 ? random.Next(-31, 1) : random.Next(0, 31);
            int multiplier = random.Next(1 << 30, int.MaxValue);
            int offset1 = random.Next(-127, 129), offset2 = random.Next(-127, 129), outputOffset = random.Next(-128, 128);
            int min = random.Next(-128, 0), max = random.Next(0, 128);
            var p = new BinaryParameters
            {
                Type = TensorType.Int8, Operation = BinaryOperation.Multiply, Input1Offset = offset1, Input2Offset = offset2,
                OutputOffset = outputOffset, OutputMultiplier = multiplier, OutputShift = shift, Min = min, Max = max,
            };
            Assert.True(Int8ProductKernel.Supports(p));
            var scalar = new ScalarProduct(offset1, offset2, outputOffset, multiplier, shift, min, max);
            FastPath.AssertLoopMatchesReference<sbyte>(a.Length,
                output => { for (int i = 0; i < output.Length; i++) output[i] = scalar.Invoke(a[i], b[i]); },
                (level, output) => new Int8ProductKernel(p, level).Run(a, false, b, false, output),
                $"round {round}: shift {shift} multiplier {multiplier} offsets {offset1},{offset2} (element i is a[i] = i >> 8 times b[i] = i & 255)");
        }
    }

    /// <summary>
    /// Every pair of int8 inputs through the vector sum loops (ADD and SUB arithmetic), at every level, against the operator,
    /// with the affine form wherever Prepare finds one: random scale sets and extreme ones (equal scales, outputs on
    /// exact rounding ties, far-apart input scales, amplifying and shrinking outputs, edge zero points, narrow clamps).
    /// </summary>
    [Fact]
    public void SumKernelCoversEveryInputPair()
    {
        var random = new Random(1010);
        var a = new sbyte[65536];
        var b = new sbyte[65536];
        for (int i = 0; i < a.Length; i++) { a[i] = (sbyte)(i >> 8); b[i] = (sbyte)i; }
        int rounds = 0, affineRounds = 0;
        foreach ((BinaryParameters op, string what) in SumCases(random, FastPath.Cases(1500) / 30))
        {
            Assert.True(Int8SumKernel.Supports(op), what);
            Int8SumAffine? affine = Int8SumAffine.Create(op);
            rounds++;
            if (affine is not null) affineRounds++;
            FastPath.AssertLoopMatchesReference<sbyte>(a.Length,
                output => BinaryArithmetic.Int8(op with { Shape = BroadcastShape.Flat(a.Length) }, a, b, output),
                (level, output) => new Int8SumKernel(op, level, affine).Run(a, false, b, false, output),
                $"{what}, affine {affine} (element i is a[i] = i >> 8 and b[i] = i & 255)");
            // The AVX2 loops, also where AVX-512 takes their place in the kernel.
            if (Avx512BW.IsSupported)
                FastPath.AssertLoopMatchesReference<sbyte>(a.Length,
                    output => BinaryArithmetic.Int8(op with { Shape = BroadcastShape.Flat(a.Length) }, a, b, output),
                    (level, output) => new Int8SumKernel(op, level, affine, avx512: false).Run(a, false, b, false, output),
                    $"{what}, affine {affine}, AVX2 loops (element i is a[i] = i >> 8 and b[i] = i & 255)");
        }
        // Most scale sets take the affine form; the others (amplifying outputs) keep the exact loops.
        if (Int8SumAffine.IsSupported) Assert.True(affineRounds * 4 > rounds * 3, $"{affineRounds} of {rounds} scale sets took the affine form");
    }

    /// <summary>The same with either input one broadcast element: each of its 256 values against all 256 of the other.</summary>
    [Fact]
    public void SumKernelCoversEveryPairWithAScalarInput()
    {
        var random = new Random(1212);
        var full = new sbyte[256];
        for (int i = 0; i < full.Length; i++) full[i] = (sbyte)i;
        foreach ((BinaryParameters op, string what) in SumCases(random, 4).Where((_, k) => k % 7 == 0))
        {
            Int8SumAffine? affine = Int8SumAffine.Create(op);
            for (int scalarSide = 0; scalarSide < 2; scalarSide++)
            {
                bool aScalar = scalarSide == 0;
                FastPath.AssertLoopMatchesReference<sbyte>(65536,
                    output =>
                    {
                        var sum = new BinaryArithmetic.Int8Result<BinaryArithmetic.QuantizedSum>(new(op));
                        for (int i = 0; i < output.Length; i++) output[i] = aScalar ? sum.Invoke((sbyte)(i >> 8), (sbyte)i) : sum.Invoke((sbyte)i, (sbyte)(i >> 8));
                    },
                    (level, output) =>
                    {
                        // Values of the scalar in even rows run the AVX2 loops where AVX-512 takes their place in the kernel.
                        var kernel = new Int8SumKernel(op, level, affine);
                        var kernel256 = new Int8SumKernel(op, level, affine, avx512: false);
                        for (int x = 0; x < 256; x++)
                        {
                            sbyte[] scalar = [(sbyte)x];
                            Int8SumKernel k = x % 2 == 0 ? kernel256 : kernel;
                            if (aScalar) k.Run(scalar, true, full, false, output.Slice(256 * x, 256));
                            else k.Run(full, false, scalar, true, output.Slice(256 * x, 256));
                        }
                    },
                    $"{what}, input {(aScalar ? 0 : 1)} a scalar (element i is scalar i >> 8 with the other input i & 255)");
            }
        }
    }

    /// <summary>The affine form exists for the scale sets of typical models and for those whose results sit on rounding ties.</summary>
    [Fact]
    public void SumAffineFormIsFoundForTypicalScales()
    {
        foreach (BinaryOperation operation in new[] { BinaryOperation.Add, BinaryOperation.Subtract })
        {
            Assert.NotNull(Int8SumAffine.Create(SumParameters(operation, 0.05f, 0.05f, 0.05f, 0, 0, 0, -128, 127)));
            Assert.NotNull(Int8SumAffine.Create(SumParameters(operation, 1f, 1f, 2f, 0, 0, 0, -128, 127)));
            Assert.NotNull(Int8SumAffine.Create(SumParameters(operation, 0.0235f, 0.0391f, 0.0472f, -3, 12, -128, -128, 127)));
            Assert.NotNull(Int8SumAffine.Create(SumParameters(operation, 0.004f, 0.5f, 0.9f, -128, 127, 127, 0, 127)));
        }
    }

    /// <summary>Random scale sets, then the extreme ones, for ADD and SUB.</summary>
    private static IEnumerable<(BinaryParameters Op, string What)> SumCases(Random random, int randomRounds)
    {
        for (int round = 0; round < randomRounds; round++)
        {
            float scale1 = Scale(random, 0.001f, 1f), scale2 = Scale(random, 0.001f, 1f);
            float outputScale = Math.Max(scale1, scale2) * Scale(random, 0.01f, 4f);
            BinaryOperation operation = round % 3 == 2 ? BinaryOperation.Subtract : BinaryOperation.Add;
            int zero1 = random.Next(-128, 128), zero2 = random.Next(-128, 128), zeroOut = random.Next(-128, 128);
            int min = random.Next(-128, 0), max = random.Next(0, 128);
            yield return (SumParameters(operation, scale1, scale2, outputScale, zero1, zero2, zeroOut, min, max),
                $"round {round} {operation} scales {scale1},{scale2}->{outputScale} zero points {zero1},{zero2}->{zeroOut} range [{min}, {max}]");
        }
        (float, float, float)[] scaleSets =
        [
            (1f, 1f, 1f), (1f, 1f, 2f), (1f, 1f, 0.5f), (1f, 1f, 3f), (0.5f, 1f, 1.5f), (1f, 0.25f, 0.75f), (0.1f, 0.1f, 0.2f),
            (1f, 1e-3f, 1f), (1e-3f, 1f, 1f), (1f, 1f, 0.01f), (1f, 1f, 100f), (0.02f, 0.02f, 0.02f / 255f), (1f, 0.999f, 1.001f),
        ];
        (int, int, int, int, int)[] zeroPointsAndRanges =
        [
            (0, 0, 0, -128, 127), (-128, -128, -128, -128, 127), (127, 127, 127, -128, 127), (-128, 127, 5, 0, 127), (17, -90, -40, -10, 10),
        ];
        foreach (BinaryOperation operation in new[] { BinaryOperation.Add, BinaryOperation.Subtract })
            foreach ((float scale1, float scale2, float outputScale) in scaleSets)
                foreach ((int zero1, int zero2, int zeroOut, int min, int max) in zeroPointsAndRanges)
                    yield return (SumParameters(operation, scale1, scale2, outputScale, zero1, zero2, zeroOut, min, max),
                        $"{operation} scales {scale1},{scale2}->{outputScale} zero points {zero1},{zero2}->{zeroOut} range [{min}, {max}]");
    }

    /// <summary>ADD's or SUB's int8 parameters as Prepare derives them (SUB in single precision).</summary>
    private static BinaryParameters SumParameters(BinaryOperation operation, float scale1, float scale2, float outputScale,
        int zero1, int zero2, int zeroOut, int min, int max)
    {
        (int, int) m1, m2, mo;
        if (operation == BinaryOperation.Subtract)
        {
            float twiceMax = 2 * Math.Max(scale1, scale2);
            (m1, m2, mo) = (FixedPoint.QuantizeMultiplier(scale1 / twiceMax), FixedPoint.QuantizeMultiplier(scale2 / twiceMax),
                FixedPoint.QuantizeMultiplier(twiceMax / ((1 << 20) * outputScale)));
        }
        else
        {
            double twiceMax = 2 * (double)Math.Max(scale1, scale2);
            (m1, m2, mo) = (FixedPoint.QuantizeMultiplier(scale1 / twiceMax), FixedPoint.QuantizeMultiplier(scale2 / twiceMax),
                FixedPoint.QuantizeMultiplier(twiceMax / ((1 << 20) * (double)outputScale)));
        }
        return new BinaryParameters
        {
            Type = TensorType.Int8, Operation = operation, Shape = BroadcastShape.Flat(65536), LeftShift = 20,
            Input1Offset = -zero1, Input1Multiplier = m1.Item1, Input1Shift = m1.Item2,
            Input2Offset = -zero2, Input2Multiplier = m2.Item1, Input2Shift = m2.Item2,
            OutputOffset = zeroOut, OutputMultiplier = mo.Item1, OutputShift = mo.Item2, Min = min, Max = max,
        };
    }

    private readonly struct ScalarProduct(int offset1, int offset2, int outputOffset, int multiplier, int shift, int min, int max) : IBinaryOperator<sbyte, sbyte>
    {
        public sbyte Invoke(sbyte a, sbyte b)
        {
            int product = unchecked((offset1 + a) * (offset2 + b));
            int output = unchecked(outputOffset + FixedPoint.MultiplyByQuantizedMultiplier(product, multiplier, shift));
            return (sbyte)Math.Clamp(output, min, max);
        }
    }
}
