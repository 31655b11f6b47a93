using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Kernels.Shape;

/// <summary>GATHER, GATHER_ND, ARG_MAX/ARG_MIN, DYNAMIC_UPDATE_SLICE, BROADCAST_ARGS, EMBEDDING_LOOKUP with TFLM's kernel-test vectors.</summary>
public sealed class IndexingTests
{
    private static int Input(SingleOp m, bool int8, int[] shape, float[] values)
        => int8 ? m.Input(TensorType.Int8, shape, values.Select(v => (sbyte)v).ToArray()) : m.Input(TensorType.Float32, shape, values);

    private static float[] Read(MicroInterpreter it, bool int8)
        => int8 ? SingleOp.Read<sbyte>(it).Select(v => (float)v).ToArray() : SingleOp.Read<float>(it);

    public static TheoryData<string, string, int[], int[], int[], float[], float[], int[], int, int> GatherCases() => new()
    {
        { "GatherOp_Shuffle", "float", new[] { 2, 2 }, new[] { 2 }, new[] { 1, 0 }, new float[] { -2.0f, 0.2f, 0.7f, 0.8f }, new float[] { 0.7f, 0.8f, -2f, 0.2f }, new[] { 2, 2 }, 0, 0 },
        { "GatherOp_Test0DIndex", "float", new[] { 2, 2 }, new int[0], new[] { 1 }, new float[] { -2.0f, 0.2f, 0.7f, 0.8f }, new float[] { 0.7f, 0.8f }, new[] { 2 }, 0, 0 },
        { "GatherOp_Test0DIndexWith0DResult", "float", new[] { 3 }, new int[0], new[] { 1 }, new float[] { 1.0f, 2.0f, 3.0f }, new float[] { 2.0f }, new[] { 0 }, 0, 0 },
        { "GatherOp_Test1DInput1DIndex", "float", new[] { 3 }, new[] { 1 }, new[] { 1 }, new float[] { 1.0f, 3.0f, 5.0f }, new float[] { 3.0f }, new[] { 1 }, 0, 0 },
        { "GatherOp_Test2DIndexWith2DResult", "float", new[] { 3 }, new[] { 1, 2 }, new[] { 1, 0 }, new float[] { 1.0f, 2.0f, 3.0f }, new float[] { 2.0f, 1.0f }, new[] { 1, 2 }, 0, 0 },
        { "GatherOp_Duplicate", "float", new[] { 1, 2, 2 }, new[] { 2 }, new[] { 0, 0 }, new float[] { -2.0f, 0.2f, 0.7f, 0.8f }, new float[] { -2f, 0.2f, 0.7f, 0.8f, -2f, 0.2f, 0.7f, 0.8f }, new[] { 2, 2, 2 }, 0, 0 },
        { "GatherOp_Slice", "float", new[] { 4, 1 }, new[] { 2 }, new[] { 1, 3 }, new float[] { -2.0f, 0.2f, 0.7f, 0.8f }, new float[] { 0.2f, 0.8f }, new[] { 2, 1 }, 0, 0 },
        { "GatherOp_Axis1", "float", new[] { 1, 2, 3 }, new[] { 2 }, new[] { 1, 0 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 4f, 5f, 6f, 1f, 2f, 3f }, new[] { 1, 2, 3 }, 1, 0 },
        { "GatherOp_Axis1_0DIndex", "float", new[] { 1, 3, 2 }, new int[0], new[] { 1 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 3f, 4f }, new[] { 1, 2 }, 1, 0 },
        { "GatherOp_Axis1Slice", "float", new[] { 1, 4, 2 }, new[] { 2 }, new[] { 3, 1 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f }, new float[] { 7f, 8f, 3f, 4f }, new[] { 1, 2, 2 }, 1, 0 },
        { "GatherOp_LastAxis", "float", new[] { 1, 2, 3 }, new[] { 2 }, new[] { 2, 0 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 3f, 1f, 6f, 4f }, new[] { 1, 2, 2 }, -1, 0 },
        { "GatherOp_LastAxis0DIndex", "float", new[] { 1, 2, 3 }, new int[0], new[] { 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f }, new float[] { 3f, 6f }, new[] { 1, 2 }, -1, 0 },
        { "GatherOp_Float32Int32", "float", new[] { 2, 2 }, new[] { 2 }, new[] { 1, 0 }, new float[] { 13.3f, -13.4f, -1.4f, 1.5f }, new float[] { -1.4f, 1.5f, 13.3f, -13.4f }, new[] { 2, 2 }, 0, 0 },
        { "GatherOp_Int8Int32", "int8", new[] { 2, 2 }, new[] { 2 }, new[] { 1, 0 }, new float[] { -13f, -120f, 14f, 15f }, new float[] { 14f, 15f, -13f, -120f }, new[] { 2, 2 }, 0, 0 },
        { "GatherOp_BatchDims2", "float", new[] { 2, 2, 3, 5 }, new[] { 2, 2, 2 }, new[] { 1, 0, 0, 1, 1, 0, 0, 1 }, new float[] { 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f, 18f, 19f, 20f, 21f, 22f, 23f, 24f, 25f, 26f, 27f, 28f, 29f, 30f, 31f, 32f, 33f, 34f, 35f, 36f, 37f, 38f, 39f, 40f, 41f, 42f, 43f, 44f, 45f, 46f, 47f, 48f, 49f, 50f, 51f, 52f, 53f, 54f, 55f, 56f, 57f, 58f, 59f }, new float[] { 5f, 6f, 7f, 8f, 9f, 0f, 1f, 2f, 3f, 4f, 15f, 16f, 17f, 18f, 19f, 20f, 21f, 22f, 23f, 24f, 35f, 36f, 37f, 38f, 39f, 30f, 31f, 32f, 33f, 34f, 45f, 46f, 47f, 48f, 49f, 50f, 51f, 52f, 53f, 54f }, new[] { 2, 2, 2, 5 }, 2, 2 },
        { "GatherOp_BatchDims1", "int8", new[] { 2, 2, 3, 5 }, new[] { 2, 2, 2 }, new[] { 1, 0, 0, 1, 1, 0, 0, 1 }, new float[] { 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f, 18f, 19f, 20f, 21f, 22f, 23f, 24f, 25f, 26f, 27f, 28f, 29f, 30f, 31f, 32f, 33f, 34f, 35f, 36f, 37f, 38f, 39f, 40f, 41f, 42f, 43f, 44f, 45f, 46f, 47f, 48f, 49f, 50f, 51f, 52f, 53f, 54f, 55f, 56f, 57f, 58f, 59f }, new float[] { 5f, 6f, 7f, 8f, 9f, 0f, 1f, 2f, 3f, 4f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 20f, 21f, 22f, 23f, 24f, 15f, 16f, 17f, 18f, 19f, 15f, 16f, 17f, 18f, 19f, 20f, 21f, 22f, 23f, 24f, 35f, 36f, 37f, 38f, 39f, 30f, 31f, 32f, 33f, 34f, 30f, 31f, 32f, 33f, 34f, 35f, 36f, 37f, 38f, 39f, 50f, 51f, 52f, 53f, 54f, 45f, 46f, 47f, 48f, 49f, 45f, 46f, 47f, 48f, 49f, 50f, 51f, 52f, 53f, 54f }, new[] { 2, 2, 2, 2, 5 }, 2, 1 },
        { "GatherOp_NegativeBatchDims", "int8", new[] { 2, 2, 3, 5 }, new[] { 2, 2, 2 }, new[] { 1, 0, 0, 1, 1, 0, 0, 1 }, new float[] { 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f, 18f, 19f, 20f, 21f, 22f, 23f, 24f, 25f, 26f, 27f, 28f, 29f, 30f, 31f, 32f, 33f, 34f, 35f, 36f, 37f, 38f, 39f, 40f, 41f, 42f, 43f, 44f, 45f, 46f, 47f, 48f, 49f, 50f, 51f, 52f, 53f, 54f, 55f, 56f, 57f, 58f, 59f }, new float[] { 5f, 6f, 7f, 8f, 9f, 0f, 1f, 2f, 3f, 4f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 20f, 21f, 22f, 23f, 24f, 15f, 16f, 17f, 18f, 19f, 15f, 16f, 17f, 18f, 19f, 20f, 21f, 22f, 23f, 24f, 35f, 36f, 37f, 38f, 39f, 30f, 31f, 32f, 33f, 34f, 30f, 31f, 32f, 33f, 34f, 35f, 36f, 37f, 38f, 39f, 50f, 51f, 52f, 53f, 54f, 45f, 46f, 47f, 48f, 49f, 45f, 46f, 47f, 48f, 49f, 50f, 51f, 52f, 53f, 54f }, new[] { 2, 2, 2, 2, 5 }, 2, -2 },
        { "GatherOp_BatchDimsEqualIndexDims", "int8", new[] { 2, 2, 2, 5 }, new[] { 2, 2, 2 }, new[] { 1, 0, 0, 1, 1, 0, 0, 1 }, new float[] { 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f, 16f, 17f, 18f, 19f, 20f, 21f, 22f, 23f, 24f, 25f, 26f, 27f, 28f, 29f, 30f, 31f, 32f, 33f, 34f, 35f, 36f, 37f, 38f, 39f }, new float[] { 1f, 5f, 10f, 16f, 21f, 25f, 30f, 36f }, new[] { 2, 2, 2 }, 3, 3 },
    };

    [Theory]
    [MemberData(nameof(GatherCases))]
    public void GatherMatchesTflm(string name, string type, int[] shape, int[] indexShape, int[] indices, float[] input, float[] expected,
        int[] expectedShape, int axis, int batchDims)
    {
        _ = expectedShape;
        bool int8 = type == "int8";
        var m = new SingleOp();
        int x = Input(m, int8, shape, input);
        int i = m.Input(TensorType.Int32, indexShape, indices);
        m.Output(int8 ? TensorType.Int8 : TensorType.Float32, [1]);
        MicroInterpreter it = m.Run(BuiltinOperator.Gather, [x, i], OperatorOptions.Gather(axis, batchDims));
        Assert.True(expected.SequenceEqual(Read(it, int8)), name);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-1)]
    public void GatherIndexOutOfRangeFailsAtInvoke(int index)
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [2, 2], new float[4]);
        int i = m.Input(TensorType.Int32, [1], new[] { index });
        m.Output(TensorType.Float32, [1, 2]);
        MicroInterpreter it = m.Prepare(BuiltinOperator.Gather, [x, i], OperatorOptions.Gather(0));
        Assert.Throws<KernelException>(() => it.Invoke());
    }

    [Fact]
    public void GatherRejectsBadAxisAndTypes()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [2, 2], new float[4]);
        int i = m.Input(TensorType.Int32, [1], new[] { 0 });
        m.Output(TensorType.Float32, [1, 2]);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.Gather, [x, i], OperatorOptions.Gather(2)));

        var t = new SingleOp();
        int tx = t.Input(TensorType.Int16, [2, 2], new short[4]);
        int ti = t.Input(TensorType.Int32, [1], new[] { 0 });
        t.Output(TensorType.Int16, [1, 2]);
        Assert.Throws<KernelException>(() => t.Prepare(BuiltinOperator.Gather, [tx, ti], OperatorOptions.Gather(0)));
    }

    public static TheoryData<string, string, int[], int[], int[], float[], float[], bool> GatherNdCases() => new()
    {
        { "GatherNd_ElementIndexingIntoMatrix", "float", new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 1, 1 }, new float[] { 1.1f, 1.2f, 2.1f, 2.2f }, new float[] { 1.1f, 2.2f }, false },
        { "GatherNd_SliceIndexingIntoMatrix", "float", new[] { 2, 2 }, new[] { 2, 1 }, new[] { 1, 0 }, new float[] { 1.1f, 1.2f, 2.1f, 2.2f }, new float[] { 2.1f, 2.2f, 1.1f, 1.2f }, false },
        { "GatherNd_BatchedIndexingIntoMatrix1", "float", new[] { 2, 2 }, new[] { 2, 1, 1 }, new[] { 1, 0 }, new float[] { 1.1f, 1.2f, 2.1f, 2.2f }, new float[] { 2.1f, 2.2f, 1.1f, 1.2f }, false },
        { "GatherNd_BatchedIndexingIntoMatrix2", "float", new[] { 2, 2 }, new[] { 2, 1, 2 }, new[] { 0, 0, 1, 1 }, new float[] { 1.1f, 1.2f, 2.1f, 2.2f }, new float[] { 1.1f, 2.2f }, false },
        { "GatherNd_DuplicateIndexingIntoMatrix", "float", new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 0, 0, 0 }, new float[] { 1.1f, 1.2f, 2.1f, 2.2f }, new float[] { 1.1f, 1.1f }, false },
        { "GatherNd_ElementIndexingIntoRank3Tensor", "float", new[] { 3, 2, 3 }, new[] { 1, 2, 3 }, new[] { 0, 0, 1, 1, 1, 0 }, new float[] { 1.1f, -1.2f, 1.3f, -2.1f, 2.2f, 2.3f, 3.1f, 3.2f, -3.3f, -4.1f, -4.2f, 4.3f, 5.1f, -5.2f, 5.3f, 6.1f, -6.2f, 6.3f }, new float[] { -1.2f, -4.1f }, false },
        { "GatherNd_SliceIndexingIntoRank3Tensor", "float", new[] { 3, 2, 3 }, new[] { 2, 1 }, new[] { 0, 2 }, new float[] { 1.1f, -1.2f, 1.3f, -2.1f, 2.2f, 2.3f, 3.1f, 3.2f, -3.3f, -4.1f, -4.2f, 4.3f, 5.1f, -5.2f, 5.3f, 6.1f, -6.2f, 6.3f }, new float[] { 1.1f, -1.2f, 1.3f, -2.1f, 2.2f, 2.3f, 5.1f, -5.2f, 5.3f, 6.1f, -6.2f, 6.3f }, false },
        { "GatherNd_BatchedIndexingIntoRank3Tensor1", "float", new[] { 3, 2, 3 }, new[] { 2, 1, 3 }, new[] { 0, 0, 1, 1, 1, 0 }, new float[] { 1.1f, -1.2f, 1.3f, -2.1f, 2.2f, 2.3f, 3.1f, 3.2f, -3.3f, -4.1f, -4.2f, 4.3f, 5.1f, -5.2f, 5.3f, 6.1f, -6.2f, 6.3f }, new float[] { -1.2f, -4.1f }, false },
        { "GatherNd_BatchedIndexingIntoRank3Tensor2", "float", new[] { 3, 2, 3 }, new[] { 3, 1, 1 }, new[] { 1, 2, 0 }, new float[] { 1.1f, -1.2f, 1.3f, -2.1f, 2.2f, 2.3f, 3.1f, 3.2f, -3.3f, -4.1f, -4.2f, 4.3f, 5.1f, -5.2f, 5.3f, 6.1f, -6.2f, 6.3f }, new float[] { 3.1f, 3.2f, -3.3f, -4.1f, -4.2f, 4.3f, 5.1f, -5.2f, 5.3f, 6.1f, -6.2f, 6.3f, 1.1f, -1.2f, 1.3f, -2.1f, 2.2f, 2.3f }, false },
        { "GatherNd_BatchedIndexingIntoRank3Tensor3", "float", new[] { 3, 2, 3 }, new[] { 2, 2, 2 }, new[] { 0, 1, 1, 0, 0, 0, 2, 1 }, new float[] { 1.1f, -1.2f, 1.3f, -2.1f, 2.2f, 2.3f, 3.1f, 3.2f, -3.3f, -4.1f, -4.2f, 4.3f, 5.1f, -5.2f, 5.3f, 6.1f, -6.2f, 6.3f }, new float[] { -2.1f, 2.2f, 2.3f, 3.1f, 3.2f, -3.3f, 1.1f, -1.2f, 1.3f, 6.1f, -6.2f, 6.3f }, false },
        { "GatherNd_BatchedIndexingIntoRank3Tensor4", "float", new[] { 3, 2, 3 }, new[] { 2, 2, 3 }, new[] { 0, 0, 1, 1, 0, 1, 1, 1, 2, 2, 1, 2 }, new float[] { 1.1f, -1.2f, 1.3f, -2.1f, 2.2f, 2.3f, 3.1f, 3.2f, -3.3f, -4.1f, -4.2f, 4.3f, 5.1f, -5.2f, 5.3f, 6.1f, -6.2f, 6.3f }, new float[] { -1.2f, 3.2f, 4.3f, 6.3f }, false },
        { "GatherNd_DuplicateIndexingIntoRank3Tensor", "float", new[] { 3, 2, 3 }, new[] { 2, 2 }, new[] { 0, 1, 0, 1 }, new float[] { 1.1f, -1.2f, 1.3f, -2.1f, 2.2f, 2.3f, 3.1f, 3.2f, -3.3f, -4.1f, -4.2f, 4.3f, 5.1f, -5.2f, 5.3f, 6.1f, -6.2f, 6.3f }, new float[] { -2.1f, 2.2f, 2.3f, -2.1f, 2.2f, 2.3f }, false },
        { "GatherNd_Float32Int32", "float", new[] { 3, 2, 3 }, new[] { 2, 2 }, new[] { 0, 1, 1, 0 }, new float[] { 1.1f, -1.2f, 1.3f, -2.1f, 2.2f, 2.3f, 3.1f, 3.2f, -3.3f, -4.1f, -4.2f, 4.3f, 5.1f, -5.2f, 5.3f, 6.1f, -6.2f, 6.3f }, new float[] { -2.1f, 2.2f, 2.3f, 3.1f, 3.2f, -3.3f }, false },
        { "GatherNd_Int8Int32", "int8", new[] { 3, 2, 3 }, new[] { 2, 2 }, new[] { 0, 1, 1, 0 }, new float[] { 1f, -1f, 1f, -2f, 2f, 2f, 3f, 3f, -3f, -4f, -4f, 4f, 5f, -5f, 5f, 6f, -6f, 6f }, new float[] { -2f, 2f, 2f, 3f, 3f, -3f }, false },
        { "GatherNd_ReadOOB", "int8", new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, 1, 2, 0 }, new float[] { 1f, -1f, 1f, -2f }, new float[0], true },
        { "GatherNd_ReadOOBNegative", "int8", new[] { 2, 2 }, new[] { 2, 2 }, new[] { 0, -1, 1, 0 }, new float[] { 1f, -1f, 1f, -2f }, new float[0], true },
    };

    [Theory]
    [MemberData(nameof(GatherNdCases))]
    public void GatherNdMatchesTflm(string name, string type, int[] shape, int[] indexShape, int[] indices, float[] input, float[] expected, bool outOfBounds)
    {
        bool int8 = type == "int8";
        var m = new SingleOp();
        int x = Input(m, int8, shape, input);
        int i = m.Input(TensorType.Int32, indexShape, indices);
        m.Output(int8 ? TensorType.Int8 : TensorType.Float32, [1]);
        MicroInterpreter it = m.Prepare(BuiltinOperator.GatherNd, [x, i]);
        if (outOfBounds)
        {
            Assert.Throws<KernelException>(() => it.Invoke());
            return;
        }
        it.Invoke();
        Assert.True(expected.SequenceEqual(Read(it, int8)), name);
    }

    public static TheoryData<string, bool, bool, int[], float[], int, int[]> ArgCases() => new()
    {
        { "GetMaxArgFloat", true, false, new[] { 1, 1, 1, 4 }, new float[] { 0.1f, 0.9f, 0.7f, 0.3f }, 3, new[] { 1 } },
        { "GetMinArgFloat", false, false, new[] { 1, 1, 1, 4 }, new float[] { 0.1f, 0.9f, 0.7f, 0.3f }, 3, new[] { 0 } },
        { "GetMaxArgInt8", true, true, new[] { 1, 1, 1, 4 }, new float[] { 1f, 9f, 7f, 3f }, 3, new[] { 1 } },
        { "GetMinArgInt8", false, true, new[] { 1, 1, 1, 4 }, new float[] { 1f, 9f, 7f, 3f }, 3, new[] { 0 } },
        { "GetMaxArgMulDimensions", true, false, new[] { 1, 1, 2, 4 }, new float[] { 1f, 2f, 7f, 8f, 1f, 9f, 7f, 3f }, 3, new[] { 3, 1 } },
        { "GetMinArgMulDimensions", false, false, new[] { 1, 1, 2, 4 }, new float[] { 1f, 2f, 7f, 8f, 1f, 9f, 7f, 3f }, 3, new[] { 0, 0 } },
        { "GetMaxArgNegativeAxis", true, false, new[] { 1, 1, 2, 4 }, new float[] { 1f, 2f, 7f, 8f, 1f, 9f, 7f, 3f }, -2, new[] { 0, 1, 0, 0 } },
    };

    [Theory]
    [MemberData(nameof(ArgCases))]
    public void ArgMinMaxMatchesTflm(string name, bool max, bool int8, int[] shape, float[] input, int axis, int[] expected)
    {
        var m = new SingleOp();
        int x = Input(m, int8, shape, input);
        int a = m.Const(TensorType.Int32, [1], new[] { axis });
        m.Output(TensorType.Int32, [1]);
        MicroInterpreter it = m.Run(max ? BuiltinOperator.ArgMax : BuiltinOperator.ArgMin, [x, a]);
        Assert.True(expected.SequenceEqual(SingleOp.Read<int>(it)), name);
    }

    [Fact]
    public void ArgMaxRejectsInt64OutputAndBadAxis()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Float32, [4], new float[4]);
        int a = m.Const(TensorType.Int32, [1], new[] { 0 });
        m.Output(TensorType.Int64, []);
        Assert.Throws<KernelException>(() => m.Prepare(BuiltinOperator.ArgMax, [x, a]));

        var b = new SingleOp();
        int bx = b.Input(TensorType.Float32, [4], new float[4]);
        int ba = b.Input(TensorType.Int32, [1], new[] { 1 });
        b.Output(TensorType.Int32, []);
        MicroInterpreter it = b.Prepare(BuiltinOperator.ArgMin, [bx, ba]);
        Assert.Throws<KernelException>(() => it.Invoke());
    }

    public static TheoryData<string, int[], int[], float[], float[], int[], float[]> UpdateSliceCases() => new()
    {
        { "DynamicUpdateSliceOpTestSimpleFloat", new[] { 3, 3 }, new[] { 2, 1 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f }, new float[] { -1f, -2f }, new[] { 1, 1 }, new float[] { 1f, 2f, 3f, 4f, -1f, 6f, 7f, -2f, 9f } },
        { "DynamicUpdateSliceOpTestSimpleInt8", new[] { 3, 3 }, new[] { 2, 1 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f }, new float[] { -1f, -2f }, new[] { 1, 1 }, new float[] { 1f, 2f, 3f, 4f, -1f, 6f, 7f, -2f, 9f } },
        { "DynamicUpdateSliceOpTestSimpleInt16", new[] { 3, 3 }, new[] { 2, 1 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f }, new float[] { -1f, -2f }, new[] { 1, 1 }, new float[] { 1f, 2f, 3f, 4f, -1f, 6f, 7f, -2f, 9f } },
        { "DynamicUpdateSliceOpTestSimpleInt32", new[] { 3, 3 }, new[] { 2, 1 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f }, new float[] { -1f, -2f }, new[] { 1, 1 }, new float[] { 1f, 2f, 3f, 4f, -1f, 6f, 7f, -2f, 9f } },
        { "DynamicUpdateSliceOpTestSimpleInt8IndicesI64", new[] { 3, 3 }, new[] { 2, 1 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f }, new float[] { -1f, -2f }, new[] { 1, 1 }, new float[] { 1f, 2f, 3f, 4f, -1f, 6f, 7f, -2f, 9f } },
        { "DynamicUpdateSliceOpTestBoundaryTest", new[] { 3, 3 }, new[] { 2, 2 }, new float[] { 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f }, new float[] { -1f, -2f, -3f, -4f }, new[] { 2, 2 }, new float[] { 1f, 2f, 3f, 4f, -1f, -2f, 7f, -3f, -4f } },
    };

    [Theory]
    [MemberData(nameof(UpdateSliceCases))]
    public void DynamicUpdateSliceMatchesTflm(string name, int[] shape, int[] updateShape, float[] operand, float[] update, int[] start, float[] expected)
    {
        foreach (TensorType indexType in new[] { TensorType.Int32, TensorType.Int64 })
        {
            var m = new SingleOp();
            int x = m.Input(TensorType.Float32, shape, operand);
            int u = m.Input(TensorType.Float32, updateShape, update);
            int s = indexType == TensorType.Int32
                ? m.Input(TensorType.Int32, [start.Length], start)
                : m.Input(TensorType.Int64, [start.Length], start.Select(v => (long)v).ToArray());
            m.Output(TensorType.Float32, shape);
            MicroInterpreter it = m.Run(BuiltinOperator.DynamicUpdateSlice, [x, u, s]);
            Assert.True(expected.SequenceEqual(SingleOp.Read<float>(it)), name);
        }
    }

    public static TheoryData<string, int[], int[], int[]> BroadcastArgsCases() => new()
    {
        { "BroadcastArgsWithScalar", new int[0], new[] { 2, 4 }, new[] { 2, 4 } },
        { "BroadcastArgsDifferentDims", new[] { 1 }, new[] { 2, 4 }, new[] { 2, 4 } },
        { "BroadcastArgsSameDims", new[] { 1, 4, 6, 3, 1, 5 }, new[] { 4, 4, 1, 3, 4, 1 }, new[] { 4, 4, 6, 3, 4, 5 } },
        { "BroadcastArgsComplex", new[] { 6, 3, 1, 5 }, new[] { 4, 4, 1, 3, 4, 1 }, new[] { 4, 4, 6, 3, 4, 5 } },
    };

    [Theory]
    [MemberData(nameof(BroadcastArgsCases))]
    public void BroadcastArgsMatchesTflm(string name, int[] a, int[] b, int[] expected)
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Int32, [a.Length], a);
        int y = m.Input(TensorType.Int32, [b.Length], b);
        m.Output(TensorType.Int32, [expected.Length]);
        MicroInterpreter it = m.Run(BuiltinOperator.BroadcastArgs, [x, y]);
        Assert.True(expected.SequenceEqual(SingleOp.Read<int>(it)), name);
    }

    [Fact]
    public void BroadcastArgsIncompatibleShapesFailAtInvoke()
    {
        var m = new SingleOp();
        int x = m.Input(TensorType.Int32, [2], new[] { 2, 3 });
        int y = m.Input(TensorType.Int32, [2], new[] { 2, 4 });
        m.Output(TensorType.Int32, [2]);
        MicroInterpreter it = m.Prepare(BuiltinOperator.BroadcastArgs, [x, y]);
        Assert.Throws<KernelException>(() => it.Invoke());
    }

    [Fact]
    public void EmbeddingLookupMatchesTflm()
    {
        float[] table = [0.00f, 0.01f, 0.02f, 0.03f, 0.10f, 0.11f, 0.12f, 0.13f, 1.00f, 1.01f, 1.02f, 1.03f, 1.10f, 1.11f, 1.12f, 1.13f,
            2.00f, 2.01f, 2.02f, 2.03f, 2.10f, 2.11f, 2.12f, 2.13f];
        float[] expected = [1.00f, 1.01f, 1.02f, 1.03f, 1.10f, 1.11f, 1.12f, 1.13f, 0.00f, 0.01f, 0.02f, 0.03f, 0.10f, 0.11f, 0.12f, 0.13f,
            2.00f, 2.01f, 2.02f, 2.03f, 2.10f, 2.11f, 2.12f, 2.13f];
        var m = new SingleOp();
        int ids = m.Input(TensorType.Int32, [3], new[] { 1, 0, 2 });
        int t = m.Input(TensorType.Float32, [3, 2, 4], table);
        m.Output(TensorType.Float32, [3, 2, 4]);
        Assert.Equal(expected, SingleOp.Read<float>(m.Run(BuiltinOperator.EmbeddingLookup, [ids, t])));

        sbyte[] table8 = [0, 1, 2, 3, 10, 11, 12, 13, 100, 101, 102, 103, 110, 111, 112, 113, -56, -55, -54, -53, -46, -45, -44, -43];
        sbyte[] expected8 = [100, 101, 102, 103, 110, 111, 112, 113, 0, 1, 2, 3, 10, 11, 12, 13, -56, -55, -54, -53, -46, -45, -44, -43];
        var q = new SingleOp();
        int qids = q.Input(TensorType.Int32, [3], new[] { 1, 0, 2 });
        int qt = q.Input(TensorType.Int8, [3, 2, 4], table8);
        q.Output(TensorType.Int8, [3, 2, 4]);
        Assert.Equal(expected8, SingleOp.Read<sbyte>(q.Run(BuiltinOperator.EmbeddingLookup, [qids, qt])));
    }

    [Fact]
    public void EmbeddingLookupIdOutOfRangeFailsAtInvoke()
    {
        var m = new SingleOp();
        int ids = m.Input(TensorType.Int32, [1], new[] { 3 });
        int t = m.Input(TensorType.Float32, [3, 2], new float[6]);
        m.Output(TensorType.Float32, [1, 2]);
        MicroInterpreter it = m.Prepare(BuiltinOperator.EmbeddingLookup, [ids, t]);
        Assert.Throws<KernelException>(() => it.Invoke());
    }
}
