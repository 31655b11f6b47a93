using System.Buffers.Binary;
using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Memory;

/// <summary>How the interpreter lays tensors into the arena, on small models made with the project's writer.</summary>
public sealed class ArenaPlanTests
{
    /// <summary>x -> FC -> h -> FC -> y, float32, all 1x8 with 8x8 identity-like weights.</summary>
    private static byte[] TwoLayerModel(int[]? offlineOffsets = null)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph("main");
        int x = graph.AddTensor("x", TensorType.Float32, [1, 8]);
        float[] identity = new float[64];
        for (int i = 0; i < 8; i++) identity[i * 9] = 1f;
        int w1 = graph.AddConstant<float>("w1", TensorType.Float32, [8, 8], identity);
        int w2 = graph.AddConstant<float>("w2", TensorType.Float32, [8, 8], identity);
        int h = graph.AddTensor("h", TensorType.Float32, [1, 8]);
        int y = graph.AddTensor("y", TensorType.Float32, [1, 8]);
        graph.AddOperator(BuiltinOperator.FullyConnected, [x, w1, -1], [h], OperatorOptions.FullyConnected());
        graph.AddOperator(BuiltinOperator.FullyConnected, [h, w2, -1], [y], OperatorOptions.FullyConnected());
        graph.SetInputs(x);
        graph.SetOutputs(y);
        if (offlineOffsets is not null)
        {
            var data = new byte[12 + 4 * offlineOffsets.Length];
            BinaryPrimitives.WriteInt32LittleEndian(data, 1);
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), 1);
            BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(8), offlineOffsets.Length);
            for (int i = 0; i < offlineOffsets.Length; i++)
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(12 + 4 * i), offlineOffsets[i]);
            builder.AddMetadata("OfflineMemoryAllocation", data);
        }
        return builder.Build();
    }

    [Fact]
    public void ChainReusesTheInputBufferForTheOutput()
    {
        using var interpreter = new MicroInterpreter(Model.Load(TwoLayerModel()), OpResolver.WithAllBuiltins(), new byte[1024]);
        interpreter.AllocateTensors();
        // x lives in step 0, h in steps 0-1, y in step 1: x and y can share; two 32-byte buffers suffice.
        Assert.Equal(64, interpreter.ArenaUsage.PlannedBytes);
        Assert.Equal(interpreter.GetTensor(0).ArenaOffset, interpreter.GetTensor(4).ArenaOffset);
        interpreter.Input(0).AsSpan<float>().Fill(3f);
        interpreter.Invoke();
        Assert.All(interpreter.Output(0).AsReadOnlySpan<float>().ToArray(), v => Assert.Equal(3f, v));
    }

    [Fact]
    public void OfflinePlanOffsetsAreHonoured()
    {
        // Tensors: x, w1, w2, h, y. Put x at 64, h at 0, leave y to the online planner.
        byte[] bytes = TwoLayerModel([64, -1, -1, 0, -1]);
        using var interpreter = new MicroInterpreter(Model.Load(bytes), OpResolver.WithAllBuiltins(), new byte[1024]);
        interpreter.AllocateTensors();
        Assert.Equal(64, interpreter.GetTensor(0).ArenaOffset);
        Assert.Equal(0, interpreter.GetTensor(3).ArenaOffset);
        int y = interpreter.GetTensor(4).ArenaOffset;
        Assert.True(y >= 32, $"y at {y} overlaps h, which is alive at the same step");
        interpreter.Input(0).AsSpan<float>().Fill(2f);
        interpreter.Invoke();
        Assert.All(interpreter.Output(0).AsReadOnlySpan<float>().ToArray(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void OfflinePlanWithWrongTensorCountIsAnInvalidModel()
    {
        byte[] bytes = TwoLayerModel([0, -1]);
        var interpreter = new MicroInterpreter(Model.Load(bytes), OpResolver.WithAllBuiltins(), new byte[1024]);
        var e = Assert.Throws<InvalidModelException>(() => interpreter.AllocateTensors());
        Assert.Contains("OfflineMemoryAllocation", e.Message);
    }
}

/// <summary>Tensors near the 2 GB limit: too big for any arena is an arena error, never an arithmetic overflow.</summary>
public sealed class HugeTensorTests
{
    [Fact]
    public void TensorTooBigForAnyArenaIsReportedAsArenaTooSmall()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph("main");
        int x = graph.AddTensor("x", TensorType.Int8, [46340, 46340]); // 2,147,395,600 bytes: aligning it passes 2^31
        int y = graph.AddTensor("y", TensorType.Int8, [46340, 46340]);
        graph.AddOperator(BuiltinOperator.Reshape, [x], [y]);
        graph.SetInputs(x);
        graph.SetOutputs(y);
        var interpreter = new MicroInterpreter(Model.Load(builder.Build()), OpResolver.WithAllBuiltins(), new byte[1024]);
        var e = Assert.Throws<ArenaTooSmallException>(() => interpreter.AllocateTensors());
        Assert.True(e.BytesNeeded > int.MaxValue - 16);
    }
}
