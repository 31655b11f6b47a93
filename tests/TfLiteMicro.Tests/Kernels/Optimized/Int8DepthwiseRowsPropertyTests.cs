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
            int multiplier = kind == 2 ? 8 : 1, channels = inDepth * multiplier;
            int batches = random.Next(1, 3), height = random.Next(1, 14), width = random.Next(1, 14);
            int filterHeight = random.Next(1, 6), filterWidth = random.Next(1, 6);
            int strideH = random.Next(1, 3), strideW = random.Next(1, 3);
            int dilationH = random.Next(5) == 0 ? 2 : 1, dilationW = random.Next(5) == 0 ? 2 : 1;
            PaddingKind padding = RandomPadding(random);
            var g = new ConvGeometry(batches, height, width, inDepth, channels, filterHeight, filterWidth, strideH, strideW, dilationH, dilationW, padding, multiplier);
            if (!g.HasOutput) { i--; continue; }
            FastPath.AssertMatchesReference(ConvolutionModels.Int8(random, g, depthwise: true), random, $"case {i}: DEPTHWISE {g} prearranged {prearrangeWeights}",
                prearrangeWeights: prearrangeWeights);
        }
    }
}
