using TfLiteMicro.Kernels;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The portable pieces of the Arm64 depthwise quad kernel, checked on any processor (the kernel itself runs only on Arm64: scripts/check-arm64.sh compares it with the reference under emulation): the expansion
/// of interleaved quads from input to output channels, and the arranged filter's groups of four rows.
/// </summary>
public sealed class Int8DepthwiseQuadsArm64Tests
{
    /// <summary>
    /// Destination column c's quad k is source column c's quad k / multiplier for every output channel (multipliers 2 to
    /// 8, counts not a multiple of four), the bytes of the slack past the last column aside, and nothing beyond it.
    /// </summary>
    [Fact]
    public void ExpandMatchesItsDefinition()
    {
        var random = new Random(7311);
        for (int i = 0; i < 300; i++)
        {
            int depth = random.Next(1, 20), multiplier = random.Next(2, 9), channels = depth * multiplier, columns = random.Next(0, 30);
            if (channels < 8) continue;
            var source = new byte[columns * depth * 4 + Int8DepthwiseQuads.ExpandSlack];
            random.NextBytes(source);
            var patterns = new byte[(channels + 3) / 4 * 16];
            var sources = new int[(channels + 3) / 4];
            Int8DepthwiseQuads.ExpandPatterns(channels, multiplier, patterns, sources);
            int used = columns * channels * 4 + Int8DepthwiseQuads.ExpandSlack;
            var destination = new byte[used + 64];
            Array.Fill(destination, (byte)0xA5);
            Int8DepthwiseQuads.Expand(source, columns, depth, channels, patterns, sources, destination);
            for (int column = 0; column < columns; column++)
                for (int k = 0; k < channels; k++)
                    for (int b = 0; b < 4; b++)
                        Assert.True(destination[(column * channels + k) * 4 + b] == source[(column * depth + k / multiplier) * 4 + b],
                            $"case {i} ({depth} x {multiplier}, {columns} columns): column {column} channel {k} byte {b}");
            for (int k = used; k < destination.Length; k++) Assert.True(destination[k] == 0xA5, $"case {i}: wrote past the slack at {k}");
        }
    }

    /// <summary>Filters of more than four rows: group g's slot j holds filter row 4g + j (zero past the filter), each channel's four bytes in its lane.</summary>
    [Fact]
    public void ArrangedGroupsMatchTheirDefinition()
    {
        // The interleave is written for SSE2 and Arm64 AdvSimd, the processors whose kernels use it.
        if (!System.Runtime.Intrinsics.X86.Sse2.IsSupported && !System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported) return;
        var random = new Random(7312);
        for (int i = 0; i < 100; i++)
        {
            int height = random.Next(1, 11), width = random.Next(1, 6), channels = random.Next(1, 40);
            var weights = new sbyte[height * width * channels];
            for (int k = 0; k < weights.Length; k++) weights[k] = (sbyte)random.Next(-128, 128);
            int groups = Int8DepthwiseQuads.Groups(height);
            Assert.Equal((height + 3) / 4, groups);
            var table = new byte[Int8DepthwiseQuads.TableBytes(height, width, channels, 0)];
            var folded = new int[channels];
            Int8DepthwiseQuads.Arrange(weights, default, 0, height, width, channels, 0, table, folded);
            for (int g = 0; g < groups; g++)
                for (int fx = 0; fx < width; fx++)
                    for (int c = 0; c < channels; c++)
                        for (int j = 0; j < 4; j++)
                        {
                            int row = 4 * g + j;
                            sbyte expected = row < height ? weights[(row * width + fx) * channels + c] : (sbyte)0;
                            Assert.True((sbyte)table[((g * width + fx) * channels + c) * 4 + j] == expected, $"case {i}: group {g} column {fx} channel {c} slot {j}");
                        }
        }
    }
}
