using TfLiteMicro.Modeling;
using static TfLiteMicro.Tests.Support.ElementwiseTestModels;
using static TfLiteMicro.Tests.Support.TensorSpec;

namespace TfLiteMicro.Tests.Kernels.Elementwise;

/// <summary>Unary math ops and activations against the vectors of TFLM's elementwise_test.cc, activations_test.cc and friends.</summary>
public class UnaryAndActivationTests
{
    private static float[] Unary(BuiltinOperator op, float[] input, OperatorOptions? options = null)
        => Run<float>(op, [F32(1, input.Length)], F32(1, input.Length), [input], options);

    [Fact]
    public void Abs() => ElementwiseAssert.Near([0.01f, 0.01f, 10f, 10f], Unary(BuiltinOperator.Abs, [0.01f, -0.01f, 10f, -10f]));

    [Fact]
    public void AbsInt8SameScale()
        => Assert.Equal([15, 46, 78, 127, 1, 17, 49, 113],
            Run<sbyte>(BuiltinOperator.Abs, [I8(1f, 0, 1, 8)], I8(1f, 0, 1, 8), [new sbyte[] { 15, 46, 78, -127, -1, -17, -49, 113 }]));

    [Fact]
    public void Sin() => ElementwiseAssert.Near([0, 0, 0, 0.84147f], Unary(BuiltinOperator.Sin, [0, 3.1415926f, -3.1415926f, 1]), 1e-5f);

    [Fact]
    public void Cos() => ElementwiseAssert.Near([1, -1, -1, 0.54030f], Unary(BuiltinOperator.Cos, [0, 3.1415926f, -3.1415926f, 1]), 1e-5f);

    [Fact]
    public void Log() => ElementwiseAssert.Near([0, 1, -0.6931472f, 0.6931472f], Unary(BuiltinOperator.Log, [1, 2.7182818f, 0.5f, 2]));

    [Fact]
    public void Sqrt() => ElementwiseAssert.Near([0, 1, 1.41421f, 2], Unary(BuiltinOperator.Sqrt, [0, 1, 2, 4]));

    [Fact]
    public void SqrtOfNegativeIsNaN() => Assert.True(float.IsNaN(Unary(BuiltinOperator.Sqrt, [-1f])[0]));

    [Fact]
    public void Rsqrt() => ElementwiseAssert.Near([1, 0.7071f, 0.5f, 0.33333f], Unary(BuiltinOperator.Rsqrt, [1, 2, 4, 9]), 1e-4f);

    private static readonly float[] RsqrtInput = [15f, 46f, 78f, 142f, 1f, 17f, 49f, 113f];
    private static readonly float[] RsqrtGolden = [0.2582f, 0.14744f, 0.11323f, 0.08392f, 1f, 0.24254f, 0.142857f, 0.09407f];

    [Fact]
    public void RsqrtInt8()
    {
        // TFLM elementwise_test.cc: compared after dequantizing, within one input scale step.
        float inputScale = 142.0f / 255.0f, outputScale = 1.0f / 255.0f;
        int inputZeroPoint = 127 - 142;
        sbyte[] output = Run<sbyte>(BuiltinOperator.Rsqrt, [I8(inputScale, inputZeroPoint, 1, 8)], I8(outputScale, -128, 1, 8),
            [QuantizeInt8(RsqrtInput, inputScale, inputZeroPoint)]);
        ElementwiseAssert.Dequantized(RsqrtGolden, output, outputScale, -128, inputScale);
    }

    [Fact]
    public void RsqrtInt16()
    {
        float inputScale = 142.0f / 32768.0f, outputScale = 1.0f / 32768.0f;
        short[] output = Run<short>(BuiltinOperator.Rsqrt, [I16(inputScale, 0, 1, 8)], I16(outputScale, 0, 1, 8),
            [QuantizeInt16(RsqrtInput, inputScale, 0)]);
        ElementwiseAssert.Dequantized(RsqrtGolden, output, outputScale, 0, inputScale);
    }

    [Fact]
    public void Square() => ElementwiseAssert.Near([1, 4.0f, 0.25f, 9.0f], Unary(BuiltinOperator.Square, [1, 2, 0.5f, -3.0f]));

    [Fact]
    public void Neg() => ElementwiseAssert.Near([-8.5f, 0.0f], Unary(BuiltinOperator.Neg, [8.5f, 0.0f]));

    [Fact]
    public void Round() => ElementwiseAssert.Near([8, 0, 4, 4, -4, -4], Unary(BuiltinOperator.Round, [8.5f, 0.0f, 3.5f, 4.2f, -3.5f, -4.5f]));

    [Fact]
    public void Ceil() => ElementwiseAssert.Near([9, 0], Unary(BuiltinOperator.Ceil, [8.5f, 0.0f]));

    [Fact]
    public void Floor() => ElementwiseAssert.Near([8, 0], Unary(BuiltinOperator.Floor, [8.5f, 0.0f]));

    [Fact]
    public void Exp()
    {
        // TFLM exp_test.cc compares with std::exp of its inputs.
        float[] input = [0.0f, 1.0f, -1.0f, 100.0f, -100.0f, 0.01f, -0.01f];
        float[] output = Unary(BuiltinOperator.Exp, input);
        for (int i = 0; i < input.Length; i++)
        {
            float expected = (float)Math.Exp(input[i]); // single precision, as std::exp of a float: exp(100) overflows to infinity
            Assert.True(TfLiteMicro.Tests.Support.GoldenRunner.FloatsMatch(output[i], expected), $"exp({input[i]}) = {output[i]}");
        }
    }

    [Fact]
    public void ZerosLike()
    {
        ElementwiseAssert.Near([0, 0, 0, 0, 0, 0], Run<float>(BuiltinOperator.ZerosLike, [F32(2, 3)], F32(2, 3), [new[] { -2.0f, -1.0f, 0.0f, 1.0f, 2.0f, 3.0f }]));
        Assert.Equal([0L, 0, 0], Run<long>(BuiltinOperator.ZerosLike, [I64(3)], I64(3), [new long[] { -2, 5, 7 }]));
    }

    [Fact]
    public void Relu() => ElementwiseAssert.Near([0, 0, 2, 0, 3, 0, 10, 0], Unary(BuiltinOperator.Relu, [0, -6, 2, -4, 3, -2, 10, -0.1f]));

    [Fact]
    public void Relu6() => ElementwiseAssert.Near([0, 0, 2, 0, 3, 0, 6, 0], Unary(BuiltinOperator.Relu6, [0, -6, 2, -4, 3, -2, 10, -0.1f]));

    [Fact]
    public void Elu()
        => ElementwiseAssert.Near([0.0f, -0.997521f, 2.0f, -0.981684f, 3.0f, -0.864665f, 10.0f, -0.0951626f],
            Unary(BuiltinOperator.Elu, [0, -6, 2, -4, 3, -2, 10, -0.1f]));

    [Fact]
    public void LeakyRelu()
        => ElementwiseAssert.Near([0.0f, 1.0f, 3.0f, 1.0f, -0.5f, -1.0f],
            Unary(BuiltinOperator.LeakyRelu, [0.0f, 1.0f, 3.0f, 1.0f, -1.0f, -2.0f], OperatorOptions.LeakyRelu(0.5f)));

    [Fact]
    public void Prelu()
        => ElementwiseAssert.Near([0.0f, 0.0f, 0.0f, 1.0f, 1.0f, 1.0f, 0.0f, -1.0f, -2.0f, 0.0f, -2.0f, -4.0f],
            Run<float>(BuiltinOperator.Prelu, [F32(2, 2, 3), F32(1, 1, 3)], F32(2, 2, 3),
                [new[] { 0.0f, 0.0f, 0.0f, 1.0f, 1.0f, 1.0f, -1.0f, -1.0f, -1.0f, -2.0f, -2.0f, -2.0f }, new[] { 0.0f, 1.0f, 2.0f }]));

    [Fact]
    public void Logistic()
        => ElementwiseAssert.Near([0.73105858f, 0.88079708f, 0.95257413f, 0.98201379f, 1.0f, 0.26894142f, 0.11920292f, 0.04742587f, 0.01798621f, 0.0f],
            Run<float>(BuiltinOperator.Logistic, [F32(2, 5)], F32(2, 5), [new[] { 1.0f, 2.0f, 3.0f, 4.0f, 93.0f, -1.0f, -2.0f, -3.0f, -4.0f, -93.0f }]));

    [Fact]
    public void Tanh()
        => ElementwiseAssert.Near([-0.9999997749f, -0.9999996762f, -0.9999995342f, -0.9999993300f, -0.9999990361f],
            Unary(BuiltinOperator.Tanh, [-8.0000000000f, -7.8181818182f, -7.6363636364f, -7.4545454545f, -7.2727272727f]), 1e-5f);

    [Fact]
    public void L2Normalization()
        => ElementwiseAssert.Near([-0.55f, 0.3f, 0.35f, 0.6f, -0.35f, 0.05f, -0.55f, 0.3f, 0.35f, 0.6f, -0.35f, 0.05f],
            Run<float>(BuiltinOperator.L2Normalization, [F32(2, 1, 1, 6)], F32(2, 1, 1, 6),
                [new[] { -1.1f, 0.6f, 0.7f, 1.2f, -0.7f, 0.1f, -1.1f, 0.6f, 0.7f, 1.2f, -0.7f, 0.1f }]));

    [Fact]
    public void Softmax()
        => ElementwiseAssert.Near([0.011656231f, 0.031684921f, 0.086128544f, 0.234121657f, 0.636408647f, 0.636408647f, 0.234121657f, 0.086128544f, 0.031684921f, 0.011656231f],
            Run<float>(BuiltinOperator.Softmax, [F32(2, 5)], F32(2, 5), [new[] { 1.0f, 2.0f, 3.0f, 4.0f, 5.0f, -1.0f, -2.0f, -3.0f, -4.0f, -5.0f }], OperatorOptions.Softmax(1f)));

    [Fact]
    public void SoftmaxInt8()
    {
        // TFLM softmax_test.cc: input scale 0.1 / zero point 0, output 1/256 / -128; compared after quantizing the golden, within one step.
        float[] input = [1.0f, 2.0f, 3.0f, 4.0f, 5.0f];
        sbyte[] output = Run<sbyte>(BuiltinOperator.Softmax, [I8(0.1f, 0, 1, 5)], I8(1f / 256, -128, 1, 5), [QuantizeInt8(input, 0.1f, 0)], OperatorOptions.Softmax(1f));
        ElementwiseAssert.Dequantized([0.011656231f, 0.031684921f, 0.086128544f, 0.234121657f, 0.636408647f], output, 1f / 256, -128, 1f / 256);
    }

    [Fact]
    public void SoftmaxInt16()
    {
        float[] input = [1.0f, 2.0f, 3.0f, 4.0f, 5.0f];
        short[] output = Run<short>(BuiltinOperator.Softmax, [I16(0.1f, 0, 1, 5)], I16(1f / 32768, 0, 1, 5), [QuantizeInt16(input, 0.1f, 0)], OperatorOptions.Softmax(1f));
        ElementwiseAssert.Dequantized([0.011656231f, 0.031684921f, 0.086128544f, 0.234121657f, 0.636408647f], output, 1f / 32768, 0, 2e-3f);
    }

    [Fact]
    public void LogSoftmax()
    {
        float[] input = [0, -6, 2, 4, 3, -2, 10, 1];
        ElementwiseAssert.Near([-4.14297f, -10.14297f, -2.14297f, -0.142971f, -7.00104f, -12.00104f, -0.00104087f, -9.00104f],
            Run<float>(BuiltinOperator.LogSoftmax, [F32(2, 4)], F32(2, 4), [input]), 1e-5f * 10);
        ElementwiseAssert.Near([-0.00247565f, -6.00247f, -2.12692f, -0.126928f, -0.00671534f, -5.00671f, -0.000123374f, -9.00012f],
            Run<float>(BuiltinOperator.LogSoftmax, [F32(4, 2)], F32(4, 2), [input]), 1e-5f * 10);
    }
}
