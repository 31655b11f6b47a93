using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Kernels.Shape;

/// <summary>MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_ALL with the vectors of TFLM's reduce_test.</summary>
public sealed class ReduceTests
{
    private static readonly float[] Data8 = [1, 2, 3, 4, 5, 6, 7, 8];
    private static readonly float[] Data24 = Enumerable.Range(1, 24).Select(i => (float)i).ToArray();

    private static float[] RunFloat(BuiltinOperator op, int[] shape, float[] input, int[] axis, bool keepDims, out int[] outShape)
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, shape, input);
        int a = m.Const(TensorType.Int32, [axis.Length], axis);
        m.Output(TensorType.Float32, [1]);
        MicroInterpreter it = m.Run(op, [x, a], OperatorOptions.Reducer(keepDims));
        outShape = it.Output(0).ShapeArray;
        return SingleOp.Read<float>(it);
    }

    internal static T[] Quantize<T>(float[] values, float scale, int zeroPoint) where T : unmanaged, System.Numerics.INumber<T>, System.Numerics.IMinMaxValue<T>
        => values.Select(v => T.CreateSaturating(Math.Round(v / scale, MidpointRounding.AwayFromZero) + zeroPoint)).ToArray();

    private static int[] RunQuantized<T>(BuiltinOperator op, TensorType type, int[] shape, float[] input, int[] axis, bool keepDims,
        float inScale, int inZp, float outScale, int outZp) where T : unmanaged, System.Numerics.INumber<T>, System.Numerics.IMinMaxValue<T>
    {
        var m = new SingleOp();
        int x = m.Input(type, shape, Quantize<T>(input, inScale, inZp), SingleOp.Quant(inScale, inZp));
        int a = m.Const(TensorType.Int32, [axis.Length], axis);
        m.Output(type, [1], SingleOp.Quant(outScale, outZp));
        MicroInterpreter it = m.Run(op, [x, a], OperatorOptions.Reducer(keepDims));
        return SingleOp.Read<T>(it).Select(v => int.CreateTruncating(v)).ToArray();
    }

    private static void AssertClose<T>(float[] golden, float scale, int zp, int[] actual) where T : unmanaged, System.Numerics.INumber<T>, System.Numerics.IMinMaxValue<T>
    {
        int[] expected = Quantize<T>(golden, scale, zp).Select(v => int.CreateTruncating(v)).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.InRange(actual[i], expected[i] - 1, expected[i] + 1);
    }

    public static TheoryData<BuiltinOperator, int[], int[], bool, float[], int[]> FloatCases() => new()
    {
        { BuiltinOperator.Mean, [2, 4], [1], true, [2.5f, 6.5f], [2, 1] },
        { BuiltinOperator.Mean, [2, 2, 2], [1, 2], true, [2.5f, 6.5f], [2, 1, 1] },
        { BuiltinOperator.Mean, [2, 2, 3, 2], [1, 2], true, [6, 7, 18, 19], [2, 1, 1, 2] },
        { BuiltinOperator.Mean, [2, 2, 3, 2], [1, 2], false, [6, 7, 18, 19], [2, 2] },
        { BuiltinOperator.Sum, [2, 4], [1], true, [10, 26], [2, 1] },
        { BuiltinOperator.Sum, [2, 2, 2], [1, 2], true, [10, 26], [2, 1, 1] },
        { BuiltinOperator.Sum, [2, 2, 3, 2], [1, 2], true, [36, 42, 108, 114], [2, 1, 1, 2] },
        { BuiltinOperator.Sum, [2, 2, 3, 2], [1, 2], false, [36, 42, 108, 114], [2, 2] },
        { BuiltinOperator.Sum, [1, 2, 4], [1], false, [6, 8, 10, 12], [1, 4] },
        { BuiltinOperator.ReduceMax, [4, 3, 2], [1, 0, -3, -3], false, [23, 24], [2] },
        { BuiltinOperator.ReduceMax, [4, 3, 2], [0, 2], true, [20, 22, 24], [1, 3, 1] },
        { BuiltinOperator.ReduceMin, [4, 3, 2], [1, 0, -3, -3], false, [1, 2], [2] },
        { BuiltinOperator.ReduceMin, [4, 3, 2], [0, 2], true, [1, 3, 5], [1, 3, 1] },
    };

    [Theory]
    [MemberData(nameof(FloatCases))]
    public void FloatMatchesTflm(BuiltinOperator op, int[] shape, int[] axis, bool keepDims, float[] expected, int[] expectedShape)
    {
        float[] input = shape.Aggregate(1, (a, d) => a * d) == 8 ? Data8 : Data24;
        float[] actual = RunFloat(op, shape, input, axis, keepDims, out int[] outShape);
        Assert.Equal(expectedShape, outShape);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void MeanFloatWithPrecision()
    {
        float[] actual = RunFloat(BuiltinOperator.Mean, [2, 2, 3, 1], [1, 24, 13, 3, 9, 17, 11, 36, 14, 19, 17, 22], [1, 2], false, out _);
        Assert.Equal(11.166667f, actual[0], 5);
        Assert.Equal(19.833334f, actual[1], 5);
    }

    [Theory]
    [InlineData(true, 0.5f, 0.5f)]
    [InlineData(false, 0.5f, 0.7f)]
    public void QuantizedMeanAndSumMatchTflm(bool keepDims, float inScale, float outScale)
    {
        AssertClose<sbyte>([2.5f, 6.5f], outScale, 0, RunQuantized<sbyte>(BuiltinOperator.Mean, TensorType.Int8, [2, 4], Data8, [1], keepDims, inScale, 0, outScale, 0));
        AssertClose<short>([2.5f, 6.5f], outScale, 0, RunQuantized<short>(BuiltinOperator.Mean, TensorType.Int16, [2, 2, 2], Data8, [1, 2], keepDims, inScale, 0, outScale, 0));
        AssertClose<short>([6, 7, 18, 19], outScale, 0, RunQuantized<short>(BuiltinOperator.Mean, TensorType.Int16, [2, 2, 3, 2], Data24, [1, 2], keepDims, inScale, 0, outScale, 0));
        AssertClose<sbyte>([10, 26], outScale, 0, RunQuantized<sbyte>(BuiltinOperator.Sum, TensorType.Int8, [2, 4], Data8, [1], keepDims, inScale, 0, outScale, 0));
        AssertClose<short>([36, 42, 108, 114], outScale, 0, RunQuantized<short>(BuiltinOperator.Sum, TensorType.Int16, [2, 2, 3, 2], Data24, [1, 2], keepDims, inScale, 0, outScale, 0));
    }

    [Fact]
    public void QuantizedMeanWithPrecision()
    {
        int[] actual = RunQuantized<sbyte>(BuiltinOperator.Mean, TensorType.Int8, [2, 2, 3, 1], [1, 24, 13, 3, 9, 17, 11, 36, 14, 19, 17, 22], [1, 2], false, 0.5f, 0, 0.5f, 0);
        AssertClose<sbyte>([11.166667f, 19.833334f], 0.5f, 0, actual);
    }

    [Fact]
    public void Int8MaxAndMinMatchTflm()
    {
        float scale = 2 / 255f;
        float[] input = [0.4f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f];
        AssertClose<sbyte>([0.5f, 0.6f], scale, 0, RunQuantized<sbyte>(BuiltinOperator.ReduceMax, TensorType.Int8, [1, 3, 2], input, [1], true, scale, 0, scale, 0));
        AssertClose<sbyte>([0.5f, 0.6f], scale, 0, RunQuantized<sbyte>(BuiltinOperator.ReduceMax, TensorType.Int8, [1, 3, 2], input, [1], false, scale, 0, scale, 0));
        AssertClose<sbyte>([0.3f, 0.2f], scale, 0, RunQuantized<sbyte>(BuiltinOperator.ReduceMin, TensorType.Int8, [1, 3, 2], input, [1], true, scale, 0, scale, 0));
    }

    [Theory]
    [InlineData(false, new[] { 1, 0, -3, -3 }, new[] { true, false })]
    [InlineData(true, new[] { 0, 2 }, new[] { true, true, false })]
    public void ReduceAllMatchesTflm(bool keepDims, int[] axis, bool[] expected)
    {
        var m = new SingleOp();
        bool[] input = [true, true, true, true, true, false, true, true, true, true, true, true];
        int x = m.Input(TensorType.Bool, [2, 3, 2], input);
        int a = m.Const(TensorType.Int32, [axis.Length], axis);
        m.Output(TensorType.Bool, [1]);
        MicroInterpreter it = m.Run(BuiltinOperator.ReduceAll, [x, a], OperatorOptions.Reducer(keepDims));
        Assert.Equal(expected, SingleOp.Read<bool>(it));
    }

    [Fact]
    public void ConstantAxisOutOfRangeFailsAtAllocation()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [2, 4], Data8);
        int a = m.Const(TensorType.Int32, [1], new[] { 2 });
        m.Output(TensorType.Float32, [2]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.Mean, [x, a], OperatorOptions.Reducer(false)));
    }

    [Fact]
    public void RuntimeAxisOutOfRangeFailsAtInvoke()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [2, 4], Data8);
        int a = m.Input(TensorType.Int32, [1], new[] { -3 });
        m.Output(TensorType.Float32, [2]);
        MicroInterpreter it = m.Prepare(BuiltinOperator.Sum, [x, a], OperatorOptions.Reducer(false));
        Assert.Throws<KernelException>(() => it.Invoke());
    }

    [Fact]
    public void RuntimeAxisIsResolvedAgainstTheOutput()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [2, 4], Data8);
        int a = m.Input(TensorType.Int32, [1], new[] { -1 });
        m.Output(TensorType.Float32, [2]);
        MicroInterpreter it = m.Run(BuiltinOperator.Sum, [x, a], OperatorOptions.Reducer(false));
        Assert.Equal([10f, 26f], SingleOp.Read<float>(it));
    }

    [Fact]
    public void RejectedTypesAndQuantization()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Int32, [2, 4], new int[8]);
        int a = m.Const(TensorType.Int32, [1], new[] { 1 });
        m.Output(TensorType.Int32, [2]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.Mean, [x, a], OperatorOptions.Reducer(false)));

        var q = new SingleOp();
        int qx = q.Input(TensorType.Int8, [2, 4], new sbyte[8], SingleOp.Quant(0.5f, 0));
        int qa = q.Const(TensorType.Int32, [1], new[] { 1 });
        q.Output(TensorType.Int8, [2], SingleOp.Quant(0.25f, 0));
        Assert.Throws<KernelException>(() => q.Prepare(BuiltinOperator.ReduceMax, [qx, qa], OperatorOptions.Reducer(false)));
    }
}
