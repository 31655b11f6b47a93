using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Kernels.Shape;

/// <summary>PAD/PADV2, TRANSPOSE, DEPTH_TO_SPACE, SPACE_TO_DEPTH, SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND and SLICE with TFLM's vectors, and malformed parameters.</summary>
public sealed class DataMovementTests
{
    private static int Input(SingleOp m, string type, int[] shape, float[] values) => type switch
    {
        "int8" => m.Input(TensorType.Int8, shape, values.Select(v => (sbyte)v).ToArray()),
        "int16" => m.Input(TensorType.Int16, shape, values.Select(v => (short)v).ToArray()),
        "int32" => m.Input(TensorType.Int32, shape, values.Select(v => (int)v).ToArray()),
        _ => m.Input(TensorType.Float32, shape, values),
    };

    private static int Const(SingleOp m, string type, float value) => type switch
    {
        "int8" => m.Const(TensorType.Int8, [], new[] { (sbyte)value }),
        "int16" => m.Const(TensorType.Int16, [], new[] { (short)value }),
        "int32" => m.Const(TensorType.Int32, [], new[] { (int)value }),
        _ => m.Const(TensorType.Float32, [], new[] { value }),
    };

    private static TensorType TypeOf(string type) => type switch
    {
        "int8" => TensorType.Int8, "int16" => TensorType.Int16, "int32" => TensorType.Int32, _ => TensorType.Float32,
    };

    private static float[] Read(MicroInterpreter it, string type, int output = 0) => type switch
    {
        "int8" => SingleOp.Read<sbyte>(it, output).Select(v => (float)v).ToArray(),
        "int16" => SingleOp.Read<short>(it, output).Select(v => (float)v).ToArray(),
        "int32" => SingleOp.Read<int>(it, output).Select(v => (float)v).ToArray(),
        _ => SingleOp.Read<float>(it, output),
    };

    public static TheoryData<string, string, bool, int[], float[], int[], int[], float[]> PadCases() => new()
    {
        { "Test2DFloat", "float", false, new[] { 1, 2, 2, 1 }, new float[] { 1f, 2f, 3f, 4f }, new[] { 1, 1, 0, 0, 1, 1, 0, 0 }, new[] { 3, 2, 4, 1 }, new float[] { 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f, 2f, 0f, 0f, 3f, 4f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f } },
        { "Test2DFloatV2", "float", true, new[] { 1, 2, 2, 1 }, new float[] { 1f, 2f, 3f, 4f }, new[] { 1, 1, 0, 0, 1, 1, 0, 0 }, new[] { 3, 2, 4, 1 }, new float[] { 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 1f, 2f, 42f, 42f, 3f, 4f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f } },
        { "Test2DInt8", "int8", false, new[] { 1, 2, 2, 1 }, new float[] { 1f, 2f, 3f, 4f }, new[] { 1, 1, 0, 0, 1, 1, 0, 0 }, new[] { 3, 2, 4, 1 }, new float[] { 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f, 2f, 0f, 0f, 3f, 4f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f } },
        { "Test2DInt16", "int16", false, new[] { 1, 2, 2, 1 }, new float[] { 1f, 2f, 3f, 4f }, new[] { 1, 1, 0, 0, 1, 1, 0, 0 }, new[] { 3, 2, 4, 1 }, new float[] { 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f, 2f, 0f, 0f, 3f, 4f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f } },
        { "Test2DInt32", "int32", false, new[] { 1, 2, 2, 1 }, new float[] { 1f, 2f, 3f, 4f }, new[] { 1, 1, 0, 0, 1, 1, 0, 0 }, new[] { 3, 2, 4, 1 }, new float[] { 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f, 2f, 0f, 0f, 3f, 4f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f } },
        { "Test2DInt8V2", "int8", true, new[] { 1, 2, 2, 1 }, new float[] { 1f, 2f, 3f, 4f }, new[] { 1, 1, 0, 0, 1, 1, 0, 0 }, new[] { 3, 2, 4, 1 }, new float[] { 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 1f, 2f, 42f, 42f, 3f, 4f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f } },
        { "Test2DInt16V2", "int16", true, new[] { 1, 2, 2, 1 }, new float[] { 1f, 2f, 3f, 4f }, new[] { 1, 1, 0, 0, 1, 1, 0, 0 }, new[] { 3, 2, 4, 1 }, new float[] { 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 1f, 2f, 42f, 42f, 3f, 4f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f } },
        { "Test2DInt32V2", "int32", true, new[] { 1, 2, 2, 1 }, new float[] { 1f, 2f, 3f, 4f }, new[] { 1, 1, 0, 0, 1, 1, 0, 0 }, new[] { 3, 2, 4, 1 }, new float[] { 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 1f, 2f, 42f, 42f, 3f, 4f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f, 42f } },
    };

    [Theory]
    [MemberData(nameof(PadCases))]
    public void PadMatchesTflm(string name, string type, bool v2, int[] shape, float[] input, int[] pads, int[] outShape, float[] expected)
    {
        var m = new SingleOp();
        int x = Input(m, type, shape, input);
        int p = m.Const(TensorType.Int32, [shape.Length, 2], pads);
        int[] inputs = v2 ? [x, p, Const(m, type, 42)] : [x, p];
        m.Output(TypeOf(type), outShape);
        MicroInterpreter it = m.Run(v2 ? BuiltinOperator.Padv2 : BuiltinOperator.Pad, inputs);
        Assert.Equal(outShape, it.Output(0).ShapeArray);
        Assert.True(expected.SequenceEqual(Read(it, type)), name);
    }

    [Fact]
    public void PadInt8UsesTheOutputZeroPoint()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Int8, [2], new sbyte[] { 1, 2 }, SingleOp.Quant(0.5f, -3));
        int p = m.Const(TensorType.Int32, [1, 2], new[] { 1, 1 });
        m.Output(TensorType.Int8, [4], SingleOp.Quant(0.5f, -3));
        Assert.Equal(new sbyte[] { -3, 1, 2, -3 }, SingleOp.Read<sbyte>(m.Run(BuiltinOperator.Pad, [x, p])));
    }

    [Fact]
    public void PadV2RejectsAConstantWithOtherQuantization()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Int8, [2], new sbyte[2], SingleOp.Quant(0.5f, 0));
        int p = m.Const(TensorType.Int32, [1, 2], new[] { 1, 1 });
        int c = m.Const(TensorType.Int8, [], new sbyte[] { 42 }, SingleOp.Quant(0.25f, 0));
        m.Output(TensorType.Int8, [4], SingleOp.Quant(0.5f, 0));
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.Padv2, [x, p, c]));
    }

    [Fact]
    public void PadRejectsNegativeAndNonConstantPaddings()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [2], new float[2]);
        int p = m.Const(TensorType.Int32, [1, 2], new[] { -1, 0 });
        m.Output(TensorType.Float32, [1]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.Pad, [x, p]));

        var n = new SingleOp();
        int nx = n.Input(TensorType.Float32, [2], new float[2]);
        int np = n.Input(TensorType.Int32, [1, 2], new[] { 1, 0 });
        n.Output(TensorType.Float32, [3]);
        Assert.Throws<KernelException>(() => n.Prepare(BuiltinOperator.Pad, [nx, np]));
    }

    public static TheoryData<string, bool, int[], int[], int[]> TransposeCases() => new()
    {
        { "1D", false, new[] { 3 }, new[] { 0 }, new[] { 0, 1, 2 } },
        { "1DInt16", true, new[] { 3 }, new[] { 0 }, new[] { 0, 1, 2 } },
        { "2DPerm1", false, new[] { 3, 2 }, new[] { 1, 0 }, new[] { 0, 2, 4, 1, 3, 5 } },
        { "2DPerm1Int16", true, new[] { 3, 2 }, new[] { 1, 0 }, new[] { 0, 2, 4, 1, 3, 5 } },
        { "2D4x4KernelLeftOverRightSide", false, new[] { 4, 6 }, new[] { 1, 0 }, new[] { 0, 6, 12, 18, 1, 7, 13, 19, 2, 8, 14, 20, 3, 9, 15, 21, 4, 10, 16, 22, 5, 11, 17, 23 } },
        { "2D4x4KernelLeftOverRightSideInt16", true, new[] { 4, 6 }, new[] { 1, 0 }, new[] { 0, 6, 12, 18, 1, 7, 13, 19, 2, 8, 14, 20, 3, 9, 15, 21, 4, 10, 16, 22, 5, 11, 17, 23 } },
        { "2D4x4KernelLeftOverBottomSide", false, new[] { 6, 4 }, new[] { 1, 0 }, new[] { 0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23 } },
        { "2D4x4KernelLeftOverBottomSideInt16", true, new[] { 6, 4 }, new[] { 1, 0 }, new[] { 0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23 } },
        { "3D", false, new[] { 2, 3, 4 }, new[] { 2, 0, 1 }, new[] { 0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23 } },
        { "3DInt16", true, new[] { 2, 3, 4 }, new[] { 2, 0, 1 }, new[] { 0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23 } },
        { "1DNotShrinked", false, new[] { 1 }, new[] { 0 }, new[] { 0 } },
        { "2DShrinkedOneTime", false, new[] { 2, 1 }, new[] { 1, 0 }, new[] { 0, 1 } },
        { "2DShrinkedTwoTimes", false, new[] { 1, 1 }, new[] { 1, 0 }, new[] { 0 } },
        { "3DShrinkedOneTime", false, new[] { 2, 1, 3 }, new[] { 0, 2, 1 }, new[] { 0, 1, 2, 3, 4, 5 } },
        { "3DShrinkedTwoTimes", false, new[] { 1, 1, 3 }, new[] { 1, 2, 0 }, new[] { 0, 1, 2 } },
        { "3DShrinkedAll", false, new[] { 1, 1, 1 }, new[] { 1, 2, 0 }, new[] { 0 } },
        { "4DShrinkedOneTimes", false, new[] { 2, 2, 3, 1 }, new[] { 3, 0, 1, 2 }, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 } },
        { "4DShrinkedTwoTimes", false, new[] { 2, 1, 3, 1 }, new[] { 0, 3, 1, 2 }, new[] { 0, 1, 2, 3, 4, 5 } },
        { "4DShrinkedThreeTimes", false, new[] { 2, 1, 1, 1 }, new[] { 3, 2, 1, 0 }, new[] { 0, 1 } },
        { "4DShrinkedFourTimes", false, new[] { 1, 1, 1, 1 }, new[] { 2, 3, 1, 0 }, new[] { 0 } },
        { "3DFlatten", false, new[] { 2, 2, 3 }, new[] { 0, 2, 1 }, new[] { 0, 3, 1, 4, 2, 5, 6, 9, 7, 10, 8, 11 } },
        { "4DFlatten", false, new[] { 2, 2, 2, 2 }, new[] { 0, 1, 3, 2 }, new[] { 0, 2, 1, 3, 4, 6, 5, 7, 8, 10, 9, 11, 12, 14, 13, 15 } },
        { "4DFlattenTwo", false, new[] { 2, 2, 2, 2 }, new[] { 0, 2, 3, 1 }, new[] { 0, 4, 1, 5, 2, 6, 3, 7, 8, 12, 9, 13, 10, 14, 11, 15 } },
        { "SimpleTestNoReorder", false, new[] { 1, 2, 3, 1 }, new[] { 0, 1, 2, 3 }, new[] { 0, 1, 2, 3, 4, 5 } },
        { "SimpleTestWithReorder", false, new[] { 1, 2, 3, 1 }, new[] { 2, 1, 3, 0 }, new[] { 0, 3, 1, 4, 2, 5 } },
        { "ComplexTestWithReorder", false, new[] { 2, 3, 4, 5 }, new[] { 2, 0, 1, 3 }, new[] { 0, 1, 2, 3, 4, 20, 21, 22, 23, 24, 40, 41, 42, 43, 44, 60, 61, 62, 63, 64, 80, 81, 82, 83, 84, 100, 101, 102, 103, 104, 5, 6, 7, 8, 9, 25, 26, 27, 28, 29, 45, 46, 47, 48, 49, 65, 66, 67, 68, 69, 85, 86, 87, 88, 89, 105, 106, 107, 108, 109, 10, 11, 12, 13, 14, 30, 31, 32, 33, 34, 50, 51, 52, 53, 54, 70, 71, 72, 73, 74, 90, 91, 92, 93, 94, 110, 111, 112, 113, 114, 15, 16, 17, 18, 19, 35, 36, 37, 38, 39, 55, 56, 57, 58, 59, 75, 76, 77, 78, 79, 95, 96, 97, 98, 99, 115, 116, 117, 118, 119 } },
        { "Complex5DTestWithReorder", false, new[] { 2, 3, 2, 2, 5 }, new[] { 2, 0, 1, 4, 3 }, new[] { 0, 5, 1, 6, 2, 7, 3, 8, 4, 9, 20, 25, 21, 26, 22, 27, 23, 28, 24, 29, 40, 45, 41, 46, 42, 47, 43, 48, 44, 49, 60, 65, 61, 66, 62, 67, 63, 68, 64, 69, 80, 85, 81, 86, 82, 87, 83, 88, 84, 89, 100, 105, 101, 106, 102, 107, 103, 108, 104, 109, 10, 15, 11, 16, 12, 17, 13, 18, 14, 19, 30, 35, 31, 36, 32, 37, 33, 38, 34, 39, 50, 55, 51, 56, 52, 57, 53, 58, 54, 59, 70, 75, 71, 76, 72, 77, 73, 78, 74, 79, 90, 95, 91, 96, 92, 97, 93, 98, 94, 99, 110, 115, 111, 116, 112, 117, 113, 118, 114, 119 } },
    };

    [Theory]
    [MemberData(nameof(TransposeCases))]
    public void TransposeMatchesTflm(string name, bool int16, int[] shape, int[] perm, int[] expected)
    {
        string type = int16 ? "int16" : "float";
        float[] input = Enumerable.Range(0, shape.Aggregate(1, (a, d) => a * d)).Select(i => (float)i).ToArray();
        var m = new SingleOp();
        int x = Input(m, type, shape, input);
        int p = m.Const(TensorType.Int32, [perm.Length], perm);
        m.Output(TypeOf(type), [1]);
        MicroInterpreter it = m.Run(BuiltinOperator.Transpose, [x, p]);
        Assert.Equal(perm.Select(i => shape[i]).ToArray(), it.Output(0).ShapeArray);
        Assert.True(expected.Select(v => (float)v).SequenceEqual(Read(it, type)), name);
    }

    [Theory]
    [InlineData(new[] { 0, 0 })]
    [InlineData(new[] { 0, 2 })]
    [InlineData(new[] { 1 })]
    public void TransposeRejectsAnInvalidPermutation(int[] perm)
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [2, 3], new float[6]);
        int p = m.Const(TensorType.Int32, [perm.Length], perm);
        m.Output(TensorType.Float32, [3, 2]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.Transpose, [x, p]));
    }

    [Fact]
    public void TransposeWithARuntimePermutation()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [2, 3], new float[] { 0, 1, 2, 3, 4, 5 });
        int p = m.Input(TensorType.Int32, [2], new[] { 1, 0 });
        m.Output(TensorType.Float32, [3, 2]);
        Assert.Equal([0f, 3, 1, 4, 2, 5], SingleOp.Read<float>(m.Run(BuiltinOperator.Transpose, [x, p])));

        var bad = new SingleOp();
        int bx = bad.Input(TensorType.Float32, [2, 3], new float[6]);
        int bp = bad.Input(TensorType.Int32, [2], new[] { 0, 1 });
        bad.Output(TensorType.Float32, [3, 2]);
        MicroInterpreter it = bad.Prepare(BuiltinOperator.Transpose, [bx, bp]);
        Assert.Throws<KernelException>(() => it.Invoke());
    }

    public static TheoryData<string, bool, int[], int, float[], int[], float[]> DepthToSpaceCases() => new()
    {
        { "DepthToSpaceOpModelFloat32_1114_2", false, new[] { 1, 1, 1, 4 }, 2, new float[] { 1.4f, 2.3f, 3.2f, 4.1f }, new[] { 1, 2, 2, 1 }, new float[] { 1.4f, 2.3f, 3.2f, 4.1f } },
        { "DepthToSpaceOpModelFloat32_1124_2", false, new[] { 1, 1, 2, 4 }, 2, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }, new[] { 1, 2, 4, 1 }, new float[] { 1f, 2f, 5f, 6f, 3f, 4f, 7f, 8f } },
        { "DepthToSpaceOpModelFloat32_1214_2", false, new[] { 1, 2, 1, 4 }, 2, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }, new[] { 1, 4, 2, 1 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f } },
        { "DepthToSpaceOpModelFloat32_1224_2", false, new[] { 1, 2, 2, 4 }, 2, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f }, new[] { 1, 4, 4, 1 }, new float[] { 1f, 2f, 5f, 6f, 3f, 4f, 7f, 8f, 9f, 10f, 13f, 14f, 11f, 12f, 15f, 16f } },
        { "DepthToSpaceOpModelFloat32_1111_1", false, new[] { 1, 1, 1, 1 }, 1, new float[] { 4f }, new[] { 1, 1, 1, 1 }, new float[] { 4f } },
        { "DepthToSpaceOpModelInt8_1114_2", true, new[] { 1, 1, 1, 4 }, 2, new float[] { 1.4f, 2.3f, 3.2f, 4.1f }, new[] { 1, 2, 2, 1 }, new float[] { 1.4f, 2.3f, 3.2f, 4.1f } },
        { "DepthToSpaceOpModelInt8_1124_2", true, new[] { 1, 1, 2, 4 }, 2, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }, new[] { 1, 2, 4, 1 }, new float[] { 1f, 2f, 5f, 6f, 3f, 4f, 7f, 8f } },
        { "DepthToSpaceOpModelInt8_1214_2", true, new[] { 1, 2, 1, 4 }, 2, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }, new[] { 1, 4, 2, 1 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f } },
        { "DepthToSpaceOpModelInt8_1224_2", true, new[] { 1, 2, 2, 4 }, 2, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f }, new[] { 1, 4, 4, 1 }, new float[] { 1f, 2f, 5f, 6f, 3f, 4f, 7f, 8f, 9f, 10f, 13f, 14f, 11f, 12f, 15f, 16f } },
        { "DepthToSpaceOpModelInt8_1111_1", true, new[] { 1, 1, 1, 1 }, 1, new float[] { 4f }, new[] { 1, 1, 1, 1 }, new float[] { 4f } },
    };

    [Theory]
    [MemberData(nameof(DepthToSpaceCases))]
    public void DepthToSpaceMatchesTflm(string name, bool int8, int[] shape, int block, float[] input, int[] outShape, float[] expected)
    {
        // The int8 cases of TFLM quantize the same values with scale 1; the float data carries over exactly.
        string type = "float";
        _ = int8;
        var m = new SingleOp();
        int x = Input(m, type, shape, input);
        m.Output(TypeOf(type), outShape);
        MicroInterpreter it = m.Run(BuiltinOperator.DepthToSpace, [x], OperatorOptions.DepthToSpace(block));
        Assert.Equal(outShape, it.Output(0).ShapeArray);
        Assert.True(expected.SequenceEqual(Read(it, type)), name);
    }

    [Fact]
    public void SpaceToDepthMatchesTflm()
    {
        float[] input = [1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16];
        float[] expected = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
        var m = new SingleOp();
        int x = m.Input(TensorType.Int8, [1, 4, 4, 1], input.Select(v => (sbyte)v).ToArray());
        m.Output(TensorType.Int8, [1, 2, 2, 4]);
        MicroInterpreter it = m.Run(BuiltinOperator.SpaceToDepth, [x], OperatorOptions.SpaceToDepth(2));
        Assert.Equal(expected, Read(it, "int8"));

        float[] small = [1.4f, 2.3f, 3.2f, 4.1f, 5.4f, 6.3f, 7.2f, 8.1f];
        var f = new SingleOp();
        int fx = f.Input(TensorType.Float32, [1, 2, 2, 2], small);
        f.Output(TensorType.Float32, [1, 1, 1, 8]);
        Assert.Equal(small, SingleOp.Read<float>(f.Run(BuiltinOperator.SpaceToDepth, [fx], OperatorOptions.SpaceToDepth(2))));
    }

    [Theory]
    [InlineData(BuiltinOperator.SpaceToDepth, 0)]
    [InlineData(BuiltinOperator.SpaceToDepth, 3)]
    [InlineData(BuiltinOperator.DepthToSpace, 3)]
    public void BlockSizeMustFitTheInput(BuiltinOperator op, int block)
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [1, 2, 2, 4], new float[16]);
        m.Output(TensorType.Float32, [1]);
        var options = op == BuiltinOperator.SpaceToDepth ? OperatorOptions.SpaceToDepth(block) : OperatorOptions.DepthToSpace(block);
        Assert.Throws<KernelException>(() => m.Prepare(op, [x], options));
    }

    [Theory]
    [InlineData("float")]
    [InlineData("int8")]
    public void SpaceToBatchAndBackMatchTflm(string type)
    {
        float[] input = Enumerable.Range(1, 16).Select(i => (float)i).ToArray();
        float[] toBatch = [1, 3, 9, 11, 2, 4, 10, 12, 5, 7, 13, 15, 6, 8, 14, 16];
        float[] toSpace = [1, 5, 2, 6, 9, 13, 10, 14, 3, 7, 4, 8, 11, 15, 12, 16];

        var s = new SingleOp();
        int sx = Input(s, type, [1, 4, 4, 1], input);
        int sb = s.Const(TensorType.Int32, [2], new[] { 2, 2 });
        int sp = s.Const(TensorType.Int32, [2, 2], new[] { 0, 0, 0, 0 });
        s.Output(TypeOf(type), [4, 2, 2, 1]);
        Assert.Equal(toBatch, Read(s.Run(BuiltinOperator.SpaceToBatchNd, [sx, sb, sp]), type));

        var b = new SingleOp();
        int bx = Input(b, type, [4, 2, 2, 1], input);
        int bb = b.Input(TensorType.Int32, [2], new[] { 2, 2 });
        int bc = b.Input(TensorType.Int32, [2, 2], new[] { 0, 0, 0, 0 });
        b.Output(TypeOf(type), [1, 4, 4, 1]);
        Assert.Equal(toSpace, Read(b.Run(BuiltinOperator.BatchToSpaceNd, [bx, bb, bc]), type));
    }

    [Fact]
    public void BatchToSpaceRejectsANonPositiveBlockAtInvoke()
    {
        var b = new SingleOp();
        int bx = b.Input(TensorType.Float32, [4, 2, 2, 1], new float[16]);
        int bb = b.Input(TensorType.Int32, [2], new[] { 0, 2 });
        int bc = b.Input(TensorType.Int32, [2, 2], new[] { 0, 0, 0, 0 });
        b.Output(TensorType.Float32, [1, 4, 4, 1]);
        MicroInterpreter it = b.Prepare(BuiltinOperator.BatchToSpaceNd, [bx, bb, bc]);
        Assert.Throws<KernelException>(() => it.Invoke());
    }

    public static TheoryData<string, bool, int[], float[], int[], int[], int[], float[]> SliceCases() => new()
    {
        { "In1D", false, new[] { 4 }, new float[] { 1f, 2f, 3f, 4f }, new[] { 1 }, new[] { 2 }, new[] { 2 }, new float[] { 2f, 3f } },
        { "In2D", false, new[] { 2, 3 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new[] { 1, 0 }, new[] { 1, 2 }, new[] { 2 }, new float[] { 4f, 5f } },
        { "In3D", false, new[] { 2, 3, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f }, new[] { 0, 0, 0 }, new[] { 2, 3, 2 }, new[] { 2, 3, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f } },
        { "In5D", false, new[] { 5, 1, 1, 1, 1 }, new float[] { 1f, 2f, 3f, 4f, 5f }, new[] { 1, 0, 0, 0, 0 }, new[] { 3, 1, 1, 1, 1 }, new[] { 3, 1, 1, 1, 1 }, new float[] { 2f, 3f, 4f } },
        { "InputFloat", false, new[] { 4, 1, 1, 1 }, new float[] { 1f, 2f, 3f, 4f }, new[] { 1, 0, 0, 0 }, new[] { 3, 1, 1, 1 }, new[] { 3, 1, 1, 1 }, new float[] { 2f, 3f, 4f } },
        { "IndexInt64", true, new[] { 4, 1, 1, 1 }, new float[] { 1f, 2f, 3f, 4f }, new[] { 1, 0, 0, 0 }, new[] { 3, 1, 1, 1 }, new[] { 3, 1, 1, 1 }, new float[] { 2f, 3f, 4f } },
        { "InputInteger1", false, new[] { 3, 2, 3, 1 }, new float[] { 1f, 1f, 1f, 2f, 2f, 2f, 3f, 3f, 3f, 4f, 4f, 4f, 5f, 5f, 5f, 6f, 6f, 6f }, new[] { 1, 0, 0, 0 }, new[] { 1, 1, 3, 1 }, new[] { 1, 1, 3, 1 }, new float[] { 3f, 3f, 3f } },
        { "InputInteger2", false, new[] { 3, 2, 3, 1 }, new float[] { 1f, 1f, 1f, 2f, 2f, 2f, 3f, 3f, 3f, 4f, 4f, 4f, 5f, 5f, 5f, 6f, 6f, 6f }, new[] { 1, 0, 0, 0 }, new[] { 1, 2, 3, 1 }, new[] { 1, 2, 3, 1 }, new float[] { 3f, 3f, 3f, 4f, 4f, 4f } },
        { "InputInteger3", false, new[] { 3, 2, 3, 1 }, new float[] { 1f, 1f, 1f, 2f, 2f, 2f, 3f, 3f, 3f, 4f, 4f, 4f, 5f, 5f, 5f, 6f, 6f, 6f }, new[] { 1, 0, 0, 0 }, new[] { 2, 1, 3, 1 }, new[] { 2, 1, 3, 1 }, new float[] { 3f, 3f, 3f, 5f, 5f, 5f } },
        { "SizeMinus1", false, new[] { 3, 2, 3, 1 }, new float[] { 1f, 1f, 1f, 2f, 2f, 2f, 3f, 3f, 3f, 4f, 4f, 4f, 5f, 5f, 5f, 6f, 6f, 6f }, new[] { 1, 0, 0, 0 }, new[] { 2, 1, -1, 1 }, new[] { 2, 1, 3, 1 }, new float[] { 3f, 3f, 3f, 5f, 5f, 5f } },
        { "BeginNonZeroSizeMinus1Axis1", false, new[] { 3, 3, 2, 1 }, new float[] { 1f, 1f, 2f, 2f, 3f, 3f, 4f, 4f, 5f, 5f, 6f, 6f, 7f, 7f, 8f, 8f, 9f, 9f }, new[] { 1, 1, 0, 0 }, new[] { 2, -1, 1, 1 }, new[] { 2, 2, 1, 1 }, new float[] { 5f, 6f, 8f, 9f } },
        { "BeginNonZeroSizeMinus1Axis2", false, new[] { 3, 2, 3, 1 }, new float[] { 1f, 1f, 1f, 2f, 2f, 2f, 3f, 3f, 3f, 4f, 4f, 4f, 5f, 5f, 5f, 6f, 6f, 6f }, new[] { 1, 0, 1, 0 }, new[] { 2, 1, -1, 1 }, new[] { 2, 1, 2, 1 }, new float[] { 3f, 3f, 5f, 5f } },
        { "BeginNonZeroSizeMinus1Axis3", false, new[] { 3, 1, 2, 3 }, new float[] { 1f, 1f, 1f, 2f, 2f, 2f, 3f, 3f, 3f, 4f, 4f, 4f, 5f, 5f, 5f, 6f, 6f, 6f }, new[] { 1, 0, 0, 1 }, new[] { 2, 1, 1, -1 }, new[] { 2, 1, 1, 2 }, new float[] { 3f, 3f, 5f, 5f } },
        { "SliceInt8", false, new[] { 3, 2, 3, 1 }, new float[] { 1f, 1f, 1f, 2f, 2f, 2f, 3f, 3f, 3f, 4f, 4f, 4f, 5f, 5f, 5f, 6f, 6f, 6f }, new[] { 1, 0, 0, 0 }, new[] { 2, 1, -1, 1 }, new[] { 2, 1, 3, 1 }, new float[] { 3f, 3f, 3f, 5f, 5f, 5f } },
        { "SliceInt16", false, new[] { 3, 2, 3, 1 }, new float[] { 1f, 1f, 1f, 2f, 2f, 2f, 3f, 3f, 3f, 4f, 4f, 4f, 5f, 5f, 5f, 6f, 6f, 6f }, new[] { 1, 0, 0, 0 }, new[] { 2, 1, -1, 1 }, new[] { 2, 1, 3, 1 }, new float[] { 3f, 3f, 3f, 5f, 5f, 5f } },
        { "SliceBool", false, new[] { 3, 2, 3, 1 }, new float[] { 0f, 0f, 0f, 0f, 0f, 0f, 1f, 0f, 1f, 0f, 0f, 0f, 0f, 0f, 1f, 0f, 0f, 0f }, new[] { 1, 0, 0, 0 }, new[] { 2, 1, -1, 1 }, new[] { 2, 1, 3, 1 }, new float[] { 1f, 0f, 1f, 0f, 0f, 1f } },
    };

    [Theory]
    [MemberData(nameof(SliceCases))]
    public void SliceMatchesTflm(string name, bool int64, int[] shape, float[] input, int[] begin, int[] size, int[] outShape, float[] expected)
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, shape, input);
        int b = int64 ? m.Const(TensorType.Int64, [begin.Length], begin.Select(v => (long)v).ToArray()) : m.Const(TensorType.Int32, [begin.Length], begin);
        int s = int64 ? m.Const(TensorType.Int64, [size.Length], size.Select(v => (long)v).ToArray()) : m.Const(TensorType.Int32, [size.Length], size);
        m.Output(TensorType.Float32, outShape);
        MicroInterpreter it = m.Run(BuiltinOperator.Slice, [x, b, s]);
        Assert.Equal(expected.Length, it.Output(0).ElementCount);
        Assert.True(expected.SequenceEqual(SingleOp.Read<float>(it)), name);
    }

    [Fact]
    public void SliceOutOfRangeFailsAtAllocationOrInvoke()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [4], new float[4]);
        int b = m.Const(TensorType.Int32, [1], new[] { 3 });
        int s = m.Const(TensorType.Int32, [1], new[] { 2 });
        m.Output(TensorType.Float32, [2]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.Slice, [x, b, s]));

        var r = new SingleOp();
        int rx = r.Input(TensorType.Float32, [4], new float[4]);
        int rb = r.Input(TensorType.Int32, [1], new[] { 3 });
        int rs = r.Input(TensorType.Int32, [1], new[] { 2 });
        r.Output(TensorType.Float32, [2]);
        MicroInterpreter it = r.Prepare(BuiltinOperator.Slice, [rx, rb, rs]);
        Assert.Throws<KernelException>(() => it.Invoke());
    }
}
