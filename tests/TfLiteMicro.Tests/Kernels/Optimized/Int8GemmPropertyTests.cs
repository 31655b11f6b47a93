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

    /// <summary>The core's loop (requantized) and its raw-sums mode (<see cref="MatMulArithmetic.Int8Sums"/>: odd shapes, row strides, zero points) against the sums written out.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GemmLoopMatchesScalarSums(bool rawSums)
    {
        var random = new Random(rawSums ? 7104 : 7103);
        int cases = FastPath.Cases(rawSums ? 150 : 100);
        for (int i = 0; i < cases; i++)
            if ((rawSums ? Int8GemmLoopCase.CompareSums(random, $"case {i}") : Int8GemmLoopCase.Compare(random, $"case {i}")) is { } difference)
                Assert.Fail(difference);
    }
}
