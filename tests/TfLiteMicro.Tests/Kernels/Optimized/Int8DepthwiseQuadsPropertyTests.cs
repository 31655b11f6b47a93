using TfLiteMicro.Kernels;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The AVX-VNNI depthwise quad kernel (<c>Int8DepthwiseQuads</c>: at most four filter rows; multiplier one with eight or a
/// multiple of sixteen channels, or one input channel feeding them) gives the reference's bytes, with the filter arranged
/// per Invoke and once: one and two output rows per interleave (unit vertical stride, strides that are multiples of the
/// dilation), odd widths with two pixels per unit, paddings past the input on every side, widths longer than a vector step.
/// </summary>
public sealed class Int8DepthwiseQuadsPropertyTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DepthwiseQuadsMatchReference(bool prearrangeWeights)
    {
        var random = new Random(prearrangeWeights ? 7302 : 7301);
        int cases = FastPath.Cases(200);
        for (int i = 0; i < cases; i++)
        {
            int kind = random.Next(4);
            int channels = kind switch { 0 or 2 => 8, _ => 16 * random.Next(1, 5) };
            int inDepth = kind < 2 ? channels : 1;
            // Widths past a vector step of the interleave, filters of up to four rows, vertical strides up to three.
            if (!Int8DepthwiseRowsPropertyTests.AssertRandomCase(random, $"case {i}", inDepth, channels / inDepth, maxWidth: random.Next(2) == 0 ? 12 : 40,
                    maxFilterHeight: 5, maxStrideHeight: 4, prearrangeWeights))
                i--;
        }
    }

    /// <summary>
    /// Channel counts around the kernel's stack budget for the arranged filter (two weight variants at unit vertical
    /// stride, one otherwise): the layers it takes and those it leaves to the other kernels give the reference's bytes.
    /// </summary>
    [Theory]
    [InlineData(1024, 1)]
    [InlineData(1024, 2)]
    [InlineData(1536, 2)]
    [InlineData(2048, 1)]
    public void WideChannelCountsMatchReference(int channels, int strideHeight)
    {
        var random = new Random(7304 + channels + strideHeight);
        for (int i = 0; i < 3; i++)
            if (!Int8DepthwiseRowsPropertyTests.AssertRandomCase(random, $"case {i}, {channels} channels", channels, 1, maxWidth: 4, maxFilterHeight: 4,
                    maxStrideHeight: strideHeight + 1, prearrangeWeights: i == 2, fixedFilterWidth: 3))
                i--;
    }

    /// <summary>The interleave (with and without the AVX-512 VBMI permutes) writes each padded row's byte k, flipped, at 4k + row, and nothing past 4 * count.</summary>
    [Fact]
    public void InterleaveMatchesItsDefinition()
    {
        if (!Simd.IsAvailable(SimdLevel.Avx2)) return;
        var random = new Random(7303);
        for (int i = 0; i < 600; i++)
        {
            int length = random.Next(0, 150), padBefore = random.Next(0, 40), count = random.Next(0, 220);
            sbyte fill = (sbyte)random.Next(-128, 128);
            byte flip = random.Next(2) == 0 ? (byte)0x80 : (byte)0;
            var rows = new sbyte[4][];
            for (int j = 0; j < 4; j++)
            {
                rows[j] = length > 0 && random.Next(4) != 0 ? new sbyte[length] : [];
                for (int k = 0; k < rows[j].Length; k++) rows[j][k] = (sbyte)random.Next(-128, 128);
            }
            bool permute = random.Next(2) == 0;
            var destination = new byte[4 * count + 64];
            Array.Fill(destination, (byte)0xA5);
            Int8DepthwiseQuads.Interleave(rows[0], rows[1], rows[2], rows[3], padBefore, count, fill, flip, destination, permute);
            for (int k = 0; k < count; k++)
                for (int j = 0; j < 4; j++)
                {
                    int at = k - padBefore;
                    sbyte value = at >= 0 && at < rows[j].Length ? rows[j][at] : fill;
                    Assert.True((byte)(value ^ flip) == destination[4 * k + j], $"case {i}: byte {k} of row {j}");
                }
            for (int k = 4 * count; k < destination.Length; k++) Assert.True(destination[k] == 0xA5, $"case {i}: wrote past the end at {k}");
        }
    }
}
