using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Kernels.Shape;

/// <summary>
/// CONCATENATION, PACK, UNPACK, SPLIT, SPLIT_V, REVERSE_V2, BROADCAST_TO, CAST, SHAPE, EXPAND_DIMS, SQUEEZE and FILL with
/// TFLM's kernel-test vectors, and the malformed parameters each must reject.
/// </summary>
public sealed class JoinSplitTests
{
    private static readonly float[] Sixteen = Enumerable.Range(1, 16).Select(i => (float)i).ToArray();

    [Theory]
    [InlineData(0, new[] { 4, 3 }, new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 })]
    [InlineData(1, new[] { 2, 6 }, new float[] { 1, 2, 3, 7, 8, 9, 4, 5, 6, 10, 11, 12 })]
    [InlineData(-1, new[] { 2, 6 }, new float[] { 1, 2, 3, 7, 8, 9, 4, 5, 6, 10, 11, 12 })]
    public void ConcatenationMatchesTflm(int axis, int[] outShape, float[] expected)
    {
        var m = new SingleOp();
        int a = m.Input(TensorType.Float32, [2, 3], new float[] { 1, 2, 3, 4, 5, 6 });
        int b = m.Input(TensorType.Float32, [2, 3], new float[] { 7, 8, 9, 10, 11, 12 });
        m.Output(TensorType.Float32, outShape);
        MicroInterpreter it = m.Run(BuiltinOperator.Concatenation, [a, b], Modeling.OperatorOptions.Concatenation(axis));
        Assert.Equal(outShape, it.Output(0).ShapeArray);
        Assert.Equal(expected, SingleOp.Read<float>(it));
    }

    [Fact]
    public void ConcatenationRejectsMismatchedShapesAndQuantization()
    {
        var m = new SingleOp();
        int a = m.Input(TensorType.Float32, [2, 3], new float[6]);
        int b = m.Input(TensorType.Float32, [3, 3], new float[9]);
        m.Output(TensorType.Float32, [2, 6]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.Concatenation, [a, b], Modeling.OperatorOptions.Concatenation(1)));

        var q = new SingleOp();
        int qa = q.Input(TensorType.Int8, [2], new sbyte[2], SingleOp.Quant(0.5f, 0));
        int qb = q.Input(TensorType.Int8, [2], new sbyte[2], SingleOp.Quant(0.25f, 0));
        q.Output(TensorType.Int8, [4], SingleOp.Quant(0.5f, 0));
        Assert.Throws<KernelException>(() => q.Prepare(BuiltinOperator.Concatenation, [qa, qb], Modeling.OperatorOptions.Concatenation(0)));

        var r = new SingleOp();
        int ra = r.Input(TensorType.Float32, [2], new float[2]);
        r.Output(TensorType.Float32, [2]);
        Assert.Throws<KernelException>(() => r.Prepare(BuiltinOperator.Concatenation, [ra], Modeling.OperatorOptions.Concatenation(1)));
    }

    [Theory]
    [InlineData(0, new[] { 3, 2 }, new float[] { 1, 4, 2, 5, 3, 6 })]
    [InlineData(1, new[] { 2, 3 }, new float[] { 1, 2, 3, 4, 5, 6 })]
    [InlineData(-1, new[] { 2, 3 }, new float[] { 1, 2, 3, 4, 5, 6 })]
    public void PackMatchesTflm(int axis, int[] outShape, float[] expected)
    {
        var m = new SingleOp();
        int a = m.Input(TensorType.Float32, [2], new float[] { 1, 4 });
        int b = m.Input(TensorType.Float32, [2], new float[] { 2, 5 });
        int c = m.Input(TensorType.Float32, [2], new float[] { 3, 6 });
        m.Output(TensorType.Float32, outShape);
        MicroInterpreter it = m.Run(BuiltinOperator.Pack, [a, b, c], OperatorOptions.Pack(3, axis));
        Assert.Equal(outShape, it.Output(0).ShapeArray);
        Assert.Equal(expected, SingleOp.Read<float>(it));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    public void UnpackMatchesTflm(int axis)
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [3, 2], new float[] { 1, 2, 3, 4, 5, 6 });
        for (int i = 0; i < 3; i++) m.Output(TensorType.Float32, [2]);
        MicroInterpreter it = m.Run(BuiltinOperator.Unpack, [x], OperatorOptions.Unpack(3, axis));
        Assert.Equal([1f, 2f], SingleOp.Read<float>(it, 0));
        Assert.Equal([3f, 4f], SingleOp.Read<float>(it, 1));
        Assert.Equal([5f, 6f], SingleOp.Read<float>(it, 2));
    }

    [Fact]
    public void SplitMatchesTflm()
    {
        var m = new SingleOp();
        int axis = m.Const(TensorType.Int32, [1], new[] { 1 });
        int x = m.Input(TensorType.Float32, [2, 2, 2, 2], Sixteen);
        m.Output(TensorType.Float32, [2, 1, 2, 2]);
        m.Output(TensorType.Float32, [2, 1, 2, 2]);
        MicroInterpreter it = m.Run(BuiltinOperator.Split, [axis, x], OperatorOptions.Split(2));
        Assert.Equal([1f, 2, 3, 4, 9, 10, 11, 12], SingleOp.Read<float>(it, 0));
        Assert.Equal([5f, 6, 7, 8, 13, 14, 15, 16], SingleOp.Read<float>(it, 1));
    }

    [Fact]
    public void SplitVMatchesTflm()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [4, 3], Enumerable.Range(1, 12).Select(i => (float)i).ToArray());
        int sizes = m.Const(TensorType.Int32, [3], new[] { 1, 1, -1 });
        int axis = m.Const(TensorType.Int32, [1], new[] { 0 });
        m.Output(TensorType.Float32, [1, 3]);
        m.Output(TensorType.Float32, [1, 3]);
        m.Output(TensorType.Float32, [2, 3]);
        MicroInterpreter it = m.Run(BuiltinOperator.SplitV, [x, sizes, axis], OperatorOptions.SplitV(3));
        Assert.Equal([1f, 2, 3], SingleOp.Read<float>(it, 0));
        Assert.Equal([4f, 5, 6], SingleOp.Read<float>(it, 1));
        Assert.Equal([7f, 8, 9, 10, 11, 12], SingleOp.Read<float>(it, 2));
    }

    [Fact]
    public void SplitRejectsUnevenSplitsAndBadAxis()
    {
        var m = new SingleOp();
        int axis = m.Const(TensorType.Int32, [1], new[] { 0 });
        int x = m.Input(TensorType.Float32, [3], new float[3]);
        m.Output(TensorType.Float32, [1]);
        m.Output(TensorType.Float32, [1]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.Split, [axis, x], OperatorOptions.Split(2)));

        var b = new SingleOp();
        int x2 = b.Input(TensorType.Float32, [4], new float[4]);
        int sizes = b.Const(TensorType.Int32, [2], new[] { 3, 3 });
        int axis2 = b.Const(TensorType.Int32, [1], new[] { 0 });
        b.Output(TensorType.Float32, [3]);
        b.Output(TensorType.Float32, [3]);
        Assert.Throws<KernelException>(() => b.Prepare(BuiltinOperator.SplitV, [x2, sizes, axis2], OperatorOptions.SplitV(2)));

        var c = new SingleOp();
        int caxis = c.Const(TensorType.Int32, [1], new[] { 1 });
        int cx = c.Input(TensorType.Float32, [4], new float[4]);
        c.Output(TensorType.Float32, [2]);
        c.Output(TensorType.Float32, [2]);
        Assert.Throws<KernelException>(() => c.Prepare(BuiltinOperator.Split, [caxis, cx], OperatorOptions.Split(2)));
    }

    [Fact]
    public void ReverseMatchesTflm()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [4, 3, 2], Enumerable.Range(1, 24).Select(i => (float)i).ToArray());
        int a = m.Const(TensorType.Int32, [1], new[] { 1 });
        m.Output(TensorType.Float32, [4, 3, 2]);
        float[] expected = [5, 6, 3, 4, 1, 2, 11, 12, 9, 10, 7, 8, 17, 18, 15, 16, 13, 14, 23, 24, 21, 22, 19, 20];
        Assert.Equal(expected, SingleOp.Read<float>(m.Run(BuiltinOperator.ReverseV2, [x, a])));

        var b = new SingleOp();
        int bx = b.Input(TensorType.Int32, [4], new[] { 1, 2, 3, 4 });
        int ba = b.Const(TensorType.Int32, [1], new[] { 0 });
        b.Output(TensorType.Int32, [4]);
        Assert.Equal([4, 3, 2, 1], SingleOp.Read<int>(b.Run(BuiltinOperator.ReverseV2, [bx, ba])));

        var e = new SingleOp();
        int ex = e.Input(TensorType.Int32, [4], new[] { 1, 2, 3, 4 });
        int ea = e.Const(TensorType.Int32, [1], new[] { 1 });
        e.Output(TensorType.Int32, [4]);
        Assert.Throws<KernelException>(() => e.Prepare(BuiltinOperator.ReverseV2, [ex, ea]));
    }

    [Theory]
    [InlineData(new[] { 4 }, new[] { 1 }, new float[] { 3 }, new float[] { 3, 3, 3, 3 })]
    [InlineData(new[] { 2, 2, 2, 2 }, new[] { 2, 2 }, new float[] { 2, 3, 4, 5 }, new float[] { 2, 3, 4, 5, 2, 3, 4, 5, 2, 3, 4, 5, 2, 3, 4, 5 })]
    [InlineData(new[] { 3, 3, 2, 2 }, new[] { 3, 1, 2 }, new float[] { 1, 2, 3, 4, 5, 6 },
        new float[] { 1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6, 1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6, 1, 2, 1, 2, 3, 4, 3, 4, 5, 6, 5, 6 })]
    [InlineData(new[] { 3, 1, 2 }, new[] { 3, 1, 2 }, new float[] { 1, 2, 3, 4, 5, 6 }, new float[] { 1, 2, 3, 4, 5, 6 })]
    public void BroadcastToMatchesTflm(int[] target, int[] shape, float[] input, float[] expected)
    {
        foreach (bool wide in new[] { false, true })
        {
            var m = new SingleOp();
            int x = m.Input(TensorType.Float32, shape, input);
            int s = wide ? m.Const(TensorType.Int64, [target.Length], target.Select(v => (long)v).ToArray()) : m.Const(TensorType.Int32, [target.Length], target);
            m.Output(TensorType.Float32, target);
            Assert.Equal(expected, SingleOp.Read<float>(m.Run(BuiltinOperator.BroadcastTo, [x, s])));
        }
    }

    [Theory]
    [InlineData(new[] { 2, 2, 2, 2, 2, 2 }, new[] { 2, 2 })]
    [InlineData(new[] { 2, 4, 1, 2 }, new[] { 2, 4, 1, 3 })]
    [InlineData(new[] { 2 }, new[] { 2, 2 })]
    public void BroadcastToRejectsWhatTflmRejects(int[] target, int[] shape)
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, shape, new float[shape.Aggregate(1, (a, d) => a * d)]);
        int s = m.Const(TensorType.Int32, [target.Length], target);
        m.Output(TensorType.Float32, target);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.BroadcastTo, [x, s]));
    }

    [Fact]
    public void CastMatchesTflm()
    {
        float[] input = [100f, 1.0f, 0f, 0.4f, 1.999f, 1.1f];
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [3, 2], input);
        m.Output(TensorType.Int8, [3, 2]);
        Assert.Equal(new sbyte[] { 100, 1, 0, 0, 1, 1 }, SingleOp.Read<sbyte>(m.Run(BuiltinOperator.Cast, [x])));

        var b = new SingleOp();
        int bx = b.Input(TensorType.Int8, [3, 2], new sbyte[] { 123, 0, 1, 2, 3, 4 });
        b.Output(TensorType.Float32, [3, 2]);
        Assert.Equal([123f, 0, 1, 2, 3, 4], SingleOp.Read<float>(b.Run(BuiltinOperator.Cast, [bx])));

        var c = new SingleOp();
        int cx = c.Input(TensorType.Int64, [2], new long[2]);
        c.Output(TensorType.Int32, [2]);
        Assert.Throws<KernelException>(() => c.Prepare(BuiltinOperator.Cast, [cx]));
    }

    [Theory]
    [InlineData(new[] { 5 }, new[] { 5 })]
    [InlineData(new[] { 4, 3 }, new[] { 4, 3 })]
    [InlineData(new[] { 12, 1 }, new[] { 12, 1 })]
    public void ShapeMatchesTflm(int[] shape, int[] expected)
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, shape, new float[shape.Aggregate(1, (a, d) => a * d)]);
        m.Output(TensorType.Int32, [shape.Length]);
        Assert.Equal(expected, SingleOp.Read<int>(m.Run(BuiltinOperator.Shape, [x])));
    }

    [Theory]
    [InlineData(0, new[] { 1, 2, 2 })]
    [InlineData(1, new[] { 2, 1, 2 })]
    [InlineData(2, new[] { 2, 2, 1 })]
    [InlineData(-1, new[] { 2, 2, 1 })]
    [InlineData(-3, new[] { 1, 2, 2 })]
    public void ExpandDimsMatchesTflm(int axis, int[] expectedShape)
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Int8, [2, 2], new sbyte[] { -1, 1, -2, 2 });
        int a = m.Const(TensorType.Int32, [1], new[] { axis });
        m.Output(TensorType.Int8, expectedShape);
        MicroInterpreter it = m.Run(BuiltinOperator.ExpandDims, [x, a]);
        Assert.Equal(expectedShape, it.Output(0).ShapeArray);
        Assert.Equal(new sbyte[] { -1, 1, -2, 2 }, SingleOp.Read<sbyte>(it));
    }

    [Fact]
    public void ExpandDimsRejectsAxisOutOfRange()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [2, 2], new float[4]);
        int a = m.Const(TensorType.Int32, [1], new[] { 3 });
        m.Output(TensorType.Float32, [2, 2, 1]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.ExpandDims, [x, a]));
    }

    [Theory]
    [InlineData(new int[0], new[] { 24 })]
    [InlineData(new[] { 2 }, new[] { 1, 24 })]
    [InlineData(new[] { -1, 0 }, new[] { 24 })]
    public void SqueezeMatchesTflm(int[] dims, int[] expectedShape)
    {
        var m = new SingleOp();
        float[] input = Enumerable.Range(1, 24).Select(i => (float)i).ToArray();
        int x = m.Input(TensorType.Float32, [1, 24, 1], input);
        m.Output(TensorType.Float32, expectedShape);
        MicroInterpreter it = m.Run(BuiltinOperator.Squeeze, [x], OperatorOptions.Squeeze(dims));
        Assert.Equal(expectedShape, it.Output(0).ShapeArray);
        Assert.Equal(input, SingleOp.Read<float>(it));
    }

    [Fact]
    public void SqueezeRejectsADimensionLargerThanOne()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [1, 24, 1], new float[24]);
        m.Output(TensorType.Float32, [24]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.Squeeze, [x], OperatorOptions.Squeeze(1)));
    }

    [Theory]
    [InlineData(TensorType.Int32)]
    [InlineData(TensorType.Int64)]
    public void FillMatchesTflm(TensorType dimsType)
    {
        var m = new SingleOp();
        int d = dimsType == TensorType.Int32 ? m.Const(TensorType.Int32, [3], new[] { 2, 2, 2 }) : m.Const(TensorType.Int64, [3], new long[] { 2, 2, 2 });
        int v = m.Const(TensorType.Float32, [], new[] { 4.0f });
        m.Output(TensorType.Float32, [2, 2, 2]);
        Assert.Equal(Enumerable.Repeat(4f, 8), SingleOp.Read<float>(m.Run(BuiltinOperator.Fill, [d, v])));

        var e = new SingleOp();
        int ed = e.Input(TensorType.Int32, [3], new[] { 2, 2, 2 });
        int ev = e.Const(TensorType.Float32, [], new[] { 4.0f });
        e.Output(TensorType.Float32, [2, 2, 2]);
        Assert.Throws<KernelException>(() => e.Prepare(BuiltinOperator.Fill, [ed, ev]));
    }
}
