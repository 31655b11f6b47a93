using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The depthwise row micro-kernel (<c>Int8DepthwiseRows</c>: multiplier one, eight channels or a multiple of sixteen, or
/// one input channel with eight outputs) gives the reference's bytes, with the filter arranged per Invoke and arranged
/// once (<see cref="InterpreterOptions.PrearrangeWeights"/>): paddings, strides, dilations, odd filter widths, rows of
/// every length (partial steps of four units, odd pixel counts with two pixels per unit).
/// </summary>
public sealed class Int8DepthwiseRowsPropertyTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DepthwiseRowsMatchReference(bool prearrangeWeights)
    {
        var random = new Random(prearrangeWeights ? 7202 : 7201);
        int cases = FastPath.Cases(200);
        for (int i = 0; i < cases; i++)
        {
            int kind = random.Next(3);
            int inDepth = kind switch { 0 => 8, 1 => 16 * random.Next(1, 5), _ => 1 };
            if (!AssertRandomCase(random, $"case {i}", inDepth, kind == 2 ? 8 : 1, maxWidth: 14, maxFilterHeight: 6, maxStrideHeight: 3, prearrangeWeights)) i--;
        }
    }

    /// <summary>
    /// One random DEPTHWISE_CONV_2D of <paramref name="inDepth"/> input channels times <paramref name="multiplier"/> against
    /// the reference (filter <paramref name="fixedFilterWidth"/> wide when given); false (nothing run) when the random geometry has no output.
    /// </summary>
    internal static bool AssertRandomCase(Random random, string name, int inDepth, int multiplier, int maxWidth, int maxFilterHeight, int maxStrideHeight,
        bool prearrangeWeights, int? fixedFilterWidth = null)
    {
        int channels = inDepth * multiplier;
        int batches = random.Next(1, 3), height = random.Next(1, 14), width = random.Next(1, maxWidth);
        int filterHeight = random.Next(1, maxFilterHeight), filterWidth = fixedFilterWidth ?? random.Next(1, 6);
        int strideH = random.Next(1, maxStrideHeight), strideW = random.Next(1, 3);
        int dilationH = random.Next(5) == 0 ? 2 : 1, dilationW = random.Next(5) == 0 ? 2 : 1;
        PaddingKind padding = RandomPadding(random);
        var g = new ConvGeometry(batches, height, width, inDepth, channels, filterHeight, filterWidth, strideH, strideW, dilationH, dilationW, padding, multiplier);
        if (!g.HasOutput) return false;
        FastPath.AssertMatchesReference(ConvolutionModels.Int8(random, g, depthwise: true), random, $"{name}: DEPTHWISE {g} prearranged {prearrangeWeights}",
            prearrangeWeights: prearrangeWeights);
        return true;
    }
}
