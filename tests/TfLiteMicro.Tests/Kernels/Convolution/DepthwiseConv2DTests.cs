using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.Convolution.ConvTestSupport;

namespace TfLiteMicro.Tests.Kernels.Convolution;

/// <summary>DEPTHWISE_CONV_2D against the vectors of TFLM's depthwise_conv_test.cc (expected values are TFLM's).</summary>
public class DepthwiseConv2DTests
{
    // TFLM's common vectors: input [1,3,2,2], filter [1,2,2,4] (depth multiplier 2), bias [4], VALID, stride 1.
    private static readonly int[] InputShape = [1, 3, 2, 2];
    private static readonly float[] InputData = [1, 2, 7, 8, 3, 4, 9, 10, 5, 6, 11, 12];
    private static readonly int[] FilterShape = [1, 2, 2, 4];
    private static readonly float[] FilterData = [1, 2, 3, 4, -9, 10, -11, 12, 5, 6, 7, 8, 13, -14, 15, -16];
    private static readonly int[] BiasShape = [1, 1, 1, 4];
    private static readonly float[] BiasData = [1, 2, 3, 4];
    private static readonly int[] OutputShape = [1, 2, 1, 4];
    private static readonly float[] Golden = [71, -34, 99, -20, 91, -26, 127, -4];

    private static OperatorOptions Options(int depthMultiplier, FusedActivation activation = FusedActivation.None, int stride = 1, int dilationW = 1, int dilationH = 1)
        => OperatorOptions.DepthwiseConv2D(PaddingKind.Valid, stride, stride, depthMultiplier, activation, dilationW, dilationH);

    [Fact]
    public void SimpleFloat()
        => CheckFloat(BuiltinOperator.DepthwiseConv2D, InputShape, InputData, FilterShape, FilterData, BiasShape, BiasData, OutputShape, Golden, Options(2));

    [Fact]
    public void SimpleFloatRelu()
        => CheckFloat(BuiltinOperator.DepthwiseConv2D, InputShape, InputData, FilterShape, FilterData, BiasShape, BiasData, OutputShape,
            [71, 0, 99, 0, 91, 0, 127, 0], Options(2, FusedActivation.Relu));

    [Theory]
    [InlineData(FusedActivation.Relu6, new float[] { 6, 0, 6, 0, 6, 0, 6, 0 })]
    [InlineData(FusedActivation.ReluN1To1, new float[] { 1, -1, 1, -1, 1, -1, 1, -1 })]
    public void FloatClampsOfTflmGolden(FusedActivation activation, float[] expected)
        // TFLM's SimpleTest golden with the activation's clamp applied.
        => CheckFloat(BuiltinOperator.DepthwiseConv2D, InputShape, InputData, FilterShape, FilterData, BiasShape, BiasData, OutputShape,
            expected, Options(2, activation));

    [Theory]
    [InlineData(TensorType.Int8)]
    [InlineData(TensorType.Int4)]
    public void SimplePerChannel(TensorType filterType)
    {
        // TFLM uses other filter values for the int4 variant (they fit 4 bits better).
        bool int4 = filterType == TensorType.Int4;
        CheckQuantizedPerChannel(BuiltinOperator.DepthwiseConv2D, TensorType.Int8, filterType, TensorType.Int32,
            InputShape, InputData, 0.5f, 0,
            FilterShape, int4 ? [1, 2, 3, 4, -5, 7, -6, 7, 5, 6, 7, 4, 2, -5, 4, 0] : FilterData, 3, BiasShape, BiasData,
            OutputShape, int4 ? [0, 26, 29, 84, 6, 46, 45, 114] : Golden, 1.0f, 0, Options(2));
    }

    [Fact]
    public void PerChannelDepthMultiplier1()
        => CheckQuantizedPerChannel(BuiltinOperator.DepthwiseConv2D, TensorType.Int8, TensorType.Int8, TensorType.Int32,
            InputShape, InputData, 1.0f, 0, [1, 2, 2, 2], [1, 2, 3, 4, -9, 10, -11, 12], 3, [1, 1, 1, 2], [1, 2],
            [1, 2, 1, 2], [-103, 127, -128, 127], 1.0f, 0, Options(1));

    [Fact]
    public void PerChannelDepthMultiplier1Relu6()
        => CheckQuantizedPerChannel(BuiltinOperator.DepthwiseConv2D, TensorType.Int8, TensorType.Int8, TensorType.Int32,
            [1, 3, 2, 4], Enumerable.Repeat(1f, 24).ToArray(), 0.023529f, -128,
            FilterShape, [0, 1, 8, -2, -1, 2, -10, 0, -1, 3, -18, 0, 0, 4, 20, -3], 3, BiasShape, BiasData,
            OutputShape, [0, 6, 3, 0, 0, 6, 3, 0], 0.023529f, -128, Options(1, FusedActivation.Relu6));

    [Fact]
    public void DilatedPerChannel()
        => CheckQuantizedPerChannel(BuiltinOperator.DepthwiseConv2D, TensorType.Int8, TensorType.Int8, TensorType.Int32,
            [1, 4, 6, 2],
            [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4,
             1, 2, 3, 4, 5, 6, 2, 6, 2, 4, 4, 2, 3, 2, 6, 5, 1, 4, 1, 2, 1, 4, 6, 3], 0.5f, 0,
            FilterShape, FilterData, 3, BiasShape, BiasData,
            [1, 2, 3, 4], [15, 2, 88, -48, 25, 14, 72, 0, 61, -2, 56, 48, -4, 52, 12, 48, 11, 70, 63, 40, 51, -30, 41, 48], 1.0f, 0,
            Options(2, dilationW: 3, dilationH: 2));

    [Fact]
    public void PerChannelCompareWithFloat()
    {
        int[] inputShape = [1, 2, 3, 2];
        float[] input = [3, 2, 1, -1, -2, -3, 4, 3, 2, -2, -3, -4];
        float[] filter = [1, 2, 3, 4, 3, 4, 5, 6, 7, 8, 5, 6, 3, 4, 1, 2];
        float[] bias = [3, -2, 4, 6];
        float[] golden = [43, 48, 18, 22, 3, -4, -28, -36];
        CheckQuantizedPerChannel(BuiltinOperator.DepthwiseConv2D, TensorType.Int8, TensorType.Int8, TensorType.Int32,
            inputShape, input, 0.5f, 0, FilterShape, filter, 3, BiasShape, bias, [1, 1, 2, 4], golden, 1.0f, 0,
            Options(2));
        CheckFloat(BuiltinOperator.DepthwiseConv2D, inputShape, input, FilterShape, filter, BiasShape, bias, [1, 1, 2, 4], golden,
            Options(2));
    }

    [Fact]
    public void Int16InputInt8Filter()
        => CheckQuantizedPerChannel(BuiltinOperator.DepthwiseConv2D, TensorType.Int16, TensorType.Int8, TensorType.Int64,
            InputShape, [-547, 108, -682, 540, -161, -539, 9, -482, -859, 84, 153, -726], 0.5f, 0,
            FilterShape, FilterData, 3, BiasShape, BiasData,
            OutputShape, [4894, -9009, -16596, 10268, -2564, -7483, -6599, 4356], 1.0f, 0, Options(2));

    [Fact]
    public void PerTensorQuantizationBroadcastToChannels()
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.Int8, InputShape, Quant.PerTensor(1f, 0));
        int f = m.Constant(TensorType.Int8, FilterShape, QuantizeInt8(FilterData, 1f, 0), Quant.PerTensor(1f, 0));
        int b = m.Constant(TensorType.Int32, BiasShape, new[] { 1, 2, 3, 4 }, Quant.PerTensor(1f, 0));
        m.Output(TensorType.Int8, OutputShape, Quant.PerTensor(1f, 0));
        byte[] model = m.Build(BuiltinOperator.DepthwiseConv2D, [i, f, b], Options(2));
        sbyte[] result = Run<sbyte>(model, Bytes(QuantizeInt8(InputData, 1f, 0)));
        AssertNear(Golden, result, 1.0);
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(1, 2)]
    public void PerTensorInt8MatchesTflmGolden(int height, int stride)
    {
        // TFLM's Int8Input32x4Filter32x4ShouldMatchGolden (stride 1) and Int8Input32x1Filter32x1ShouldMatchGolden (stride 2).
        bool tall = height == 4;
        float[] input = tall ? DepthwiseConvTestData.Input32x4Input : DepthwiseConvTestData.Input32x1Input;
        float[] filter = tall ? DepthwiseConvTestData.Input32x4Filter : DepthwiseConvTestData.Input32x1Filter;
        float[] golden = tall ? DepthwiseConvTestData.Input32x4Golden : DepthwiseConvTestData.Input32x1Golden;
        const float inputScale = 0.058824f, filterScale = 0.003301f, outputScale = 0.092596f;
        var m = new OperatorModel();
        int i = m.Input(TensorType.Int8, [1, height, 1, 32], Quant.PerTensor(inputScale, -128));
        int f = m.Constant(TensorType.Int8, [1, height, 1, 32], QuantizeInt8(filter, filterScale, 0), Quant.PerTensor(filterScale, 0));
        int b = m.Constant(TensorType.Int32, [32], new int[32], Quant.PerTensor(inputScale * filterScale, 0));
        m.Output(TensorType.Int8, [1, 1, 1, 32], Quant.PerTensor(outputScale, 0));
        byte[] model = m.Build(BuiltinOperator.DepthwiseConv2D, [i, f, b], Options(1, stride: stride));
        sbyte[] result = Run<sbyte>(model, Bytes(QuantizeInt8(input, inputScale, -128)));
        AssertNear([.. QuantizeInt8(golden, outputScale, 0).Select(v => (float)v)], result, 1.0);
    }

    [Fact]
    public void Int16WithInt32BiasIsRejected()
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.Int16, InputShape, Quant.PerTensor(0.5f, 0));
        int f = m.Constant(TensorType.Int8, FilterShape, new sbyte[16], Quant.PerTensor(1f, 0));
        int b = m.Constant(TensorType.Int32, BiasShape, new int[4]);
        m.Output(TensorType.Int16, OutputShape, Quant.PerTensor(1f, 0));
        byte[] model = m.Build(BuiltinOperator.DepthwiseConv2D, [i, f, b], Options(2));
        KernelException e = Assert.Throws<KernelException>(() => Prepare(model).Dispose());
        Assert.Contains("DEPTHWISE_CONV_2D", e.Message);
        Assert.Contains("INT32", e.Message);
    }

    [Fact]
    public void UnsupportedTypeIsRejectedAtAllocateTensors()
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.Int32, InputShape);
        int f = m.Constant(TensorType.Int32, FilterShape, new int[16]);
        m.Output(TensorType.Int32, OutputShape);
        byte[] model = m.Build(BuiltinOperator.DepthwiseConv2D, [i, f], Options(2));
        KernelException e = Assert.Throws<KernelException>(() => Prepare(model).Dispose());
        Assert.Contains("DEPTHWISE_CONV_2D", e.Message);
        Assert.Contains("INT32", e.Message);
    }

    [Fact]
    public void DepthMultiplierNotMatchingChannelsIsRejected()
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.Float32, InputShape);
        int f = m.Constant(TensorType.Float32, FilterShape, FilterData);
        m.Output(TensorType.Float32, OutputShape);
        byte[] model = m.Build(BuiltinOperator.DepthwiseConv2D, [i, f], Options(3));
        KernelException e = Assert.Throws<KernelException>(() => Prepare(model).Dispose());
        Assert.Contains("depth multiplier", e.Message);
    }
}
