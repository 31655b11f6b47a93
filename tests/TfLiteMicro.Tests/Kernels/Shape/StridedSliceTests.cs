using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Kernels.Shape;

/// <summary>STRIDED_SLICE with the vectors of TFLM's strided_slice_test (float), plus the masks TFLM leaves to TFLite.</summary>
public sealed class StridedSliceTests
{
    /// <summary>name, input shape, begin, end, strides, output shape, input, expected, masks (begin, end, ellipsis, new-axis, shrink, offset), error expected.</summary>
    public static TheoryData<string, int[], int[], int[], int[], int[], float[], float[], int[], bool> TflmCases() => new()
    {
        { "In1D", new[] { 4 }, new[] { 1 }, new[] { 3 }, new[] { 1 }, new[] { 2 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 2f, 3f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_EmptyOutput", new[] { 4 }, new[] { 10 }, new[] { 3 }, new[] { 1 }, new[] { 0 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 0.0f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_NegativeBegin", new[] { 4 }, new[] { -3 }, new[] { 3 }, new[] { 1 }, new[] { 2 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 2f, 3f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_OutOfRangeBegin", new[] { 4 }, new[] { -5 }, new[] { 3 }, new[] { 1 }, new[] { 3 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 1f, 2f, 3f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_NegativeEnd", new[] { 4 }, new[] { 1 }, new[] { -2 }, new[] { 1 }, new[] { 1 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 2f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_OutOfRangeEnd", new[] { 4 }, new[] { -3 }, new[] { 5 }, new[] { 1 }, new[] { 3 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 2f, 3f, 4f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_BeginMask", new[] { 4 }, new[] { 1 }, new[] { 3 }, new[] { 1 }, new[] { 3 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 1f, 2f, 3f }, new[] { 1, 0, 0, 0, 0, 0 }, false },
        { "In1D_NegativeBeginNegativeStride", new[] { 4 }, new[] { -2 }, new[] { -3 }, new[] { -1 }, new[] { 1 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 3f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_OutOfRangeBeginNegativeStride", new[] { 4 }, new[] { 5 }, new[] { 2 }, new[] { -1 }, new[] { 1 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 4f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_NegativeEndNegativeStride", new[] { 4 }, new[] { 2 }, new[] { -4 }, new[] { -1 }, new[] { 2 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 3f, 2f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_OutOfRangeEndNegativeStride", new[] { 4 }, new[] { -3 }, new[] { -5 }, new[] { -1 }, new[] { 2 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 2f, 1f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_EndMask", new[] { 4 }, new[] { 1 }, new[] { 3 }, new[] { 1 }, new[] { 3 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 2f, 3f, 4f }, new[] { 0, 1, 0, 0, 0, 0 }, false },
        { "In1D_NegStride", new[] { 3 }, new[] { -1 }, new[] { -4 }, new[] { -1 }, new[] { 3 }, new float[] { 1f, 2f, 3f }, new float[] { 3f, 2f, 1f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_EvenLenStride2", new[] { 2 }, new[] { 0 }, new[] { 4 }, new[] { 2 }, new[] { 1 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 1f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_OddLenStride2", new[] { 3 }, new[] { 0 }, new[] { 3 }, new[] { 2 }, new[] { 2 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 1f, 3f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In2D_Identity", new[] { 2, 3 }, new[] { 0, 0 }, new[] { 2, 3 }, new[] { 1, 1 }, new[] { 2, 3 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In2D", new[] { 2, 3 }, new[] { 1, 0 }, new[] { 2, 2 }, new[] { 1, 1 }, new[] { 1, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 4f, 5f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In2D_Stride2", new[] { 2, 3 }, new[] { 0, 0 }, new[] { 2, 3 }, new[] { 2, 2 }, new[] { 1, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 1f, 3f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In2D_NegStride", new[] { 2, 3 }, new[] { 1, -1 }, new[] { 2, -4 }, new[] { 2, -1 }, new[] { 1, 3 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 6f, 5f, 4f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In2D_BeginMask", new[] { 2, 3 }, new[] { 1, 0 }, new[] { 2, 2 }, new[] { 1, 1 }, new[] { 2, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 1f, 2f, 4f, 5f }, new[] { 1, 0, 0, 0, 0, 0 }, false },
        { "In2D_EndMask", new[] { 2, 3 }, new[] { 1, 0 }, new[] { 2, 2 }, new[] { 1, 1 }, new[] { 1, 3 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 4f, 5f, 6f }, new[] { 0, 2, 0, 0, 0, 0 }, false },
        { "In2D_NegStrideBeginMask", new[] { 2, 3 }, new[] { 1, -2 }, new[] { 2, -4 }, new[] { 1, -1 }, new[] { 1, 3 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 6f, 5f, 4f }, new[] { 2, 0, 0, 0, 0, 0 }, false },
        { "In2D_NegStrideEndMask", new[] { 2, 3 }, new[] { 1, -2 }, new[] { 2, -3 }, new[] { 1, -1 }, new[] { 1, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 5f, 4f }, new[] { 0, 2, 0, 0, 0, 0 }, false },
        { "In3D_Identity", new[] { 2, 3, 2 }, new[] { 0, 0, 0 }, new[] { 2, 3, 2 }, new[] { 1, 1, 1 }, new[] { 2, 3, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In3D_NegStride", new[] { 2, 3, 2 }, new[] { 0, 0, 0 }, new[] { 2, 3, 2 }, new[] { 1, 1, 1 }, new[] { 2, 3, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In3D_Strided2", new[] { 2, 3, 2 }, new[] { 0, 0, 0 }, new[] { 2, 3, 2 }, new[] { 2, 2, 2 }, new[] { 1, 2, 1 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new float[] { 1f, 5f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_ShrinkAxisMask1", new[] { 2, 3, 2 }, new[] { 0, 0, 0 }, new[] { 2, 3, 2 }, new[] { 1, 1, 1 }, new[] { 2, 3, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "In1D_ShrinkAxisMask1_NegativeSlice", new[] { 4 }, new[] { -1 }, new[] { 0 }, new[] { 1 }, new int[0], new float[] { 0f, 1f, 2f, 3f }, new float[] { 3f }, new[] { 0, 0, 0, 0, 1, 0 }, false },
        { "In2D_ShrinkAxis3_NegativeSlice", new[] { 4, 1 }, new[] { -2, -1 }, new[] { -1, 0 }, new[] { 1, 1 }, new int[0], new float[] { 0f, 1f, 2f, 3f }, new float[] { 2f }, new[] { 0, 0, 0, 0, 3, 0 }, false },
        { "In2D_ShrinkAxis2_BeginEndAxis1_NegativeSlice", new[] { 4, 1 }, new[] { 0, -1 }, new[] { 0, 0 }, new[] { 1, 1 }, new[] { 4 }, new float[] { 0f, 1f, 2f, 3f }, new float[] { 0f, 1f, 2f, 3f }, new[] { 1, 1, 0, 0, 2, 0 }, false },
        { "In1D_BeginMaskShrinkAxisMask1", new[] { 4 }, new[] { 1 }, new[] { 1 }, new[] { 1 }, new int[0], new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new float[] { 1f }, new[] { 1, 0, 0, 0, 1, 0 }, false },
        { "In2D_ShrinkAxisMask1", new[] { 2, 3 }, new[] { 0, 0 }, new[] { 1, 3 }, new[] { 1, 1 }, new[] { 3 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 1f, 2f, 3f }, new[] { 0, 0, 0, 0, 1, 0 }, false },
        { "In2D_ShrinkAxisMask2", new[] { 2, 3 }, new[] { 0, 0 }, new[] { 2, 1 }, new[] { 1, 1 }, new[] { 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 1f, 4f }, new[] { 0, 0, 0, 0, 2, 0 }, false },
        { "In2D_ShrinkAxisMask3", new[] { 2, 3 }, new[] { 0, 0 }, new[] { 1, 1 }, new[] { 1, 1 }, new int[0], new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 1f }, new[] { 0, 0, 0, 0, 3, 0 }, false },
        { "In3D_IdentityShrinkAxis1", new[] { 2, 3, 2 }, new[] { 0, 0, 0 }, new[] { 1, 3, 2 }, new[] { 1, 1, 1 }, new[] { 3, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new[] { 0, 0, 0, 0, 1, 0 }, false },
        { "In3D_IdentityShrinkAxis2", new[] { 2, 3, 2 }, new[] { 0, 0, 0 }, new[] { 2, 1, 2 }, new[] { 1, 1, 1 }, new[] { 2, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new float[] { 1f, 2f, 7f, 8f }, new[] { 0, 0, 0, 0, 2, 0 }, false },
        { "In3D_IdentityShrinkAxis3", new[] { 2, 3, 2 }, new[] { 0, 0, 0 }, new[] { 1, 1, 2 }, new[] { 1, 1, 1 }, new[] { 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new float[] { 1f, 2f }, new[] { 0, 0, 0, 0, 3, 0 }, false },
        { "In3D_IdentityShrinkAxis4", new[] { 2, 3, 2 }, new[] { 0, 0, 0 }, new[] { 2, 3, 2 }, new[] { 1, 1, 1 }, new[] { 2, 3 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new float[] { 1f, 3f, 5f, 7f, 9f, 11f }, new[] { 0, 0, 0, 0, 4, 0 }, false },
        { "In3D_IdentityShrinkAxis5", new[] { 2, 3, 2 }, new[] { 0, 0, 0 }, new[] { 1, 3, 1 }, new[] { 1, 1, 1 }, new[] { 3 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new float[] { 1f, 3f, 5f }, new[] { 0, 0, 0, 0, 5, 0 }, false },
        { "In3D_IdentityShrinkAxis6", new[] { 2, 3, 2 }, new[] { 0, 0, 0 }, new[] { 2, 1, 1 }, new[] { 1, 1, 1 }, new[] { 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new float[] { 1f, 7f }, new[] { 0, 0, 0, 0, 6, 0 }, false },
        { "In3D_IdentityShrinkAxis7", new[] { 2, 3, 2 }, new[] { 0, 0, 0 }, new[] { 1, 1, 1 }, new[] { 1, 1, 1 }, new int[0], new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new float[] { 1f }, new[] { 0, 0, 0, 0, 7, 0 }, false },
        { "RunTwice", new[] { 2, 3 }, new[] { 1, 0 }, new[] { 2, 2 }, new[] { 1, 1 }, new[] { 2, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 1f, 2f, 4f, 5f }, new[] { 1, 0, 0, 0, 0, 0 }, false },
        { "MinusThreeMinusFourMinusOne", new[] { 4 }, new[] { -3 }, new[] { -4 }, new[] { -1 }, new[] { 1 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 2f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "MinusFourMinusThreeOne", new[] { 4 }, new[] { -4 }, new[] { -3 }, new[] { 1 }, new[] { 1 }, new float[] { 1f, 2f, 3f, 4f }, new float[] { 1f }, new[] { 0, 0, 0, 0, 0, 0 }, false },
        { "StrideOutOfBounds", new[] { 1 }, new[] { 1 }, new[] { 4 }, new[] { 7 }, new int[0], new float[] { 0.0f }, new float[] { 1f }, new[] { 0, 0, 0, 0, 1, 0 }, true },
        { "OutOfBounds", new[] { 1 }, new[] { 1 }, new[] { 2 }, new[] { 1 }, new int[0], new float[] { 0.0f }, new float[] { 0.0f }, new[] { 0, 0, 0, 0, 1, 0 }, true },
    };

    [Theory]
    [MemberData(nameof(TflmCases))]
    public void MatchesTflmVectors(string name, int[] shape, int[] begin, int[] end, int[] strides, int[] outShape,
        float[] input, float[] expected, int[] masks, bool error)
    {
        var op = new SingleOp();
        int x = op.Input(TensorType.Float32, shape, input);
        int b = op.Const(TensorType.Int32, [begin.Length], begin);
        int e = op.Const(TensorType.Int32, [end.Length], end);
        int s = op.Const(TensorType.Int32, [strides.Length], strides);
        op.Output(TensorType.Float32, outShape);
        var options = OperatorOptions.StridedSlice(masks[0], masks[1], masks[2], masks[3], masks[4], masks[5] != 0);
        if (error)
        {
            Assert.Throws<KernelException>(() => op.Run(BuiltinOperator.StridedSlice, [x, b, e, s], options));
            return;
        }
        MicroInterpreter it = op.Run(BuiltinOperator.StridedSlice, [x, b, e, s], options);
        Assert.Equal(outShape, it.Output(0).ShapeArray);
        float[] actual = SingleOp.Read<float>(it);
        Assert.Equal(expected.Take(actual.Length).ToArray(), actual);
        Assert.True(actual.Length == expected.Length || actual.Length == 0, name);
    }

    private static float[] Iota(int n) => Enumerable.Range(1, n).Select(i => (float)i).ToArray();

    private static (int[] Shape, float[] Values) Slice(int[] shape, int[] begin, int[] end, int[] strides, int beginMask = 0, int endMask = 0,
        int ellipsis = 0, int newAxis = 0, int shrink = 0, bool offset = false)
    {
        var op = new SingleOp();
        int x = op.Input(TensorType.Float32, shape, Iota(shape.Aggregate(1, (a, d) => a * d)));
        int b = op.Const(TensorType.Int32, [begin.Length], begin);
        int e = op.Const(TensorType.Int32, [end.Length], end);
        int s = op.Const(TensorType.Int32, [strides.Length], strides);
        op.Output(TensorType.Float32, [1]);
        MicroInterpreter it = op.Run(BuiltinOperator.StridedSlice, [x, b, e, s], OperatorOptions.StridedSlice(beginMask, endMask, ellipsis, newAxis, shrink, offset));
        return (it.Output(0).ShapeArray, SingleOp.Read<float>(it));
    }

    [Fact]
    public void EllipsisCoversTheMiddleDimensions()
    {
        // x[1, ..., 0:1] on [2,3,2]: keeps the middle dimension whole.
        (int[] shape, float[] values) = Slice([2, 3, 2], [1, 0, 0], [2, 0, 1], [1, 1, 1], ellipsis: 2);
        Assert.Equal([1, 3, 1], shape);
        Assert.Equal([7f, 9f, 11f], values);
    }

    [Fact]
    public void NewAxisInsertsADimensionOfOne()
    {
        // x[:, newaxis, 1] on [2,3]: shape [2,1].
        (int[] shape, float[] values) = Slice([2, 3], [0, 0, 1], [0, 0, 2], [1, 1, 1], beginMask: 1, endMask: 1, newAxis: 2, shrink: 4);
        Assert.Equal([2, 1], shape);
        Assert.Equal([2f, 5f], values);
    }

    [Fact]
    public void OffsetModeCountsEndFromBegin()
    {
        (int[] shape, float[] values) = Slice([6], [1], [3], [1], offset: true);
        Assert.Equal([3], shape);
        Assert.Equal([2f, 3f, 4f], values);
    }

    [Fact]
    public void NegativeStrideWithMasksReverses()
    {
        (int[] shape, float[] values) = Slice([2, 3], [0, 0], [0, 0], [-1, -2], beginMask: 3, endMask: 3);
        Assert.Equal([2, 2], shape);
        Assert.Equal([6f, 4f, 3f, 1f], values);
    }

    [Fact]
    public void ZeroStrideIsAKernelError()
    {
        Assert.Throws<KernelException>(() => Slice([4], [0], [4], [0]));
    }

    [Fact]
    public void NonConstantBeginIsAKernelError()
    {
        var op = new SingleOp();
        int x = op.Input(TensorType.Float32, [4], Iota(4));
        int b = op.Input(TensorType.Int32, [1], new[] { 0 });
        int e = op.Const(TensorType.Int32, [1], new[] { 2 });
        int s = op.Const(TensorType.Int32, [1], new[] { 1 });
        op.Output(TensorType.Float32, [2]);
        Assert.Throws<KernelException>(() => op.Prepare(BuiltinOperator.StridedSlice, [x, b, e, s], OperatorOptions.StridedSlice(0, 0, 0, 0, 0)));
    }
}
