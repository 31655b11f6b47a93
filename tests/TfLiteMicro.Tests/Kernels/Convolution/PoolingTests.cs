using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.Convolution.ConvTestSupport;

namespace TfLiteMicro.Tests.Kernels.Convolution;

/// <summary>AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D against the vectors of TFLM's pooling_test.cc and l2_pool_2d_test.cc.</summary>
public class PoolingTests
{
    public sealed record PoolCase(
        string Name, BuiltinOperator Op, TensorType Type, int[] InputShape, float[] Input,
        int FilterWidth, int FilterHeight, int StrideWidth, int StrideHeight, float[] Golden, int[] OutputShape,
        float InputScale, int InputZeroPoint, float OutputScale, int OutputZeroPoint, PaddingKind Padding, FusedActivation Activation)
    {
        public override string ToString() => Name;
    }

    // TFLM's pooling_test.cc, one row per call (quantized inputs and goldens are already integers there).
    // Some of TFLM's cases declare an output larger than the padding implies (e.g. "PaddingSame" with VALID):
    // TFLM clips the windows to the input and so do we.
    private static readonly PoolCase[] Cases =
    [
        new("SimpleAveragePoolTestFloat", BuiltinOperator.AveragePool2D, TensorType.Float32, [1, 2, 4, 1], [0, 6, 2, 4, 3, 2, 10, 7], 2, 2, 2, 2, [2.75f, 5.75f], [1, 1, 2, 1], 0f, 0, 0f, 0, PaddingKind.Valid, FusedActivation.None),
        new("SimpleAveragePoolTestInt8PaddingValidStride2ActNone", BuiltinOperator.AveragePool2D, TensorType.Int8, [1, 2, 4, 1], [0, -24, 8, 16, 12, 8, -40, 28], 2, 2, 2, 2, [-1, 3], [1, 1, 2, 1], 0.25f, 0, 0.25f, 0, PaddingKind.Valid, FusedActivation.None),
        new("SimpleAveragePoolTestInt8PaddingValidStride1Stride2Relu", BuiltinOperator.AveragePool2D, TensorType.Int8, [1, 2, 4, 1], [0, -24, 8, 16, 12, 8, -40, 28], 2, 2, 1, 2, [0, 0, 3], [1, 1, 3, 1], 0.25f, 0, 0.25f, 0, PaddingKind.Valid, FusedActivation.Relu),
        new("SimpleAveragePoolTestInt8PaddingValidStride2Stride1ReluN1To1", BuiltinOperator.AveragePool2D, TensorType.Int8, [1, 2, 4, 1], [0, -24, 8, 16, 12, 8, -40, 28], 2, 2, 2, 1, [-1, 3], [1, 1, 2, 1], 0.25f, 0, 0.25f, 0, PaddingKind.Valid, FusedActivation.ReluN1To1),
        new("SimpleAveragePoolTestInt8PaddingValidStride2Relu6", BuiltinOperator.AveragePool2D, TensorType.Int8, [1, 2, 4, 1], [12, -24, 32, 16, 12, 8, 40, 28], 2, 2, 2, 2, [2, 24], [1, 1, 2, 1], 0.25f, 0, 0.25f, 0, PaddingKind.Valid, FusedActivation.Relu6),
        new("SimpleAveragePoolTestInt8PaddingSameStride1ActNone", BuiltinOperator.AveragePool2D, TensorType.Int8, [1, 2, 4, 1], [12, -24, 32, 16, 12, 8, 40, 28], 2, 2, 1, 1, [2, 14, 29, 22, 10, 24, 34, 28], [1, 2, 4, 1], 0.25f, 0, 0.25f, 0, PaddingKind.Valid, FusedActivation.None),
        new("SimpleAveragePoolTestInt16PaddingValidStride2ActNone", BuiltinOperator.AveragePool2D, TensorType.Int16, [1, 2, 4, 1], [0, -24, 8, 16, 12, 8, -40, 28], 2, 2, 2, 2, [-1, 3], [1, 1, 2, 1], 0.25f, 0, 0.25f, 0, PaddingKind.Valid, FusedActivation.None),
        new("SimpleAveragePoolTestInt16PaddingValidStride1Stride2Relu", BuiltinOperator.AveragePool2D, TensorType.Int16, [1, 2, 4, 1], [0, -24, 8, 16, 12, 8, -40, 28], 2, 2, 1, 2, [0, 0, 3], [1, 1, 3, 1], 0.25f, 0, 0.25f, 0, PaddingKind.Valid, FusedActivation.Relu),
        new("SimpleAveragePoolTestInt16PaddingValidStride2Stride1ReluN1To1", BuiltinOperator.AveragePool2D, TensorType.Int16, [1, 2, 4, 1], [0, -24, 8, 16, 12, 8, -40, 28], 2, 2, 2, 1, [-1, 3], [1, 1, 2, 1], 0.25f, 0, 0.25f, 0, PaddingKind.Valid, FusedActivation.ReluN1To1),
        new("SimpleAveragePoolTestInt16PaddingValidStride2Relu6", BuiltinOperator.AveragePool2D, TensorType.Int16, [1, 2, 4, 1], [12, -24, 32, 16, 12, 8, 40, 28], 2, 2, 2, 2, [2, 24], [1, 1, 2, 1], 0.25f, 0, 0.25f, 0, PaddingKind.Valid, FusedActivation.Relu6),
        new("SimpleAveragePoolTestInt16PaddingSameStride1ActNone", BuiltinOperator.AveragePool2D, TensorType.Int16, [1, 2, 4, 1], [12, -24, 32, 16, 12, 8, 40, 28], 2, 2, 1, 1, [2, 14, 29, 22, 10, 24, 34, 28], [1, 2, 4, 1], 0.25f, 0, 0.25f, 0, PaddingKind.Valid, FusedActivation.None),
        new("SimpleMaxPoolTestFloat", BuiltinOperator.MaxPool2D, TensorType.Float32, [1, 2, 4, 1], [0, 6, 2, 4, 3, 2, 10, 7], 2, 2, 2, 2, [6, 10], [1, 1, 2, 1], 0f, 0, 0f, 0, PaddingKind.Valid, FusedActivation.None),
        new("SimpleMaxPoolTestFloatRelu", BuiltinOperator.MaxPool2D, TensorType.Float32, [1, 2, 4, 1], [-1, -6, 2, 4, -3, -2, 10.5f, 7], 2, 2, 2, 2, [0, 10.5f], [1, 1, 2, 1], 0f, 0, 0f, 0, PaddingKind.Valid, FusedActivation.Relu),
        new("SimpleMaxPoolTestFloatReluN1To1_1", BuiltinOperator.MaxPool2D, TensorType.Float32, [1, 2, 4, 1], [-2.75f, -6, 0.2f, 0.4f, -3, -2, -0.3f, 0.7f], 2, 2, 2, 2, [-1.0f, 0.7f], [1, 1, 2, 1], 0f, 0, 0f, 0, PaddingKind.Valid, FusedActivation.ReluN1To1),
        new("SimpleMaxPoolTestFloatReluN1To1_2", BuiltinOperator.MaxPool2D, TensorType.Float32, [1, 2, 4, 1], [-2.75f, -6, -2, -4, -3, -2, 10, -7], 2, 2, 2, 2, [-1.0f, 1.0f], [1, 1, 2, 1], 0f, 0, 0f, 0, PaddingKind.Valid, FusedActivation.ReluN1To1),
        new("SimpleMaxPoolTestFloatRelu6_1", BuiltinOperator.MaxPool2D, TensorType.Float32, [1, 2, 4, 1], [-1.5f, -6, 12, 4, -3, -2, 10, 7], 2, 2, 2, 2, [0, 6], [1, 1, 2, 1], 0f, 0, 0f, 0, PaddingKind.Valid, FusedActivation.Relu6),
        new("SimpleMaxPoolTestFloatRelu6_2", BuiltinOperator.MaxPool2D, TensorType.Float32, [1, 2, 4, 1], [0, 4.5f, 12, 4, 3, 2, 10, 7], 2, 2, 2, 2, [4.5f, 6], [1, 1, 2, 1], 0f, 0, 0f, 0, PaddingKind.Valid, FusedActivation.Relu6),
        new("SimpleMaxPoolTestPaddingSameStride1", BuiltinOperator.MaxPool2D, TensorType.Float32, [1, 2, 4, 1], [0, 6, 2, 4, 3, 2, 10, 7], 2, 2, 1, 1, [6, 10, 10, 7, 3, 10, 10, 7], [1, 2, 4, 1], 0f, 0, 0f, 0, PaddingKind.Same, FusedActivation.None),
        new("SimpleMaxPoolTestPaddingValidStride1", BuiltinOperator.MaxPool2D, TensorType.Float32, [1, 2, 4, 1], [0, 6, 2, 4, 3, 2, 10, 7], 2, 2, 1, 1, [6, 10, 10], [1, 1, 3, 1], 0f, 0, 0f, 0, PaddingKind.Valid, FusedActivation.None),
        new("SimpleMaxPoolTestInt8ActNone", BuiltinOperator.MaxPool2D, TensorType.Int8, [1, 2, 4, 1], [0, 6, 2, 4, 3, 2, 10, 7], 2, 2, 2, 2, [6, 10], [1, 1, 2, 1], 1.0f, 0, 1.0f, 0, PaddingKind.Valid, FusedActivation.None),
        new("MaxPoolTestInt8ActRelu", BuiltinOperator.MaxPool2D, TensorType.Int8, [1, 2, 4, 1], [-3, -12, 4, 8, -6, -4, 20, 14], 2, 2, 2, 2, [0, 20], [1, 1, 2, 1], 0.5f, 0, 0.5f, 0, PaddingKind.Valid, FusedActivation.Relu),
        new("MaxPoolTestInt8ActReluN1To1", BuiltinOperator.MaxPool2D, TensorType.Int8, [1, 2, 4, 1], [-2, -6, -2, -4, -3, -2, 10, 7], 2, 2, 2, 2, [-1, 1], [1, 1, 2, 1], 1.0f, 0, 1.0f, 0, PaddingKind.Valid, FusedActivation.ReluN1To1),
        new("MaxPoolTestInt8ActRelu6", BuiltinOperator.MaxPool2D, TensorType.Int8, [1, 2, 4, 1], [0, -6, 12, 4, -3, -2, 10, 7], 2, 2, 2, 2, [0, 6], [1, 1, 2, 1], 1.0f, 0, 1.0f, 0, PaddingKind.Valid, FusedActivation.Relu6),
        new("SimpleMaxPoolTestInt16ActNone", BuiltinOperator.MaxPool2D, TensorType.Int16, [1, 2, 4, 1], [0, 6, 2, 4, 3, 2, 10, 7], 2, 2, 2, 2, [6, 10], [1, 1, 2, 1], 1.0f, 0, 1.0f, 0, PaddingKind.Valid, FusedActivation.None),
        new("MaxPoolTestInt16ActRelu", BuiltinOperator.MaxPool2D, TensorType.Int16, [1, 2, 4, 1], [-3, -12, 4, 8, -6, -4, 20, 14], 2, 2, 2, 2, [0, 20], [1, 1, 2, 1], 0.5f, 0, 0.5f, 0, PaddingKind.Valid, FusedActivation.Relu),
        new("MaxPoolTestInt16ActReluN1To1", BuiltinOperator.MaxPool2D, TensorType.Int16, [1, 2, 4, 1], [-2, -6, -2, -4, -3, -2, 10, 7], 2, 2, 2, 2, [-1, 1], [1, 1, 2, 1], 1.0f, 0, 1.0f, 0, PaddingKind.Valid, FusedActivation.ReluN1To1),
        new("MaxPoolTestInt16ActRelu6", BuiltinOperator.MaxPool2D, TensorType.Int16, [1, 2, 4, 1], [0, -6, 12, 4, -3, -2, 10, 7], 2, 2, 2, 2, [0, 6], [1, 1, 2, 1], 1.0f, 0, 1.0f, 0, PaddingKind.Valid, FusedActivation.Relu6),
    ];

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (PoolCase c in Cases) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesTflmKernelTest(string name)
    {
        PoolCase c = Cases.Single(x => x.Name == name);
        var m = new OperatorModel();
        bool quantized = c.Type != TensorType.Float32;
        int i = m.Input(c.Type, c.InputShape, quantized ? Quant.PerTensor(c.InputScale, c.InputZeroPoint) : null);
        m.Output(c.Type, c.OutputShape, quantized ? Quant.PerTensor(c.OutputScale, c.OutputZeroPoint) : null);
        byte[] model = m.Build(c.Op, [i], OperatorOptions.Pool2D(c.Padding, c.StrideWidth, c.StrideHeight, c.FilterWidth, c.FilterHeight, c.Activation));
        switch (c.Type)
        {
            case TensorType.Float32:
                AssertNear(c.Golden, Run<float>(model, Bytes(c.Input)), 1e-5);
                break;
            case TensorType.Int8:
                AssertNear(c.Golden, Run<sbyte>(model, Bytes(c.Input.Select(v => (sbyte)v).ToArray())), 0);
                break;
            default:
                AssertNear(c.Golden, Run<short>(model, Bytes(c.Input.Select(v => (short)v).ToArray())), 0);
                break;
        }
    }

    // TFLM's l2_pool_2d_test.cc (defaults: 2x2 filter, stride 2, VALID).
    [Theory]
    [InlineData(new float[] { 0, 6, 2, 4, 3, 2, 10, 7 }, new float[] { 3.5f, 6.5f }, FusedActivation.None, PaddingKind.Valid, 2)]
    [InlineData(new float[] { -1, -6, 2, 4, -3, -2, 10, 7 }, new float[] { 3.53553f, 6.5f }, FusedActivation.Relu, PaddingKind.Valid, 2)]
    [InlineData(new float[] { -0.1f, -0.6f, 2, 4, -0.3f, -0.2f, 10, 7 }, new float[] { 0.353553f, 1.0f }, FusedActivation.ReluN1To1, PaddingKind.Valid, 2)]
    [InlineData(new float[] { -0.1f, -0.6f, 2, 4, -0.3f, -0.2f, 10, 7 }, new float[] { 0.353553f, 6.0f }, FusedActivation.Relu6, PaddingKind.Valid, 2)]
    [InlineData(new float[] { 0, 6, 2, 4, 3, 2, 10, 7 }, new float[] { 3.5f, 6.5f }, FusedActivation.None, PaddingKind.Same, 2)]
    [InlineData(new float[] { 0, 6, 2, 4, 3, 2, 10, 7 }, new float[] { 3.5f, 6.0f, 6.5f, 5.70088f, 2.54951f, 7.2111f, 8.63134f, 7.0f }, FusedActivation.None, PaddingKind.Same, 1)]
    [InlineData(new float[] { 0, 6, 2, 4, 3, 2, 10, 7 }, new float[] { 3.5f, 6.0f, 6.5f }, FusedActivation.None, PaddingKind.Valid, 1)]
    public void L2PoolMatchesTflmKernelTest(float[] input, float[] expected, FusedActivation activation, PaddingKind padding, int stride)
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.Float32, [1, 2, 4, 1]);
        // The kernel computes the output shape; the model's placeholder shape is replaced.
        m.Output(TensorType.Float32, [1, 1, 1, 1]);
        byte[] model = m.Build(BuiltinOperator.L2Pool2D, [i], OperatorOptions.Pool2D(padding, stride, stride, 2, 2, activation));
        float[] result = Run<float>(model, Bytes(input));
        Assert.Equal(expected.Length, result.Length);
        // TFLM compares its printed goldens within 1e-4 for the six-digit values.
        AssertNear(expected, result, 1e-4);
    }

    [Fact]
    public void QuantizedPoolingRejectsDifferentOutputScale()
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.Int8, [1, 2, 4, 1], Quant.PerTensor(0.25f, 0));
        m.Output(TensorType.Int8, [1, 1, 2, 1], Quant.PerTensor(0.5f, 0));
        byte[] model = m.Build(BuiltinOperator.AveragePool2D, [i], OperatorOptions.Pool2D(PaddingKind.Valid, 2, 2, 2, 2));
        KernelException e = Assert.Throws<KernelException>(() => Prepare(model).Dispose());
        Assert.Contains("scale", e.Message);
    }

    [Theory]
    [InlineData(BuiltinOperator.AveragePool2D, TensorType.Int32)]
    [InlineData(BuiltinOperator.MaxPool2D, TensorType.UInt8)]
    [InlineData(BuiltinOperator.L2Pool2D, TensorType.Int8)]
    public void UnsupportedTypeIsRejectedAtAllocateTensors(BuiltinOperator op, TensorType type)
    {
        var m = new OperatorModel();
        int i = m.Input(type, [1, 2, 4, 1], Quant.PerTensor(1f, 0));
        m.Output(type, [1, 1, 2, 1], Quant.PerTensor(1f, 0));
        byte[] model = m.Build(op, [i], OperatorOptions.Pool2D(PaddingKind.Valid, 2, 2, 2, 2));
        KernelException e = Assert.Throws<KernelException>(() => Prepare(model).Dispose());
        Assert.Contains(TensorTypes.GetName(type), e.Message);
        Assert.Contains(op switch { BuiltinOperator.AveragePool2D => "AVERAGE_POOL_2D", BuiltinOperator.MaxPool2D => "MAX_POOL_2D", _ => "L2_POOL_2D" }, e.Message);
    }

    [Fact]
    public void ZeroStrideIsRejected()
    {
        var m = new OperatorModel();
        int i = m.Input(TensorType.Float32, [1, 2, 4, 1]);
        m.Output(TensorType.Float32, [1, 1, 2, 1]);
        byte[] model = m.Build(BuiltinOperator.MaxPool2D, [i], OperatorOptions.Pool2D(PaddingKind.Valid, 0, 2, 2, 2));
        KernelException e = Assert.Throws<KernelException>(() => Prepare(model).Dispose());
        Assert.Contains("stride", e.Message);
    }
}
