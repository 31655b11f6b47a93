using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Support.ElementwiseTestModels;
using static TfLiteMicro.Tests.Support.TensorSpec;

namespace TfLiteMicro.Tests.Kernels.Elementwise;

/// <summary>ADD, SUB, MUL, DIV, MINIMUM, MAXIMUM, SQUARED_DIFFERENCE, FLOOR_DIV, FLOOR_MOD, ADD_N against TFLM's kernel-test vectors.</summary>
public class ArithmeticTests
{
    private static readonly int[] Shape4 = [1, 2, 2, 1];

    [Fact]
    public void AddFloat()
        => ElementwiseAssert.Near([-1.9f, 0.4f, 1.0f, 1.3f],
            Run<float>(BuiltinOperator.Add, [F32(Shape4), F32(Shape4)], F32(Shape4), [new[] { -2.0f, 0.2f, 0.7f, 0.8f }, new[] { 0.1f, 0.2f, 0.3f, 0.5f }], OperatorOptions.Add()));

    [Fact]
    public void AddFloatReluN1To1()
        => ElementwiseAssert.Near([-1.0f, 0.4f, 1.0f, 1.0f],
            Run<float>(BuiltinOperator.Add, [F32(Shape4), F32(Shape4)], F32(Shape4), [new[] { -2.0f, 0.2f, 0.7f, 0.8f }, new[] { 0.1f, 0.2f, 0.3f, 0.5f }], OperatorOptions.Add(FusedActivation.ReluN1To1)));

    [Fact]
    public void AddFloatScalarBroadcast()
        => ElementwiseAssert.Near([-1.9f, 0.3f, 0.8f, 0.9f, 1.2f, 2.1f],
            Run<float>(BuiltinOperator.Add, [F32(1, 3, 1, 2), F32()], F32(1, 3, 1, 2), [new[] { -2.0f, 0.2f, 0.7f, 0.8f, 1.1f, 2.0f }, new[] { 0.1f }], OperatorOptions.Add()));

    [Fact]
    public void AddInt32()
        => Assert.Equal([1, 2147483647, -2147483648, 419644487],
            Run<int>(BuiltinOperator.Add, [I32(Shape4), I32(Shape4)], I32(Shape4), [new[] { -2, 2147483646, -1, 1146622854 }, new[] { 3, 1, -2147483647, -726978367 }], OperatorOptions.Add()));

    [Theory]
    [InlineData(FusedActivation.None, new[] { -1f, 1f, 3f, 5f })]
    [InlineData(FusedActivation.ReluN1To1, new[] { -1f, 1f, 1f, 1f })]
    public void AddInt8(FusedActivation activation, float[] golden)
    {
        float[] x = [-2.01f, -1.01f, -0.01f, 0.98f], y = [1.01f, 1.99f, 2.99f, 4.02f];
        sbyte[] output = Run<sbyte>(BuiltinOperator.Add, [I8(0.25f, -10, Shape4), I8(0.5f, 4, Shape4)], I8(1.0f, 13, Shape4),
            [QuantizeInt8(x, 0.25f, -10), QuantizeInt8(y, 0.5f, 4)], OperatorOptions.Add(activation));
        Assert.Equal(QuantizeInt8(golden, 1.0f, 13), output);
    }

    [Fact]
    public void AddInt16()
    {
        float[] x = [-2.01f, -1.01f, -0.01f, 0.98f], y = [1.01f, 2.01f, 3.01f, 4.02f];
        short[] output = Run<short>(BuiltinOperator.Add, [I16(0.25f, 0, Shape4), I16(0.5f, 0, Shape4)], I16(1.0f, 0, Shape4),
            [QuantizeInt16(x, 0.25f, 0), QuantizeInt16(y, 0.5f, 0)], OperatorOptions.Add());
        Assert.Equal(QuantizeInt16([-1, 1, 3, 5], 1.0f, 0), output);
    }

    [Fact]
    public void AddInt8Broadcast()
    {
        // TFLM add_test.cc broadcast vectors, scales 0.1 / 0.05 / 0.1 with zero points -9 / 5 / 14, compared after dequantizing.
        float[] x = [-2.0f, 0.2f, 0.7f, 0.8f, 1.1f, 2.0f];
        sbyte[] output = Run<sbyte>(BuiltinOperator.Add, [I8(0.1f, -9, 1, 3, 1, 2), I8(0.05f, 5)], I8(0.1f, 14, 1, 3, 1, 2),
            [QuantizeInt8(x, 0.1f, -9), QuantizeInt8([0.1f], 0.05f, 5)], OperatorOptions.Add());
        ElementwiseAssert.Dequantized([-1.9f, 0.3f, 0.8f, 0.9f, 1.2f, 2.1f], output, 0.1f, 14, 0.05f);
    }

    [Fact]
    public void SubFloat()
        => ElementwiseAssert.Near([-2.1f, 0.0f, 0.4f, 0.3f],
            Run<float>(BuiltinOperator.Sub, [F32(Shape4), F32(Shape4)], F32(Shape4), [new[] { -2.0f, 0.2f, 0.7f, 0.8f }, new[] { 0.1f, 0.2f, 0.3f, 0.5f }], OperatorOptions.Sub()));

    [Fact]
    public void SubInt8()
    {
        float[] x = [-2.01f, -1.01f, -0.01f, 0.98f], y = [1.01f, 1.99f, 2.99f, 4.02f];
        sbyte[] output = Run<sbyte>(BuiltinOperator.Sub, [I8(0.25f, -10, Shape4), I8(0.5f, 4, Shape4)], I8(1.0f, 13, Shape4),
            [QuantizeInt8(x, 0.25f, -10), QuantizeInt8(y, 0.5f, 4)], OperatorOptions.Sub());
        Assert.Equal(QuantizeInt8([-3, -3, -3, -3], 1.0f, 13), output);
    }

    [Theory]
    [InlineData(FusedActivation.None, new[] { -0.48f, 0.08f, 0.81f, 0.56f })]
    [InlineData(FusedActivation.Relu, new[] { 0.0f, 0.08f, 0.81f, 0.56f })]
    public void MulFloat(FusedActivation activation, float[] golden)
        => ElementwiseAssert.Near(golden,
            Run<float>(BuiltinOperator.Mul, [F32(Shape4), F32(Shape4)], F32(Shape4), [new[] { -0.8f, 0.2f, 0.9f, 0.7f }, new[] { 0.6f, 0.4f, 0.9f, 0.8f }], OperatorOptions.Mul(activation)));

    [Fact]
    public void MulFloatScalarBroadcast()
        => ElementwiseAssert.Near([-0.2f, 0.02f, 0.07f, 0.08f, 0.11f, 0.2f],
            Run<float>(BuiltinOperator.Mul, [F32(1, 3, 1, 2), F32(1)], F32(1, 3, 1, 2), [new[] { -2.0f, 0.2f, 0.7f, 0.8f, 1.1f, 2.0f }, new[] { 0.1f }], OperatorOptions.Mul()));

    [Fact]
    public void MulInt8()
    {
        // TFLM mul_test.cc quantizes with scale 1.0 / zero point 0 for the inputs and 0.01 / 0 for the output; tolerance one step.
        float[] x = [-0.8f, 0.2f, 0.9f, 0.7f], y = [0.6f, 0.4f, 0.9f, 0.8f];
        sbyte[] output = Run<sbyte>(BuiltinOperator.Mul, [I8(0.01f, 0, Shape4), I8(0.01f, 0, Shape4)], I8(0.01f, 0, Shape4),
            [QuantizeInt8(x, 0.01f, 0), QuantizeInt8(y, 0.01f, 0)], OperatorOptions.Mul());
        ElementwiseAssert.Near(QuantizeInt8([-0.48f, 0.08f, 0.81f, 0.56f], 0.01f, 0), output, 1);
    }

    [Fact]
    public void DivFloat()
        => ElementwiseAssert.Near([-0.4f, 1.0f, 0.8f, 1.6f],
            Run<float>(BuiltinOperator.Div, [F32(Shape4), F32(Shape4)], F32(Shape4), [new[] { -0.2f, 0.2f, -1.2f, 0.8f }, new[] { 0.5f, 0.2f, -1.5f, 0.5f }], OperatorOptions.Div()));

    [Fact]
    public void DivFloatReluN1To1()
        => ElementwiseAssert.Near([-1.0f, 1.0f, 0.8f, 1.0f],
            Run<float>(BuiltinOperator.Div, [F32(Shape4), F32(Shape4)], F32(Shape4), [new[] { -0.2f, 0.2f, -1.2f, 0.8f }, new[] { 0.1f, 0.2f, -1.5f, 0.5f }], OperatorOptions.Div(FusedActivation.ReluN1To1)));

    [Fact]
    public void DivFloatBroadcast()
        => ElementwiseAssert.Near([-20.0f, 1.0f, 0.5f, 1.6f, -1.0f, 20.0f],
            Run<float>(BuiltinOperator.Div, [F32(2, 1, 3), F32(2, 1, 3)], F32(2, 1, 3),
                [new[] { -2.0f, 0.2f, 0.3f, 0.8f, 1.1f, -2.0f }, new[] { 0.1f, 0.2f, 0.6f, 0.5f, -1.1f, -0.1f }], OperatorOptions.Div()));

    [Fact]
    public void DivInt32ByZeroIsAnError()
    {
        MicroInterpreter interpreter = Allocate(BuiltinOperator.Div, [I32(2), I32(2)], I32(2), OperatorOptions.Div());
        interpreter.Input(0).CopyFrom(new byte[8]);
        interpreter.Input(1).CopyFrom(new byte[8]);
        Assert.Throws<KernelException>(interpreter.Invoke);
    }

    [Fact]
    public void MaximumAndMinimumFloat()
    {
        float[] a = [1.0f, 0.0f, -1.0f, 11.0f, -2.0f, -1.44f], b = [-1.0f, 0.0f, 1.0f, 12.0f, -3.0f, -1.43f];
        ElementwiseAssert.Near([1.0f, 0.0f, 1.0f, 12.0f, -2.0f, -1.43f], Run<float>(BuiltinOperator.Maximum, [F32(3, 1, 2), F32(3, 1, 2)], F32(3, 1, 2), [a, b]));
        ElementwiseAssert.Near([-1.0f, 0.0f, -1.0f, 11.0f, -3.0f, -1.44f], Run<float>(BuiltinOperator.Minimum, [F32(3, 1, 2), F32(3, 1, 2)], F32(3, 1, 2), [a, b]));
    }

    [Fact]
    public void MaximumAndMinimumInt8()
    {
        sbyte[] a = [1, 0, 2, 11, 2, 23], b = [0, 0, 1, 12, 127, 1];
        Assert.Equal([1, 0, 2, 12, 127, 23], Run<sbyte>(BuiltinOperator.Maximum, [I8(1f, 0, 3, 1, 2), I8(1f, 0, 3, 1, 2)], I8(1f, 0, 3, 1, 2), [a, b]));
        Assert.Equal([0, 0, 1, 11, 2, 1], Run<sbyte>(BuiltinOperator.Minimum, [I8(1f, 0, 3, 1, 2), I8(1f, 0, 3, 1, 2)], I8(1f, 0, 3, 1, 2), [a, b]));
    }

    [Fact]
    public void MaximumAndMinimumInt16()
    {
        short[] a = [-30, 0, 2124, -123, -32768, 26236], b = [24, 0, 1, -4256, 32767, -577];
        Assert.Equal([24, 0, 2124, -123, 32767, 26236], Run<short>(BuiltinOperator.Maximum, [I16(1f, 0, 3, 1, 2), I16(1f, 0, 3, 1, 2)], I16(1f, 0, 3, 1, 2), [a, b]));
        Assert.Equal([-30, 0, 1, -4256, -32768, -577], Run<short>(BuiltinOperator.Minimum, [I16(1f, 0, 3, 1, 2), I16(1f, 0, 3, 1, 2)], I16(1f, 0, 3, 1, 2), [a, b]));
    }

    [Fact]
    public void SquaredDifferenceFloat()
        => ElementwiseAssert.Near([0.49f, 0.0f, 0.09f, 0.09f],
            Run<float>(BuiltinOperator.SquaredDifference, [F32(Shape4), F32(Shape4)], F32(Shape4), [new[] { -0.2f, 0.2f, -1.2f, 0.8f }, new[] { 0.5f, 0.2f, -1.5f, 0.5f }]));

    [Fact]
    public void SquaredDifferenceInt32()
        => Assert.Equal([49, 16, 144, 9],
            Run<int>(BuiltinOperator.SquaredDifference, [I32(Shape4), I32(Shape4)], I32(Shape4), [new[] { -2, 2, -15, 8 }, new[] { 5, -2, -3, 5 }]));

    [Fact]
    public void FloorDivFloat()
        => ElementwiseAssert.Near([4.0f, 4.0f, 3.0f, 0.0f],
            Run<float>(BuiltinOperator.FloorDiv, [F32(Shape4), F32(Shape4)], F32(Shape4), [new[] { 10.05f, 9.09f, 11.9f, 3.01f }, new[] { 2.05f, 2.03f, 3.03f, 4.03f }]));

    [Fact]
    public void FloorModFloat()
        => ElementwiseAssert.Near([0f, 1f, 2f, 3f],
            Run<float>(BuiltinOperator.FloorMod, [F32(Shape4), F32(Shape4)], F32(Shape4), [new[] { 10f, 9f, 11f, 3f }, new[] { 2f, 2f, 3f, 4f }]));

    [Fact]
    public void FloorModFloatNegative()
        => ElementwiseAssert.Near([0f, 1f, -2f, -1f],
            Run<float>(BuiltinOperator.FloorMod, [F32(Shape4), F32(Shape4)], F32(Shape4), [new[] { 10f, -9f, -11f, 7f }, new[] { 2f, 2f, -3f, -4f }]));

    [Fact]
    public void AddNFloat()
        => ElementwiseAssert.Near([-1.4f, 0.5f, 1.1f, 1.5f],
            Run<float>(BuiltinOperator.AddN, [F32(Shape4), F32(Shape4), F32(Shape4)], F32(Shape4),
                [new[] { -2.0f, 0.2f, 0.7f, 0.8f }, new[] { 0.1f, 0.2f, 0.3f, 0.5f }, new[] { 0.5f, 0.1f, 0.1f, 0.2f }]));
}
