using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Kernels.Shape;

/// <summary>RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR, MIRROR_PAD and CUMSUM with the vectors of TFLM's kernel tests.</summary>
public sealed class ResizePadCumSumTests
{
    public static TheoryData<string, string, int[], int[], float[], float[]> BilinearCases() => new()
    {
        { "HorizontalResize", "float", new[] { 1, 1, 2, 1 }, new[] { 1, 3 }, new float[] { 3, 6 }, new float[] { 3, 5, 6 } },
        { "HorizontalResizeInt8", "int8", new[] { 1, 1, 2, 1 }, new[] { 1, 3 }, new float[] { 3, 6 }, new float[] { 3, 5, 6 } },
        { "VerticalResize", "float", new[] { 1, 2, 1, 1 }, new[] { 3, 1 }, new float[] { 3, 9 }, new float[] { 3, 7, 9 } },
        { "VerticalResizeInt8", "int8", new[] { 1, 2, 1, 1 }, new[] { 3, 1 }, new float[] { 3, 9 }, new float[] { 3, 7, 9 } },
        { "TwoDimensionalResize", "float", new[] { 1, 2, 2, 1 }, new[] { 3, 3 }, new float[] { 3, 6, 9, 12 }, new float[] { 3, 5, 6, 7, 9, 10, 9, 11, 12 } },
        { "TwoDimensionalResizeInt8", "int8", new[] { 1, 2, 2, 1 }, new[] { 3, 3 }, new float[] { 3, 6, 9, 12 }, new float[] { 3, 5, 6, 7, 9, 10, 9, 11, 12 } },
        { "TwoDimensionalResizeWithTwoBatches", "float", new[] { 2, 2, 2, 1 }, new[] { 3, 3 }, new float[] { 3, 6, 9, 12, 4, 10, 10, 16 }, new float[] { 3, 5, 6, 7, 9, 10, 9, 11, 12, 4, 8, 10, 8, 12, 14, 10, 14, 16 } },
        { "TwoDimensionalResizeWithTwoBatchesInt8", "int8", new[] { 2, 2, 2, 1 }, new[] { 3, 3 }, new float[] { 3, 6, 9, 12, 4, 10, 12, 16 }, new float[] { 3, 5, 6, 7, 9, 10, 9, 11, 12, 4, 8, 10, 9, 12, 13, 12, 14, 16 } },
        { "ThreeDimensionalResize", "float", new[] { 1, 2, 2, 2 }, new[] { 3, 3 }, new float[] { 3, 4, 6, 10, 9, 10, 12, 16 }, new float[] { 3, 4, 5, 8, 6, 10, 7, 8, 9, 12, 10, 14, 9, 10, 11, 14, 12, 16 } },
        { "ThreeDimensionalResizeInt8", "int8", new[] { 1, 2, 2, 2 }, new[] { 3, 3 }, new float[] { 3, 4, 6, 10, 10, 12, 14, 16 }, new float[] { 3, 4, 5, 8, 6, 10, 7, 9, 10, 12, 11, 13, 10, 12, 12, 14, 14, 16 } },
    };

    public static TheoryData<string, string, int[], int[], float[], float[]> NearestCases() => new()
    {
        { "HorizontalResize", "float", new[] { 1, 1, 2, 1 }, new[] { 1, 3 }, new float[] { 3, 6 }, new float[] { 3, 3, 6 } },
        { "HorizontalResizeInt8", "int8", new[] { 1, 1, 2, 1 }, new[] { 1, 3 }, new float[] { -3, 6 }, new float[] { -3, -3, 6 } },
        { "HorizontalResizeInt16", "int16", new[] { 1, 1, 2, 1 }, new[] { 1, 3 }, new float[] { -3, 6 }, new float[] { -3, -3, 6 } },
        { "VerticalResize", "float", new[] { 1, 2, 1, 1 }, new[] { 3, 1 }, new float[] { 3, 9 }, new float[] { 3, 3, 9 } },
        { "VerticalResizeInt8", "int8", new[] { 1, 2, 1, 1 }, new[] { 3, 1 }, new float[] { 3, -9 }, new float[] { 3, 3, -9 } },
        { "VerticalResizeInt16", "int16", new[] { 1, 2, 1, 1 }, new[] { 3, 1 }, new float[] { 3, -9 }, new float[] { 3, 3, -9 } },
        { "TwoDimensionalResize", "float", new[] { 1, 2, 2, 1 }, new[] { 3, 3 }, new float[] { 3, 6, 9, 12 }, new float[] { 3, 3, 6, 3, 3, 6, 9, 9, 12 } },
        { "TwoDimensionalResizeInt8", "int8", new[] { 1, 2, 2, 1 }, new[] { 3, 3 }, new float[] { 3, -6, 9, 12 }, new float[] { 3, 3, -6, 3, 3, -6, 9, 9, 12 } },
        { "TwoDimensionalResizeInt16", "int16", new[] { 1, 2, 2, 1 }, new[] { 3, 3 }, new float[] { 3, -6, 9, 12 }, new float[] { 3, 3, -6, 3, 3, -6, 9, 9, 12 } },
        { "TwoDimensionalResizeWithTwoBatches", "float", new[] { 2, 2, 2, 1 }, new[] { 3, 3 }, new float[] { 3, 6, 9, 12, 4, 10, 10, 16 }, new float[] { 3, 3, 6, 3, 3, 6, 9, 9, 12, 4, 4, 10, 4, 4, 10, 10, 10, 16 } },
        { "TwoDimensionalResizeWithTwoBatchesInt8", "int8", new[] { 2, 2, 2, 1 }, new[] { 3, 3 }, new float[] { 3, 6, 9, -12, -4, 10, 10, 16 }, new float[] { 3, 3, 6, 3, 3, 6, 9, 9, -12, -4, -4, 10, -4, -4, 10, 10, 10, 16 } },
        { "TwoDimensionalResizeWithTwoBatchesInt16", "int16", new[] { 2, 2, 2, 1 }, new[] { 3, 3 }, new float[] { 3, 6, 9, -12, -4, 10, 10, 16 }, new float[] { 3, 3, 6, 3, 3, 6, 9, 9, -12, -4, -4, 10, -4, -4, 10, 10, 10, 16 } },
        { "ThreeDimensionalResize", "float", new[] { 1, 2, 2, 2 }, new[] { 3, 3 }, new float[] { 3, 4, 6, 10, 9, 10, 12, 16 }, new float[] { 3, 4, 3, 4, 6, 10, 3, 4, 3, 4, 6, 10, 9, 10, 9, 10, 12, 16 } },
        { "ThreeDimensionalResizeInt8", "int8", new[] { 1, 2, 2, 2 }, new[] { 3, 3 }, new float[] { 3, 4, -6, 10, 10, 12, -14, 16 }, new float[] { 3, 4, 3, 4, -6, 10, 3, 4, 3, 4, -6, 10, 10, 12, 10, 12, -14, 16 } },
        { "ThreeDimensionalResizeInt16", "int16", new[] { 1, 2, 2, 2 }, new[] { 3, 3 }, new float[] { 3, 4, -6, 10, 10, 12, -14, 16 }, new float[] { 3, 4, 3, 4, -6, 10, 3, 4, 3, 4, -6, 10, 10, 12, 10, 12, -14, 16 } },
    };

    private static float[] RunResize(BuiltinOperator op, string type, int[] shape, int[] size, float[] input)
    {
        var m = new SingleOp();
        TensorType t = type switch { "int8" => TensorType.Int8, "int16" => TensorType.Int16, _ => TensorType.Float32 };
        int x = t switch
        {
            TensorType.Int8 => m.Input(t, shape, input.Select(v => (sbyte)v).ToArray()),
            TensorType.Int16 => m.Input(t, shape, input.Select(v => (short)v).ToArray()),
            _ => m.Input(t, shape, input),
        };
        int s = m.Const(TensorType.Int32, [2], size);
        m.Output(t, [shape[0], size[0], size[1], shape[3]]);
        var options = op == BuiltinOperator.ResizeBilinear ? OperatorOptions.ResizeBilinear(false, false) : OperatorOptions.ResizeNearestNeighbor(false, false);
        MicroInterpreter it = m.Run(op, [x, s], options);
        return t switch
        {
            TensorType.Int8 => SingleOp.Read<sbyte>(it).Select(v => (float)v).ToArray(),
            TensorType.Int16 => SingleOp.Read<short>(it).Select(v => (float)v).ToArray(),
            _ => SingleOp.Read<float>(it),
        };
    }

    [Theory]
    [MemberData(nameof(BilinearCases))]
    public void BilinearMatchesTflm(string name, string type, int[] shape, int[] size, float[] input, float[] expected)
    {
        float[] actual = RunResize(BuiltinOperator.ResizeBilinear, type, shape, size, input);
        Assert.Equal(expected.Length, actual.Length);
        // TFLM checks its two-batch and three-channel int8 vectors within one step.
        float tolerance = type == "int8" ? 1f : 1e-5f;
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{name}[{i}]: {actual[i]} vs {expected[i]}");
    }

    [Theory]
    [MemberData(nameof(NearestCases))]
    public void NearestMatchesTflm(string name, string type, int[] shape, int[] size, float[] input, float[] expected)
    {
        Assert.True(expected.SequenceEqual(RunResize(BuiltinOperator.ResizeNearestNeighbor, type, shape, size, input)), name);
    }

    [Fact]
    public void BilinearRejectsAlignCornersWithHalfPixelCenters()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [1, 2, 2, 1], new float[4]);
        int s = m.Const(TensorType.Int32, [2], new[] { 3, 3 });
        m.Output(TensorType.Float32, [1, 3, 3, 1]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.ResizeBilinear, [x, s], OperatorOptions.ResizeBilinear(true, true)));
    }

    [Fact]
    public void ResizeRejectsNonConstantSizeAndBadRank()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [1, 2, 2, 1], new float[4]);
        int s = m.Input(TensorType.Int32, [2], new[] { 3, 3 });
        m.Output(TensorType.Float32, [1, 3, 3, 1]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.ResizeNearestNeighbor, [x, s], OperatorOptions.ResizeNearestNeighbor(false, false)));

        var r = new SingleOp();
        int rx = r.Input(TensorType.Float32, [2, 2, 1], new float[4]);
        int rs = r.Const(TensorType.Int32, [2], new[] { 3, 3 });
        r.Output(TensorType.Float32, [3, 3, 1]);
        Assert.Throws<KernelException>(() => r.Prepare(BuiltinOperator.ResizeBilinear, [rx, rs], OperatorOptions.ResizeBilinear(false, false)));
    }

    public static TheoryData<string, int[], int[], bool, int[], int[], int[]> MirrorCases() => new()
    {
        { "EmptyPad", new[] { 2, 3 }, new[] { 0, 0, 0, 0 }, false, new[] { 2, 3 }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 1, 2, 3, 4, 5, 6 } },
        { "PadOneSide_right_Reflect", new[] { 2, 3 }, new[] { 0, 1, 0, 1 }, false, new[] { 3, 4 }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 1, 2, 3, 2, 4, 5, 6, 5, 1, 2, 3, 2 } },
        { "PadOneSide_left_Reflect", new[] { 2, 3 }, new[] { 1, 0, 1, 0 }, false, new[] { 3, 4 }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 5, 4, 5, 6, 2, 1, 2, 3, 5, 4, 5, 6 } },
        { "PadOneSide_right_Symmetric", new[] { 2, 3 }, new[] { 0, 1, 0, 1 }, true, new[] { 3, 4 }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 1, 2, 3, 3, 4, 5, 6, 6, 4, 5, 6, 6 } },
        { "PadOneSide_left_Symmetric", new[] { 2, 3 }, new[] { 1, 0, 1, 0 }, true, new[] { 3, 4 }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 1, 1, 2, 3, 1, 1, 2, 3, 4, 4, 5, 6 } },
        { "PadBothSides_Symmetric", new[] { 2, 3 }, new[] { 1, 1, 1, 1 }, true, new[] { 4, 5 }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 1, 1, 2, 3, 3, 1, 1, 2, 3, 3, 4, 4, 5, 6, 6, 4, 4, 5, 6, 6 } },
        { "PadBothSides_Reflect", new[] { 2, 3 }, new[] { 1, 1, 1, 1 }, false, new[] { 4, 5 }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 5, 4, 5, 6, 5, 2, 1, 2, 3, 2, 5, 4, 5, 6, 5, 2, 1, 2, 3, 2 } },
        { "PadBothSides_Symmetric_Whole", new[] { 2, 3 }, new[] { 2, 2, 3, 3 }, true, new[] { 6, 9 }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 6, 5, 4, 4, 5, 6, 6, 5, 4, 3, 2, 1, 1, 2, 3, 3, 2, 1, 3, 2, 1, 1, 2, 3, 3, 2, 1, 6, 5, 4, 4, 5, 6, 6, 5, 4, 6, 5, 4, 4, 5, 6, 6, 5, 4, 3, 2, 1, 1, 2, 3, 3, 2, 1 } },
        { "PadBothSides_Reflect_Whole", new[] { 2, 3 }, new[] { 1, 1, 2, 2 }, false, new[] { 4, 7 }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1 } },
        { "Pad_Symmetric", new[] { 2, 3 }, new[] { 1, 1, 2, 2 }, true, new[] { 4, 7 }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 2, 1, 1, 2, 3, 3, 2, 2, 1, 1, 2, 3, 3, 2, 5, 4, 4, 5, 6, 6, 5, 5, 4, 4, 5, 6, 6, 5 } },
        { "Pad_1D_Reflect", new[] { 3 }, new[] { 0, 2 }, false, new[] { 5 }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 1, 2, 3, 2, 1 } },
        { "Pad_1D_Symmetric", new[] { 3 }, new[] { 0, 2 }, true, new[] { 5 }, new[] { 1, 2, 3, 4, 5, 6 }, new[] { 1, 2, 3, 3, 2 } },
    };

    [Theory]
    [MemberData(nameof(MirrorCases))]
    public void MirrorPadMatchesTflm(string name, int[] shape, int[] pads, bool symmetric, int[] outShape, int[] input, int[] expected)
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Int32, shape, input);
        int p = m.Const(TensorType.Int32, [shape.Length, 2], pads);
        m.Output(TensorType.Int32, outShape);
        MicroInterpreter it = m.Run(BuiltinOperator.MirrorPad, [x, p], OperatorOptions.MirrorPad(symmetric));
        Assert.Equal(outShape, it.Output(0).ShapeArray);
        Assert.True(expected.SequenceEqual(SingleOp.Read<int>(it)), name);
    }

    [Theory]
    [InlineData(false, 3)]
    [InlineData(true, 4)]
    public void MirrorPadRejectsPaddingsLargerThanTheInput(bool symmetric, int pad)
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [3], new float[3]);
        int p = m.Const(TensorType.Int32, [1, 2], new[] { pad, 0 });
        m.Output(TensorType.Float32, [3 + pad]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.MirrorPad, [x, p], OperatorOptions.MirrorPad(symmetric)));
    }

    public static TheoryData<string, int[], int, bool, bool, float[], float[], float, float> CumSumCases() => new()
    {
        { "CumSumOpTestSimpleTest", new[] { 2, 4 }, 1, false, false, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 1, 3, 6, 10, 5, 11, 18, 26 }, 0f, 0f },
        { "CumSumOpTestSimpleAxis0Test", new[] { 2, 4 }, 0, false, false, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 1, 2, 3, 4, 6, 8, 10, 12 }, 0f, 0f },
        { "CumSumOpTestSimple1DTest", new[] { 8 }, 0, false, false, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 1, 3, 6, 10, 15, 21, 28, 36 }, 0f, 0f },
        { "CumSumOpTestSimpleReverseTest", new[] { 2, 4 }, 1, false, true, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 10, 9, 7, 4, 26, 21, 15, 8 }, 0f, 0f },
        { "CumSumOpTestSimpleExclusiveTest", new[] { 2, 4 }, 1, true, false, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 0, 1, 3, 6, 0, 5, 11, 18 }, 0f, 0f },
        { "CumSumOpTestSimpleReverseExclusiveTest", new[] { 2, 4 }, -1, true, true, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 9, 7, 4, 0, 21, 15, 8, 0 }, 0f, 0f },
        { "CumSumOpTestSimpleTestInt8", new[] { 2, 4 }, 1, false, false, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 1, 3, 6, 10, 5, 11, 18, 26 }, -26.0f, 26.0f },
        { "CumSumOpTestSimpleAxis0TestInt8", new[] { 2, 4 }, 0, false, false, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 1, 2, 3, 4, 6, 8, 10, 12 }, -12.0f, 12.0f },
        { "CumSumOpTestSimple1DTestInt8", new[] { 8 }, 0, false, false, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 1, 3, 6, 10, 15, 21, 28, 36 }, -36.0f, 36.0f },
        { "CumSumOpTestSimpleReverseTestInt8", new[] { 2, 4 }, 1, false, true, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 10, 9, 7, 4, 26, 21, 15, 8 }, -26.0f, 26.0f },
        { "CumSumOpTestSimpleExclusiveTestInt8", new[] { 2, 4 }, 1, true, false, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 0, 1, 3, 6, 0, 5, 11, 18 }, -18.0f, 18.0f },
        { "CumSumOpTestSimpleReverseExclusiveTestInt8", new[] { 2, 4 }, -1, true, true, new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, new float[] { 9, 7, 4, 0, 21, 15, 8, 0 }, -21.0f, 21.0f },
    };

    [Theory]
    [MemberData(nameof(CumSumCases))]
    public void CumSumMatchesTflm(string name, int[] shape, int axis, bool exclusive, bool reverse, float[] input, float[] expected, float min, float max)
    {
        var m = new SingleOp();
        bool quantized = name.EndsWith("Int8", StringComparison.Ordinal);
        float scale = (max - min) / 255f;
        int zeroPoint = quantized ? (int)(-128 + Math.Round(-min / scale)) : 0;
        int x = quantized
            ? m.Input(TensorType.Int8, shape, ReduceTests.Quantize<sbyte>(input, scale, zeroPoint), SingleOp.Quant(scale, zeroPoint))
            : m.Input(TensorType.Float32, shape, input);
        int a = m.Const(TensorType.Int32, [1], new[] { axis });
        m.Output(quantized ? TensorType.Int8 : TensorType.Float32, shape, quantized ? SingleOp.Quant(scale, zeroPoint) : null);
        MicroInterpreter it = m.Run(BuiltinOperator.Cumsum, [x, a], OperatorOptions.Cumsum(exclusive, reverse));
        float[] actual = quantized ? SingleOp.Read<sbyte>(it).Select(v => scale * (v - zeroPoint)).ToArray() : SingleOp.Read<float>(it);
        float tolerance = quantized ? 2f * (max - min) / 255f : 0f;
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{name}[{i}]: {actual[i]} vs {expected[i]}");
    }

    [Fact]
    public void CumSumAxisOutOfRangeIsAKernelError()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [2, 4], new float[8]);
        int a = m.Const(TensorType.Int32, [1], new[] { 2 });
        m.Output(TensorType.Float32, [2, 4]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.Cumsum, [x, a], OperatorOptions.Cumsum(false, false)));

        var r = new SingleOp();
        int rx = r.Input(TensorType.Float32, [2, 4], new float[8]);
        int ra = r.Input(TensorType.Int32, [1], new[] { -3 });
        r.Output(TensorType.Float32, [2, 4]);
        MicroInterpreter it = r.Prepare(BuiltinOperator.Cumsum, [rx, ra], OperatorOptions.Cumsum(false, false));
        Assert.Throws<KernelException>(() => it.Invoke());
    }
}
