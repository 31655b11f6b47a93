using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Support.ElementwiseTestModels;
using static TfLiteMicro.Tests.Support.TensorSpec;

namespace TfLiteMicro.Tests.Kernels.Elementwise;

/// <summary>Comparison, logical and SELECT_V2 ops against TFLM's comparisons_test.cc, logical_test.cc and select_test.cc vectors.</summary>
public class ComparisonLogicalSelectTests
{
    private static readonly int[] Row = [1, 1, 1, 4];
    private static readonly float[] FloatA = [0.1f, 0.9f, 0.7f, 0.3f], FloatB = [0.1f, 0.2f, 0.6f, 0.5f];
    private static readonly int[] IntA = [-1, 9, 7, 3], IntB = [1, 2, 7, 5];
    private static readonly int[] WideA = [-1, 9, 7, 3, 2, 4, 2, 8], WideB = [7, 1, 2, 4];

    private static bool[] Compare(BuiltinOperator op, TensorSpec a, TensorSpec b, TensorSpec output, Array x, Array y)
        => [.. Run<byte>(op, [a, b], output, [x, y]).Select(v => v != 0)];

    [Fact]
    public void EqualBoolFloatInt()
    {
        Assert.Equal([true, false, false, true], Compare(BuiltinOperator.Equal, Bool(Row), Bool(Row), Bool(Row), new[] { true, false, true, false }, new[] { true, true, false, false }));
        Assert.Equal([true, false, false, false], Compare(BuiltinOperator.Equal, F32(Row), F32(Row), Bool(Row), FloatA, FloatB));
        Assert.Equal([false, false, true, false], Compare(BuiltinOperator.Equal, I32(Row), I32(Row), Bool(Row), IntA, IntB));
        Assert.Equal([false, false, true, false], Compare(BuiltinOperator.Equal, I32(Row), I32(1), Bool(Row), IntA, new[] { 7 }));
    }

    [Fact]
    public void NotEqualBoolFloatInt()
    {
        Assert.Equal([false, true, true, false], Compare(BuiltinOperator.NotEqual, Bool(Row), Bool(Row), Bool(Row), new[] { true, false, true, false }, new[] { true, true, false, false }));
        Assert.Equal([false, true, true, true], Compare(BuiltinOperator.NotEqual, F32(Row), F32(Row), Bool(Row), FloatA, FloatB));
        Assert.Equal([true, true, false, true], Compare(BuiltinOperator.NotEqual, I32(Row), I32(Row), Bool(Row), IntA, IntB));
        Assert.Equal([true, true, true, true, true, true, false, true], Compare(BuiltinOperator.NotEqual, I32(1, 1, 2, 4), I32(Row), Bool(1, 1, 2, 4), WideA, WideB));
    }

    [Fact]
    public void Greater()
    {
        Assert.Equal([false, true, true, false], Compare(BuiltinOperator.Greater, F32(Row), F32(Row), Bool(Row), FloatA, FloatB));
        Assert.Equal([false, true, false, false], Compare(BuiltinOperator.Greater, I32(Row), I32(Row), Bool(Row), IntA, IntB));
        Assert.Equal([false, true, false, false], Compare(BuiltinOperator.Greater, I32(Row), I32(1), Bool(Row), IntA, new[] { 7 }));
        Assert.Equal([false, true, true, false, false, true, false, true], Compare(BuiltinOperator.Greater, I32(1, 1, 2, 4), I32(Row), Bool(1, 1, 2, 4), WideA, WideB));
    }

    [Fact]
    public void GreaterEqual()
    {
        Assert.Equal([true, true, true, false], Compare(BuiltinOperator.GreaterEqual, F32(Row), F32(Row), Bool(Row), FloatA, FloatB));
        Assert.Equal([false, true, true, false], Compare(BuiltinOperator.GreaterEqual, I32(Row), I32(Row), Bool(Row), IntA, IntB));
        Assert.Equal([false, true, true, false], Compare(BuiltinOperator.GreaterEqual, I32(Row), I32(1), Bool(Row), IntA, new[] { 7 }));
        Assert.Equal([false, true, true, false, false, true, true, true], Compare(BuiltinOperator.GreaterEqual, I32(1, 1, 2, 4), I32(Row), Bool(1, 1, 2, 4), WideA, WideB));
    }

    [Fact]
    public void LessAndLessEqual()
    {
        Assert.Equal([false, false, false, true], Compare(BuiltinOperator.Less, F32(Row), F32(Row), Bool(Row), FloatA, FloatB));
        Assert.Equal([true, false, false, true], Compare(BuiltinOperator.LessEqual, F32(Row), F32(Row), Bool(Row), FloatA, FloatB));
        Assert.Equal([true, false, false, true], Compare(BuiltinOperator.Less, I32(Row), I32(Row), Bool(Row), IntA, IntB));
        Assert.Equal([true, false, true, true], Compare(BuiltinOperator.LessEqual, I32(Row), I32(Row), Bool(Row), IntA, IntB));
    }

    [Fact]
    public void LogicalOr()
    {
        Assert.Equal([true, false, true, true], Compare(BuiltinOperator.LogicalOr, Bool(Row), Bool(Row), Bool(Row), new[] { true, false, false, true }, new[] { true, false, true, false }));
        Assert.Equal([true, false, false, true], Compare(BuiltinOperator.LogicalOr, Bool(Row), Bool(1, 1, 1, 1), Bool(Row), new[] { true, false, false, true }, new[] { false }));
    }

    [Fact]
    public void LogicalAnd()
    {
        Assert.Equal([true, false, false, false], Compare(BuiltinOperator.LogicalAnd, Bool(Row), Bool(Row), Bool(Row), new[] { true, false, false, true }, new[] { true, false, true, false }));
        Assert.Equal([true, false, false, true], Compare(BuiltinOperator.LogicalAnd, Bool(Row), Bool(1, 1, 1, 1), Bool(Row), new[] { true, false, false, true }, new[] { true }));
    }

    [Fact]
    public void LogicalNot()
        => Assert.Equal([0, 1, 1, 0], Run<byte>(BuiltinOperator.LogicalNot, [Bool(2, 2)], Bool(2, 2), [new[] { true, false, false, true }]));

    [Fact]
    public void SelectFloat()
        => ElementwiseAssert.Near([0.1f, 0.6f, 0.3f, 0.8f],
            Run<float>(BuiltinOperator.SelectV2, [Bool(Row), F32(Row), F32(Row)], F32(Row),
                [new[] { true, false, true, false }, new[] { 0.1f, 0.2f, 0.3f, 0.4f }, new[] { 0.5f, 0.6f, 0.7f, 0.8f }]));

    [Fact]
    public void SelectInt8()
        => Assert.Equal([5, -2, 7, -8],
            Run<sbyte>(BuiltinOperator.SelectV2, [Bool(Row), I8(1f, 0, Row), I8(1f, 0, Row)], I8(1f, 0, Row),
                [new[] { false, true, false, false }, new sbyte[] { 1, -2, 3, 4 }, new sbyte[] { 5, 6, 7, -8 }]));

    [Fact]
    public void SelectInt16()
        => Assert.Equal([5, 2, 7, 8],
            Run<short>(BuiltinOperator.SelectV2, [Bool(Row), I16(1f, 0, Row), I16(1f, 0, Row)], I16(1f, 0, Row),
                [new[] { false, true, false, false }, new short[] { 1, 2, 3, 4 }, new short[] { 5, 6, 7, 8 }]));

    [Fact]
    public void SelectInt16Broadcast5D()
        => Assert.Equal([9, 10, 11, 12, 9, 10, 11, 12],
            Run<short>(BuiltinOperator.SelectV2, [Bool(1), I16(1f, 0, 1, 2, 2, 2, 1), I16(1f, 0, 1, 2, 2, 1)], I16(1f, 0, 1, 2, 2, 2, 1),
                [new[] { false }, new short[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new short[] { 9, 10, 11, 12 }]));
}
