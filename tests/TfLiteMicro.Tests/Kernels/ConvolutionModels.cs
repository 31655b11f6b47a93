using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels;

/// <summary>The geometry of a random convolution case: NHWC input, filter, strides, dilations, padding and (depthwise) multiplier.</summary>
internal readonly record struct ConvGeometry(int Batches, int Height, int Width, int InDepth, int OutDepth, int FilterHeight, int FilterWidth,
    int StrideH, int StrideW, int DilationH, int DilationW, PaddingKind Padding, int Multiplier = 1)
{
    public int OutHeight => OutputSize(Padding, Height, FilterHeight, StrideH, DilationH);

    public int OutWidth => OutputSize(Padding, Width, FilterWidth, StrideW, DilationW);

    /// <summary>Whether the output has at least one pixel (a case that has none is drawn again).</summary>
    public bool HasOutput => OutHeight > 0 && OutWidth > 0;

    public override string ToString() => $"{Batches}x{Height}x{Width}x{InDepth} x{Multiplier} filter {OutDepth}x{FilterHeight}x{FilterWidth} " +
        $"stride {StrideH},{StrideW} dilation {DilationH},{DilationW} padding {Padding}";
}

/// <summary>The one builder of the random int8 CONV_2D and DEPTHWISE_CONV_2D models the property tests run.</summary>
internal static class ConvolutionModels
{
    /// <summary>
    /// An int8 model of <paramref name="g"/>: a random input scale and zero point, filter scales per channel three times in
    /// four, a bias three times in four, an output scale fitting the products, a random fused activation.
    /// </summary>
    public static byte[] Int8(Random random, ConvGeometry g, bool depthwise)
    {
        var m = new OperatorModel();
        float inputScale = Scale(random, 0.005f, 0.1f);
        int input = m.Input(TensorType.Int8, [g.Batches, g.Height, g.Width, g.InDepth], Quant.PerTensor(inputScale, random.Next(-128, 128)));
        bool perChannel = random.Next(4) != 0;
        float[] filterScales = perChannel ? Scales(random, g.OutDepth, 0.001f, 0.05f) : [Scale(random, 0.001f, 0.05f)];
        int[] filterShape = depthwise ? [1, g.FilterHeight, g.FilterWidth, g.OutDepth] : [g.OutDepth, g.FilterHeight, g.FilterWidth, g.InDepth];
        int taps = g.FilterHeight * g.FilterWidth * (depthwise ? 1 : g.InDepth);
        int filter = m.Constant(TensorType.Int8, filterShape, RandomBytes(random, taps * g.OutDepth), Quant.PerChannel(filterScales, depthwise ? 3 : 0));
        var inputs = new List<int> { input, filter };
        if (random.Next(4) != 0) inputs.Add(m.Constant(TensorType.Int32, [g.OutDepth], Bias(random, g.OutDepth), Quant.PerTensor(inputScale * filterScales[0])));
        m.Output(TensorType.Int8, [g.Batches, g.OutHeight, g.OutWidth, g.OutDepth],
            Quant.PerTensor(OutputScale(random, inputScale, filterScales[0], taps), random.Next(-128, 128)));
        return depthwise
            ? m.Build(BuiltinOperator.DepthwiseConv2D, [.. inputs],
                OperatorOptions.DepthwiseConv2D(g.Padding, g.StrideW, g.StrideH, g.Multiplier, RandomActivation(random), g.DilationW, g.DilationH))
            : m.Build(BuiltinOperator.Conv2D, [.. inputs], OperatorOptions.Conv2D(g.Padding, g.StrideW, g.StrideH, RandomActivation(random), g.DilationW, g.DilationH));
    }

    /// <summary>
    /// An int8 pooling model (<paramref name="op"/>) of <paramref name="g"/>, the window FilterHeight x FilterWidth: input
    /// and output share one random quantization; a random fused activation.
    /// </summary>
    public static byte[] Int8Pool(Random random, ConvGeometry g, BuiltinOperator op)
    {
        var m = new OperatorModel();
        QuantizationParameters quantization = Quant.PerTensor(Scale(random, 0.005f, 0.1f), random.Next(-128, 128));
        int input = m.Input(TensorType.Int8, [g.Batches, g.Height, g.Width, g.InDepth], quantization);
        m.Output(TensorType.Int8, [g.Batches, g.OutHeight, g.OutWidth, g.InDepth], quantization);
        return m.Build(op, [input], OperatorOptions.Pool2D(g.Padding, g.StrideW, g.StrideH, g.FilterWidth, g.FilterHeight, RandomActivation(random)));
    }
}
