using TfLiteMicro.Kernels;
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
            var g = new ConvGeometry(batches, height, width, inDepth, outDepth, filterHeight, filterWidth, strideH, strideW, dilationH, dilationW, padding);
            if (!g.HasOutput || (!prearrangeWeights && batches * g.OutHeight * g.OutWidth < 32)) { i--; continue; }
            FastPath.AssertMatchesReference(ConvolutionModels.Int8(random, g, depthwise: false), random, $"case {i}: CONV {g} prearranged {prearrangeWeights}",
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
