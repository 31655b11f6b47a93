using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The int8 GEMM core (<see cref="Int8Gemm"/>) gives the reference's bytes: whole CONV_2D operators in the shapes it
/// takes (input depth a multiple of four, enough output pixels, 1x1 and k x k, strides, dilations, padding, partial
/// blocks of output channels and pixels), with the weights arranged per Invoke and arranged once; and the core's own
/// loop against a scalar sum over the same spans.
/// </summary>
public sealed class Int8GemmPropertyTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Conv2DThroughTheGemmCoreMatchesReference(bool prearrangeWeights)
    {
        var random = new Random(prearrangeWeights ? 7102 : 7101);
        int cases = FastPath.Cases(200);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 3), height = random.Next(4, 14), width = random.Next(4, 14);
            int inDepth = 4 * random.Next(1, 17), outDepth = random.Next(1, 41);
            int filterHeight = random.Next(1, 4), filterWidth = random.Next(1, 4);
            if (random.Next(3) == 0) filterHeight = filterWidth = 1;
            int strideH = random.Next(3) == 0 ? 2 : 1, strideW = random.Next(3) == 0 ? 2 : 1;
            int dilationH = random.Next(5) == 0 ? 2 : 1, dilationW = random.Next(5) == 0 ? 2 : 1;
            PaddingKind padding = RandomPadding(random);
            int outHeight = OutputSize(padding, height, filterHeight, strideH, dilationH);
            int outWidth = OutputSize(padding, width, filterWidth, strideW, dilationW);
            if (outHeight <= 0 || outWidth <= 0 || (!prearrangeWeights && batches * outHeight * outWidth < 32)) { i--; continue; }

            var m = new OperatorModel();
            float inputScale = Scale(random, 0.005f, 0.1f);
            int input = m.Input(TensorType.Int8, [batches, height, width, inDepth], Quant.PerTensor(inputScale, random.Next(-128, 128)));
            bool perChannel = random.Next(4) != 0;
            float[] filterScales = perChannel ? Scales(random, outDepth, 0.001f, 0.05f) : [Scale(random, 0.001f, 0.05f)];
            int filter = m.Constant(TensorType.Int8, [outDepth, filterHeight, filterWidth, inDepth],
                RandomBytes(random, outDepth * filterHeight * filterWidth * inDepth), Quant.PerChannel(filterScales, 0));
            var inputs = new List<int> { input, filter };
            if (random.Next(4) != 0) inputs.Add(m.Constant(TensorType.Int32, [outDepth], Bias(random, outDepth), Quant.PerTensor(inputScale * filterScales[0])));
            m.Output(TensorType.Int8, [batches, outHeight, outWidth, outDepth],
                Quant.PerTensor(OutputScale(random, inputScale, filterScales[0], filterHeight * filterWidth * inDepth), random.Next(-128, 128)));
            var options = OperatorOptions.Conv2D(padding, strideW, strideH, RandomActivation(random), dilationW, dilationH);
            FastPath.AssertMatchesReference(m.Build(BuiltinOperator.Conv2D, [.. inputs], options), random,
                $"case {i}: CONV {batches}x{height}x{width}x{inDepth} filter {outDepth}x{filterHeight}x{filterWidth} stride {strideH},{strideW} dilation {dilationH},{dilationW} padding {padding} prearranged {prearrangeWeights}",
                prearrangeWeights: prearrangeWeights);
        }
    }

    [Fact]
    public void GemmLoopMatchesScalarSums()
    {
        var random = new Random(7103);
        int cases = FastPath.Cases(100);
        for (int i = 0; i < cases; i++)
        {
            int rows = random.Next(1, 11), depth = 4 * random.Next(1, 40), channels = random.Next(1, 50);
            var shape = Int8GemmShape.Rows(rows, depth, channels);
            sbyte[] input = RandomSigned(random, rows * depth), weights = RandomSigned(random, channels * depth);
            int[] initial = Enumerable.Range(0, channels).Select(_ => random.Next(-50_000, 50_000)).ToArray();
            int[] multipliers = Enumerable.Range(0, channels).Select(_ => random.Next(1 << 30, int.MaxValue)).ToArray();
            int[] shifts = Enumerable.Range(0, channels).Select(_ => random.Next(-14, 2)).ToArray();
            int offset = random.Next(-128, 128), min = random.Next(-128, 0), max = random.Next(0, 128);
            bool arrangeOnce = random.Next(2) == 0;
            FastPath.AssertLoopMatchesReference<sbyte>(rows * channels,
                output =>
                {
                    var requantizer = new Int8Requantizer(multipliers, shifts, offset, min, max, vector: false);
                    for (int r = 0; r < rows; r++)
                        for (int c = 0; c < channels; c++)
                        {
                            int sum = initial[c];
                            for (int d = 0; d < depth; d++) sum += (input[r * depth + d] + 128) * weights[c * depth + d];
                            output[r * channels + c] = requantizer.Apply1(sum, c);
                        }
                },
                (level, output) =>
                {
                    var requantizer = new Int8Requantizer(multipliers, shifts, offset, min, max, vector: Int8Requantizer.CanVectorize(level, multipliers, shifts));
                    if (!Int8Gemm.Applies(level, shape) || !requantizer.Vectorized)
                    {
                        for (int r = 0; r < rows; r++)
                            for (int c = 0; c < channels; c++)
                            {
                                int sum = initial[c];
                                for (int d = 0; d < depth; d++) sum += (input[r * depth + d] + 128) * weights[c * depth + d];
                                output[r * channels + c] = requantizer.Apply1(sum, c);
                            }
                        return;
                    }
                    byte[] arranged = arrangeOnce ? new byte[Int8Gemm.ArrangedBytes(level, shape)] : [];
                    if (arrangeOnce) Int8Gemm.ArrangeAll(level, weights, shape, arranged);
                    byte[] scratch = new byte[Int8Gemm.ScratchBytes(level, shape, arrangeOnce)];
                    Array.Fill(scratch, (byte)0x5A);
                    Int8Gemm.Run(level, shape, input, 0, weights, arranged, initial, requantizer, output, scratch);
                },
                $"case {i}: {rows} rows x {depth} -> {channels} channels, arranged once {arrangeOnce}");
        }
    }

    private static sbyte[] RandomSigned(Random random, int count)
    {
        var values = new sbyte[count];
        for (int k = 0; k < count; k++) values[k] = (sbyte)random.Next(-128, 128);
        return values;
    }
}
