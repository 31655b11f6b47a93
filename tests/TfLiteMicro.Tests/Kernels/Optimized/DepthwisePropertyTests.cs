using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The optimized DEPTHWISE_CONV_2D gives exactly the reference kernel's bytes on every level this processor has
/// (the portable Vector128 level included): depth multipliers above one with several input channels (expanded
/// channels, multipliers that do and do not divide sixteen), one input channel with 8/16/24 outputs (the tap-pair
/// path), int4 filters, and output scales that saturate or need multipliers above one.
/// </summary>
public sealed class DepthwisePropertyTests
{
    private sealed record Case(int Batches, int Height, int Width, int InDepth, int Multiplier, int FilterHeight, int FilterWidth,
        int StrideH, int StrideW, int DilationH, int DilationW, PaddingKind Padding)
    {
        public int OutDepth => InDepth * Multiplier;

        public override string ToString()
            => $"DWCONV {Batches}x{Height}x{Width}x{InDepth} x{Multiplier} filter {FilterHeight}x{FilterWidth} stride {StrideH},{StrideW} dilation {DilationH},{DilationW} padding {Padding}";
    }

    [Fact]
    public void MultiplierAboveOneWithSeveralInputChannels()
    {
        var random = new Random(7101);
        int cases = FastPath.Cases(500);
        for (int i = 0; i < cases; i++)
        {
            int inDepth = random.Next(2, 20), multiplier = random.Next(2, 9);
            Case shape = RandomShape(random, inDepth, multiplier, maxSize: 9, maxFilter: 4);
            if (!Run(random, shape, $"case {i}", int4: random.Next(5) == 0)) i--;
        }
    }

    [Fact]
    public void SingleInputChannelWithEightSixteenOrTwentyFourOutputs()
    {
        var random = new Random(7202);
        int cases = FastPath.Cases(500);
        for (int i = 0; i < cases; i++)
        {
            int outputs = random.Next(4) == 0 ? random.Next(1, 40) : 8 * random.Next(1, 4);
            Case shape = RandomShape(random, 1, outputs, maxSize: 14, maxFilter: 9);
            if (!Run(random, shape, $"case {i}", int4: random.Next(5) == 0)) i--;
        }
    }

    [Fact]
    public void EightChannelsMultiplierOneTakeNeighbouringPixelsTogether()
    {
        // Eight channels (person_detect's second layer): two output pixels per 256-bit vector where both windows are
        // horizontally inside the input; the border pixels and an odd last pixel keep the eight-channel block.
        var random = new Random(7161);
        int cases = FastPath.Cases(300);
        for (int i = 0; i < cases; i++)
        {
            Case shape = RandomShape(random, 8, 1, maxSize: 14, maxFilter: 5);
            if (!Run(random, shape, $"case {i}", int4: random.Next(6) == 0)) i--;
        }
    }

    [Fact]
    public void MultiplierOneWithManyChannelsAndInteriorPixels()
    {
        // Windows wholly inside the input take the folded-offset tap-pair path in blocks of sixteen channels.
        var random = new Random(7151);
        int cases = FastPath.Cases(250);
        for (int i = 0; i < cases; i++)
        {
            int channels = random.Next(2) == 0 ? 16 * random.Next(1, 4) : random.Next(16, 60);
            Case shape = RandomShape(random, channels, 1, maxSize: 10, maxFilter: 5);
            if (!Run(random, shape, $"case {i}", int4: random.Next(5) == 0)) i--;
        }
    }

    [Fact]
    public void Int4FiltersMatchReference()
    {
        var random = new Random(7303);
        int cases = FastPath.Cases(300);
        for (int i = 0; i < cases; i++)
        {
            int inDepth = random.Next(3) == 0 ? 1 : random.Next(1, 40);
            int multiplier = random.Next(2) == 0 ? 1 : random.Next(2, 5);
            Case shape = RandomShape(random, inDepth, multiplier, maxSize: 9, maxFilter: 5);
            if (!Run(random, shape, $"case {i}", int4: true)) i--;
        }
    }

    [Fact]
    public void SaturatingAndLargeMultiplierOutputScalesMatchReference()
    {
        var random = new Random(7404);
        int cases = FastPath.Cases(400);
        for (int i = 0; i < cases; i++)
        {
            int inDepth = random.Next(3) == 0 ? 1 : random.Next(1, 33);
            int multiplier = random.Next(2) == 0 ? 1 : random.Next(2, 5);
            if (inDepth == 1) multiplier = 8 * random.Next(1, 4);
            Case shape = RandomShape(random, inDepth, multiplier, maxSize: 8, maxFilter: 4);
            // From tiny (every output clamps, multipliers far above one) to huge (every output near the zero point).
            float outputFactor = MathF.Pow(10f, random.NextSingle() * 9f - 7f);
            if (!Run(random, shape, $"case {i}", int4: random.Next(6) == 0, outputFactor)) i--;
        }
    }

    [Fact]
    public void MicroSpeechShapedLayerMatchesReference()
    {
        // 49x40 single-channel input, 10x8 filter, stride 2, SAME padding, eight outputs: the micro_speech layer.
        var random = new Random(7505);
        int cases = FastPath.Cases(40);
        for (int i = 0; i < cases; i++)
        {
            int outputs = 8 * random.Next(1, 4);
            var shape = new Case(1, 49, 40, 1, outputs, 10, 8, 2, 2, 1, 1, i % 2 == 0 ? PaddingKind.Same : PaddingKind.Valid);
            Assert.True(Run(random, shape, $"case {i}", int4: i % 5 == 4));
        }
    }

    private static Case RandomShape(Random random, int inDepth, int multiplier, int maxSize, int maxFilter)
    {
        int dilationH = random.Next(5) == 0 ? random.Next(2, 4) : 1, dilationW = random.Next(5) == 0 ? random.Next(2, 4) : 1;
        return new Case(random.Next(1, 3), random.Next(1, maxSize + 1), random.Next(1, maxSize + 1), inDepth, multiplier,
            random.Next(1, maxFilter + 1), random.Next(1, maxFilter + 1), random.Next(1, 4), random.Next(1, 4), dilationH, dilationW, RandomPadding(random));
    }

    /// <summary>Builds and compares one case; false when its output would be empty (the caller draws another).</summary>
    private static bool Run(Random random, Case s, string label, bool int4, float? outputFactor = null)
    {
        int outHeight = OutputSize(s.Padding, s.Height, s.FilterHeight, s.StrideH, s.DilationH);
        int outWidth = OutputSize(s.Padding, s.Width, s.FilterWidth, s.StrideW, s.DilationW);
        if (outHeight <= 0 || outWidth <= 0) return false;
        int outDepth = s.OutDepth, taps = s.FilterHeight * s.FilterWidth;

        var m = new OperatorModel();
        float inputScale = Scale(random, 0.005f, 0.1f);
        int input = m.Input(TensorType.Int8, [s.Batches, s.Height, s.Width, s.InDepth], Quant.PerTensor(inputScale, random.Next(-128, 128)));
        bool perChannel = random.Next(4) != 0;
        float[] filterScales = perChannel ? Scales(random, outDepth, 0.001f, 0.05f) : [Scale(random, 0.001f, 0.05f)];
        byte[] filterData = int4 ? RandomBytes(random, (taps * outDepth + 1) / 2) : RandomBytes(random, taps * outDepth);
        int filter = m.Constant(int4 ? TensorType.Int4 : TensorType.Int8, [1, s.FilterHeight, s.FilterWidth, outDepth], filterData, Quant.PerChannel(filterScales, 3));
        var inputs = new List<int> { input, filter };
        if (random.Next(4) != 0) inputs.Add(m.Constant(TensorType.Int32, [outDepth], Bias(random, outDepth), Quant.PerTensor(inputScale * filterScales[0])));
        float outputScale = outputFactor is { } factor
            ? inputScale * filterScales[0] * factor
            : OutputScale(random, inputScale, filterScales[0], taps);
        m.Output(TensorType.Int8, [s.Batches, outHeight, outWidth, outDepth], Quant.PerTensor(outputScale, random.Next(-128, 128)));
        byte[] model = m.Build(BuiltinOperator.DepthwiseConv2D, [.. inputs], Options(s, RandomActivation(random)));
        FastPath.AssertMatchesReference(model, random, $"{label}: {s}{(int4 ? " int4" : "")} per-channel {perChannel} output scale {outputScale}");
        return true;
    }

    [Fact]
    public void FloatMultiplierAboveOneAndPortableLevelMatchReferenceExactly()
    {
        var random = new Random(7606);
        int cases = FastPath.Cases(300);
        for (int i = 0; i < cases; i++)
        {
            int inDepth = random.Next(3) == 0 ? 1 : random.Next(1, 20), multiplier = random.Next(2) == 0 ? 1 : random.Next(2, 6);
            if (!RunFloat(random, RandomShape(random, inDepth, multiplier, maxSize: 9, maxFilter: 4), $"case {i}")) i--;
        }
    }

    /// <summary>
    /// Float layers of 32 channels and more, where the fast path sums four vectors of channels at a time: whole groups, a
    /// group and single vectors after it, one input channel broadcast to all outputs.
    /// </summary>
    [Fact]
    public void FloatManyChannelsMatchReferenceExactly()
    {
        var random = new Random(7607);
        int cases = FastPath.Cases(120);
        for (int i = 0; i < cases; i++)
        {
            bool broadcast = random.Next(3) == 0;
            int channels = random.Next(2) == 0 ? 32 * random.Next(1, 4) : random.Next(32, 110);
            Case s = RandomShape(random, broadcast ? 1 : channels, broadcast ? channels : 1, maxSize: 7, maxFilter: 3);
            if (!RunFloat(random, s, $"case {i}")) i--;
        }
    }

    /// <summary>One float DEPTHWISE_CONV_2D of shape <paramref name="s"/> (bias in three of four), fast against reference; false when the shape has no output.</summary>
    private static bool RunFloat(Random random, Case s, string label)
    {
        int outHeight = OutputSize(s.Padding, s.Height, s.FilterHeight, s.StrideH, s.DilationH);
        int outWidth = OutputSize(s.Padding, s.Width, s.FilterWidth, s.StrideW, s.DilationW);
        if (outHeight <= 0 || outWidth <= 0) return false;
        int channels = s.OutDepth;
        var m = new OperatorModel();
        int input = m.Input(TensorType.Float32, [s.Batches, s.Height, s.Width, s.InDepth]);
        int filter = m.Constant(TensorType.Float32, [1, s.FilterHeight, s.FilterWidth, channels], Floats(random, s.FilterHeight * s.FilterWidth * channels));
        var inputs = new List<int> { input, filter };
        if (random.Next(4) != 0) inputs.Add(m.Constant(TensorType.Float32, [channels], Floats(random, channels)));
        m.Output(TensorType.Float32, [s.Batches, outHeight, outWidth, channels]);
        byte[] model = m.Build(BuiltinOperator.DepthwiseConv2D, [.. inputs], Options(s, RandomActivation(random)));
        FastPath.AssertMatchesReference(model, random, $"{label}: float {s}");
        return true;
    }

    private static OperatorOptions Options(Case s, FusedActivation activation)
        => OperatorOptions.DepthwiseConv2D(s.Padding, s.StrideW, s.StrideH, s.Multiplier, activation, s.DilationW, s.DilationH);
}
