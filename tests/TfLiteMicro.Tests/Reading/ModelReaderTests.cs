using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Reading;

/// <summary>The model reader on the shared models and on deliberately broken copies of them.</summary>
public sealed class ModelReaderTests
{
    [SkippableFact]
    public void ReadsHelloWorldStructure()
    {
        Model model = Model.Load(SharedData.ReadModel("hello_world_int8"));
        Assert.Equal(3u, model.Version);
        Subgraph main = Assert.Single(model.Subgraphs);
        Assert.Equal(3, main.Operators.Count);
        Assert.All(main.Operators, op => Assert.Equal(BuiltinOperator.FullyConnected, op.Code.BuiltinCode));
        ModelTensor input = main.Tensors[main.Inputs[0]];
        Assert.Equal(TensorType.Int8, input.Type);
        Assert.Equal([1, 1], input.Shape);
        Assert.Equal(0.0244801156f, input.Quantization.Scale, 6);
        Assert.Equal(-128, input.Quantization.ZeroPoint);
    }

    [SkippableFact]
    public void ConstantDataIsASliceOfTheCallersBytesNotACopy()
    {
        byte[] bytes = SharedData.ReadModel("hello_world_int8");
        Model model = Model.Load(bytes);
        ModelTensor weights = model.Subgraphs[0].Tensors.First(t => t.IsConstant && t.Type == TensorType.Int8);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(weights.Data, out ArraySegment<byte> segment));
        Assert.Same(bytes, segment.Array);
    }

    [SkippableFact]
    public void PersonDetectHasTheOpsItsReadmeLists()
    {
        Model model = Model.Load(SharedData.ReadModel("person_detect"));
        var ops = model.Subgraphs[0].Operators.Select(o => o.Code.BuiltinCode).Distinct().ToHashSet();
        Assert.Equal(new HashSet<BuiltinOperator>
        {
            BuiltinOperator.Conv2D, BuiltinOperator.DepthwiseConv2D, BuiltinOperator.AveragePool2D,
            BuiltinOperator.Reshape, BuiltinOperator.Softmax,
        }, ops);
    }

    [Fact]
    public void EmptyAndTinyBuffersAreRejected()
    {
        Assert.Throws<InvalidModelException>(() => Model.Load(Array.Empty<byte>()));
        Assert.Throws<InvalidModelException>(() => Model.Load(new byte[7]));
        Assert.Throws<InvalidModelException>(() => Model.Load(new byte[64]));
    }

    [SkippableFact]
    public void TruncatedModelIsRejectedWithALocation()
    {
        byte[] bytes = SharedData.ReadModel("hello_world_int8");
        var e = Assert.Throws<InvalidModelException>(() => Model.Load(bytes.AsMemory(0, bytes.Length / 2)));
        Assert.Matches("(buffer|subgraph|operator|model|table|vector)", e.Message);
    }

    [SkippableFact]
    public void OperatorInputOutOfRangeNamesSubgraphOperatorInputAndCounts()
    {
        byte[] bytes = SharedData.ReadModel("hello_world_int8");
        Model model = Model.Load(bytes);
        int tensorCount = model.Subgraphs[0].Tensors.Count;

        // Find operator 1's inputs vector in the bytes through the FlatBuffer view and point input 0 past the end.
        FlatTable root = FlatTable.Root(bytes);
        FlatTable op = root.GetVector(2, 4).GetTable(0).GetVector(3, 4).GetTable(1);
        FlatVector inputs = op.GetVector(1, 4);
        ModelBytes.WriteInt32(bytes, inputs.Start, 91);

        var e = Assert.Throws<InvalidModelException>(() => Model.Load(bytes));
        Assert.Equal($"subgraph 0, operator 1: input 0: tensor 91 out of range ({tensorCount} tensors)", e.Message);
    }

    [SkippableFact]
    public void BufferSizeDisagreeingWithShapeIsRejected()
    {
        byte[] bytes = SharedData.ReadModel("hello_world_int8");
        FlatTable root = FlatTable.Root(bytes);
        FlatTable tensors0 = root.GetVector(2, 4).GetTable(0);
        Model model = Model.Load(bytes);
        ModelTensor constant = model.Subgraphs[0].Tensors.First(t => t.IsConstant && t.Shape.Length == 2);
        FlatVector shape = tensors0.GetVector(0, 4).GetTable(constant.Index).GetVector(0, 4);
        ModelBytes.WriteInt32(bytes, shape.Start, constant.Shape[0] + 1);
        var e = Assert.Throws<InvalidModelException>(() => Model.Load(bytes));
        Assert.Contains($"tensor {constant.Index}", e.Message);
        Assert.Contains("needs", e.Message);
    }

    [SkippableFact]
    public void WrongSchemaVersionIsRejected()
    {
        byte[] bytes = SharedData.ReadModel("hello_world_float");
        FlatTable root = FlatTable.Root(bytes);
        // Field 0 of the root table is the version; find it by reading its known value and overwrite it.
        ModelBytes.WriteUInt32(bytes, ModelBytes.FindUInt32(bytes, root.Position, 3u), 4u);
        var e = Assert.Throws<InvalidModelException>(() => Model.Load(bytes));
        Assert.Contains("schema version 4", e.Message);
    }
}
