using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.Convolution.ConvTestSupport;

namespace TfLiteMicro.Tests.Kernels.Convolution;

/// <summary>CONV_2D against the vectors of TFLM's conv_test.cc (expected values are TFLM's).</summary>
public class Conv2DTests
{
    // TFLM conv_test.cc common vectors: input [2,2,4,1], filter [3,2,2,1], bias [3], VALID, stride 2 -> [2,1,2,3].
    private static readonly int[] InputShape = [2, 2, 4, 1];
    private static readonly float[] InputData = [1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 3, 4, 1, 2, 3, 4];
    private static readonly int[] FilterShape = [3, 2, 2, 1];
    private static readonly float[] FilterData = [1, 2, 3, 4, -1, 1, -1, 1, -1, -1, 1, 1];
    private static readonly int[] BiasShape = [3];
    private static readonly float[] BiasData = [1, 2, 3];
    private static readonly int[] OutputShape = [2, 1, 2, 3];
    private static readonly float[] Golden = [18, 2, 5, 18, 2, 5, 17, 4, 3, 37, 4, 3];

    private static OperatorOptions Common(FusedActivation activation = FusedActivation.None, int dilationW = 1, int dilationH = 1)
        => OperatorOptions.Conv2D(PaddingKind.Valid, 2, 2, activation, dilationW, dilationH);

    [Fact]
    public void SimpleFloat()
        => CheckFloat(BuiltinOperator.Conv2D, InputShape, InputData, FilterShape, FilterData, BiasShape, BiasData, OutputShape, Golden, Common());

    [Fact]
    public void InputAndFilterSameWidthHeight()
        => CheckFloat(BuiltinOperator.Conv2D, InputShape, InputData, [1, 2, 4, 1], [1, 2, 3, 4, -1, -1, 1, 1], [1], [0], [2, 1, 1, 1], [10, 34], Common());

    [Theory]
    [InlineData(TensorType.Int8, TensorType.Int8, TensorType.Int32)]
    [InlineData(TensorType.Int8, TensorType.Int4, TensorType.Int32)]
    [InlineData(TensorType.Int16, TensorType.Int8, TensorType.Int64)]
    [InlineData(TensorType.Int16, TensorType.Int8, TensorType.Int32)]
    public void SimplePerChannel(TensorType io, TensorType filter, TensorType bias)
        => CheckQuantizedPerChannel(BuiltinOperator.Conv2D, io, filter, bias, InputShape, InputData, 0.5f, 0,
            FilterShape, FilterData, 0, BiasShape, BiasData, OutputShape, Golden, 1.0f, 0, Common());

    [Fact]
    public void DilatedPerChannel()
        => CheckQuantizedPerChannel(BuiltinOperator.Conv2D, TensorType.Int8, TensorType.Int8, TensorType.Int32,
            [2, 4, 6, 1],
            [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4,
             1, 2, 3, 4, 5, 6, 2, 6, 2, 4, 4, 2, 3, 2, 6, 5, 1, 4, 1, 2, 1, 4, 6, 3], 0.5f, 0,
            FilterShape, FilterData, 0, BiasShape, BiasData,
            [2, 2, 2, 3], [25, 2, 7, 25, 2, 7, 10, 2, -3, 10, 2, -3, 39, 7, 6, 50, 3, 4, 14, 4, -5, 15, 0, -7], 1.0f, 0,
            Common(dilationW: 3, dilationH: 2));

    // TFLM runs the int8 variant with activation NONE (the output range clamps), the int16 ones with RELU6.
    [Theory]
    [InlineData(TensorType.Int8, TensorType.Int32, -128, FusedActivation.None)]
    [InlineData(TensorType.Int16, TensorType.Int64, 0, FusedActivation.Relu6)]
    [InlineData(TensorType.Int16, TensorType.Int32, 0, FusedActivation.Relu6)]
    public void PerChannelRelu6(TensorType io, TensorType bias, int zeroPoint, FusedActivation activation)
        => CheckQuantizedPerChannel(BuiltinOperator.Conv2D, io, TensorType.Int8, bias, InputShape, InputData, 0.023529f, zeroPoint,
            FilterShape, FilterData, 0, BiasShape, [1, 2, -3], OutputShape, [6, 2, 0, 6, 2, 0, 6, 4, 0, 6, 4, 0], 0.023529f, zeroPoint,
            Common(activation));

    [Theory]
    [InlineData(TensorType.Int8, FusedActivation.None, -128)]
    [InlineData(TensorType.Int8, FusedActivation.Relu6, -128)]
    [InlineData(TensorType.Int16, FusedActivation.Relu6, 0)]
    public void Kernel1x1PerChannel(TensorType io, FusedActivation activation, int zeroPoint)
    {
        bool relu6 = activation == FusedActivation.Relu6;
        float scale = relu6 ? 0.023529f : 0.5f;
        CheckQuantizedPerChannel(BuiltinOperator.Conv2D, io, TensorType.Int8, io == TensorType.Int8 ? TensorType.Int32 : TensorType.Int64,
            [1, 2, 2, 4], [1, 1, 1, 1, 2, 2, 2, 2, 1, 2, 3, 4, 1, 2, 3, 4], scale, relu6 ? zeroPoint : 0,
            [3, 1, 1, 4], [1, 2, 3, 4, -1, 1, -1, 1, -1, -1, 1, 1], 0, [3], relu6 ? [1, 2, -3] : [1, 2, 3],
            [1, 2, 2, 3], relu6 ? [6, 2, 0, 6, 2, 0, 6, 4, 1, 6, 4, 1] : [11, 2, 3, 21, 2, 3, 31, 4, 7, 31, 4, 7],
            relu6 ? 0.023529f : 1.0f, relu6 ? zeroPoint : 0,
            OperatorOptions.Conv2D(PaddingKind.Valid, 1, 1, activation));
    }

    [Fact]
    public void BroadcastPerTensorQuantizationToChannels()
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.Int8, InputShape, Quant.PerTensor(1f, 0));
        int f = m.Constant(TensorType.Int8, FilterShape, QuantizeInt8(FilterData, 1f, 0), Quant.PerTensor(1f, 0));
        int b = m.Constant(TensorType.Int32, BiasShape, new[] { 1, 2, 3 }, Quant.PerTensor(1f, 0));
        m.Output(TensorType.Int8, OutputShape, Quant.PerTensor(1f, 0));
        byte[] model = m.Build(BuiltinOperator.Conv2D, [i, f, b], Common());
        sbyte[] result = Run<sbyte>(model, Bytes(QuantizeInt8(InputData, 1f, 0)));
        AssertNear(Golden, result, 0);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Filter1x3x3x1PaddingSame(int size)
    {
        var m = new OperatorModel();
        int outSize = (size + 1) / 2;
        int i = m.Input(TensorType.Int8, [1, size, size, 1], Quant.PerTensor(0.00392120517f, -128));
        int f = m.Constant(TensorType.Int8, [1, 3, 3, 1], ConvTestData.ConvFilter1x3x3x1, Quant.PerTensor(0.00448552053f, 0));
        int b = m.Constant(TensorType.Int32, [1], ConvTestData.ConvZeroBias, Quant.PerTensor(0.00001758864f, 0));
        m.Output(TensorType.Int8, [1, outSize, outSize, 1], Quant.PerTensor(0.00627814838f, -7));
        byte[] model = m.Build(BuiltinOperator.Conv2D, [i, f, b], OperatorOptions.Conv2D(PaddingKind.Same, 2, 2));
        sbyte[] input = size == 4 ? ConvTestData.ConvInput1x4x4x1 : ConvTestData.ConvInput1x5x5x1;
        sbyte[] golden = size == 4 ? ConvTestData.ConvGoldenOutput4x4InputPaddingSame2x2 : ConvTestData.ConvGoldenOutput5x5InputPaddingSame3x3;
        sbyte[] result = Run<sbyte>(model, Bytes(input));
        AssertNear([.. golden.Select(v => (float)v)], result, 1.0);
    }

    [Fact]
    public void Input32x1Filter32x32()
    {
        const int n = 32;
        var filter = new sbyte[n * n];
        for (int k = 0; k < filter.Length; k++) filter[k] = (sbyte)((k * 25) % 256 - 128);
        var input = new sbyte[n];
        var bias = new int[n];
        for (int k = 0; k < n; k++)
        {
            input[k] = (sbyte)(k - 16);
            // TFLM quantizes the bias with input_scale * output_scale = 50 (kept here as its numbers).
            bias[k] = (int)Math.Round(k / 50.0, MidpointRounding.AwayFromZero);
        }
        float[] expected =
        [
            5168, 3377, 306, -4045, -4556, -1227, 822, 1591, 5176, 3385, 314, -4037, -4548, -1219, 830, 1599,
            5184, 3393, 322, -4029, -4540, -1211, 838, 1607, 5192, 3401, 330, -4021, -4532, -1203, 846, 1615,
        ];
        var m = new OperatorModel();
        int i = m.Input(TensorType.Int8, [1, 1, 1, n], Quant.PerTensor(1f, 0));
        int f = m.Constant(TensorType.Int8, [n, 1, 1, n], filter, Quant.PerTensor(1f, 0));
        int b = m.Constant(TensorType.Int32, [n], bias, Quant.PerTensor(1f, 0));
        m.Output(TensorType.Int8, [1, 1, 1, n], Quant.PerTensor(50f, 0));
        byte[] model = m.Build(BuiltinOperator.Conv2D, [i, f, b], OperatorOptions.Conv2D(PaddingKind.Valid, 1, 1));
        sbyte[] result = Run<sbyte>(model, Bytes(input));
        AssertNear([.. QuantizeInt8(expected, 50f, 0).Select(v => (float)v)], result, 1.0);
    }

    [Fact]
    public void Filter8x3x3x3PerChannelScaleRelu6()
    {
        // TFLM's model-derived vectors: output 16x16 although VALID padding with stride 2 gives 15x15; TFLM computes
        // the padding from 15 and fills the 16 rows and columns the output declares, clipping windows to the input.
        float[] filterScales = [2.18926089e-05f, 0.00453596329f, 0.000504297379f, 0.00184638216f, 0.00596635276f, 0.000199135626f, 0.0047677448f, 0.00193942268f];
        float[] biasScales = [1.71706745e-07f, 3.5576184e-05f, 3.95527377e-06f, 1.44814294e-05f, 4.67949249e-05f, 1.56184819e-06f, 3.73940784e-05f, 1.52111588e-05f];
        var m = new OperatorModel();
        int i = m.Input(TensorType.Int8, [1, 32, 32, 3], Quant.PerTensor(0.00784313772f, -1));
        int f = m.Constant(TensorType.Int8, [8, 3, 3, 3], ConvTestData.ConvFilter8x3x3x3, Quant.PerChannel(filterScales, 0));
        int b = m.Constant(TensorType.Int32, [8], ConvTestData.ConvBiasQuantized8, Quant.PerChannel(biasScales, 0));
        m.Output(TensorType.Int8, [1, 16, 16, 8], Quant.PerTensor(0.0235294122f, -128));
        byte[] model = m.Build(BuiltinOperator.Conv2D, [i, f, b], Common(FusedActivation.Relu6));
        sbyte[] result = Run<sbyte>(model, Bytes(ConvTestData.ConvInput1x32x32x3));
        AssertNear([.. ConvTestData.ConvGoldenOutput1x16x16x8.Select(v => (float)v)], result, 1.0);
    }

    [Theory]
    [InlineData(FusedActivation.None, new float[] { 18, 2, 5, 18, 2, 5, 17, 4, 3, 37, 4, 3 })]
    [InlineData(FusedActivation.Relu, new float[] { 18, 2, 5, 18, 2, 5, 17, 4, 3, 37, 4, 3 })]
    [InlineData(FusedActivation.Relu6, new float[] { 6, 2, 5, 6, 2, 5, 6, 4, 3, 6, 4, 3 })]
    [InlineData(FusedActivation.ReluN1To1, new float[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 })]
    public void EveryFusedActivationFloat(FusedActivation activation, float[] expected)
        // The clamps applied to TFLM's SimpleTestFloat golden output.
        => CheckFloat(BuiltinOperator.Conv2D, InputShape, InputData, FilterShape, FilterData, BiasShape, BiasData, OutputShape, expected, Common(activation));

    [Fact]
    public void GroupedConvolutionSplitsInputChannels()
    {
        // Two groups: input depth 2, filter depth 1; output channel 0 sees input channel 0, channel 1 sees channel 1.
        var m = new OperatorModel();
        int i = m.Input(TensorType.Float32, [1, 1, 2, 2]);
        int f = m.Constant(TensorType.Float32, [2, 1, 1, 1], new[] { 10f, 100f });
        m.Output(TensorType.Float32, [1, 1, 2, 2]);
        byte[] model = m.Build(BuiltinOperator.Conv2D, [i, f, -1], OperatorOptions.Conv2D(PaddingKind.Valid, 1, 1));
        float[] result = Run<float>(model, Bytes(new[] { 1f, 2f, 3f, 4f }));
        Assert.Equal([10f, 200f, 30f, 400f], result);
    }

    [Fact]
    public void InputOutputDifferentTypeIsRejected()
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.Float32, InputShape);
        int f = m.Constant(TensorType.Float32, FilterShape, FilterData);
        int b = m.Constant(TensorType.Float32, BiasShape, BiasData);
        m.Output(TensorType.Int8, OutputShape, Quant.PerTensor(1f, 0));
        byte[] model = m.Build(BuiltinOperator.Conv2D, [i, f, b], Common());
        KernelException e = Assert.Throws<KernelException>(() => Prepare(model).Dispose());
        Assert.Contains("CONV_2D", e.Message);
    }

    [Fact]
    public void HybridFloatInputInt8FilterIsRejected()
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.Float32, InputShape);
        int f = m.Constant(TensorType.Int8, FilterShape, QuantizeInt8(FilterData, 1f, 0), Quant.PerTensor(1f, 0));
        int b = m.Constant(TensorType.Float32, BiasShape, BiasData);
        m.Output(TensorType.Float32, OutputShape);
        byte[] model = m.Build(BuiltinOperator.Conv2D, [i, f, b], Common());
        KernelException e = Assert.Throws<KernelException>(() => Prepare(model).Dispose());
        Assert.Contains("CONV_2D", e.Message);
        Assert.Contains("INT8", e.Message);
    }

    [Fact]
    public void UnsupportedInputTypeIsRejectedAtAllocateTensors()
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.UInt8, InputShape, Quant.PerTensor(1f, 0));
        int f = m.Constant(TensorType.UInt8, FilterShape, new byte[12], Quant.PerTensor(1f, 0));
        int b = m.Constant(TensorType.Int32, BiasShape, new int[3]);
        m.Output(TensorType.UInt8, OutputShape, Quant.PerTensor(1f, 0));
        byte[] model = m.Build(BuiltinOperator.Conv2D, [i, f, b], Common());
        KernelException e = Assert.Throws<KernelException>(() => Prepare(model).Dispose());
        Assert.Contains("CONV_2D", e.Message);
        Assert.Contains("UINT8", e.Message);
    }

    [Fact]
    public void FilterScalesNotMatchingChannelsAreRejected()
    {
        // TFLM's FilterDimsNotMatchingAffineQuantization: two scales for three output channels (the model reader
        // already refuses such a tensor).
        var m = new OperatorModel();
        int i = m.Input(TensorType.Int8, InputShape, Quant.PerTensor(0.5f, 0));
        int f = m.Constant(TensorType.Int8, FilterShape, new sbyte[12], new QuantizationParameters([1f, 1f], [0, 0], 0));
        int b = m.Constant(TensorType.Int32, BiasShape, new int[3]);
        m.Output(TensorType.Int8, OutputShape, Quant.PerTensor(1f, 0));
        byte[] model = m.Build(BuiltinOperator.Conv2D, [i, f, b], Common());
        Assert.ThrowsAny<TfLiteMicroException>(() => Prepare(model).Dispose());
    }

    [Fact]
    public void InvokeAllocatesNothing()
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.Int8, InputShape, Quant.PerTensor(0.5f, 0));
        int f = m.Constant(TensorType.Int8, FilterShape, QuantizeInt8(FilterData, 1f, 0), new QuantizationParameters([1f, 1f, 1f], [0, 0, 0], 0));
        int b = m.Constant(TensorType.Int32, BiasShape, new[] { 2, 4, 6 });
        m.Output(TensorType.Int8, OutputShape, Quant.PerTensor(1f, 0));
        byte[] model = m.Build(BuiltinOperator.Conv2D, [i, f, b], Common());
        using MicroInterpreter interpreter = Prepare(model);
        interpreter.Invoke();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++) interpreter.Invoke();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
