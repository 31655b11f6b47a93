using System.Runtime.InteropServices;
using System.Text;
using TfLiteMicro.Kernels;

namespace TfLiteMicro.Modeling.Tests;

public class ModelBuilderTests
{
    private static byte[] BuildRich()
    {
        var builder = new ModelBuilder("round trip");
        SubgraphBuilder main = builder.AddSubgraph("main");
        int input = main.AddTensor("input", TensorType.Int8, [1, 4],
            new QuantizationParameters([0.5f], [-3], 0, [-1.5f], [2.5f]), shapeSignature: [-1, 4]);
        int weights = main.AddConstant<sbyte>("weights", TensorType.Int8, [3, 4], [1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12],
            new QuantizationParameters([0.1f, 0.2f, 0.3f], [0, 0, 0], 0));
        int bias = main.AddConstant<int>("bias", TensorType.Int32, [3], [100, -200, 300],
            new QuantizationParameters([0.05f, 0.1f, 0.15f], [0, 0, 0], 0));
        int output = main.AddTensor("output", TensorType.Int8, [1, 3], new QuantizationParameters([0.25f], [7], 0));
        int state = main.AddTensor("state", TensorType.Int16, [2, 2], new QuantizationParameters([1f / 256], [0], 0), isVariable: true);
        int odd = main.AddConstant<byte>("odd", TensorType.UInt8, [5], [1, 2, 3, 4, 5]);
        main.AddOperator(BuiltinOperator.FullyConnected, [input, weights, bias], [output],
            OperatorOptions.FullyConnected(FusedActivation.Relu, keepNumDims: true), version: 4);
        main.AddOperator(BuiltinOperator.Reshape, [output, -1], [state], OperatorOptions.Reshape(2, 2));
        main.AddCustomOperator("MyCustom", [state, odd], [output], [0xAA, 0xBB, 0xCC], version: 2);
        main.AddOperator(BuiltinOperator.Softmax, [output], [output], OperatorOptions.Softmax(0.75f));
        main.AddOperator(BuiltinOperator.BatchMatmul, [output, output], [output],
            OperatorOptions.BatchMatMul(adjX: true, asymmetricQuantizeInputs: true), version: 1, intermediates: [odd]);
        main.SetInputs(input);
        main.SetOutputs(output, state);

        SubgraphBuilder second = builder.AddSubgraph("second");
        int a = second.AddTensor("a", TensorType.Float32, [2]);
        int b = second.AddConstant<float>("b", TensorType.Float32, [2], [1.5f, -2.5f]);
        int c = second.AddTensor("c", TensorType.Float32, [2]);
        second.AddOperator(BuiltinOperator.Add, [a, b], [c], OperatorOptions.Add(FusedActivation.Relu6));
        second.AddOperator(BuiltinOperator.StablehloComposite, [c], [c],
            OperatorOptions.Create2(21, w => w.String(0, "composite").Int32(1, 1).Bytes(2, [1, 2, 3]).Int32(4, 9)));
        second.SetInputs(a);
        second.SetOutputs(c);

        builder.AddSubgraph();

        builder.AddMetadata("min_runtime_version", Encoding.ASCII.GetBytes("1.5.0\0\0\0\0\0\0\0\0\0\0\0"));
        builder.AddMetadata("empty", []);
        builder.AddSignature("serving_default", 0, [new("x", input)], [new("y", output), new("s", state)]);
        builder.AddSignature("second", 1, [new("a", a)], [new("c", c)]);
        return builder.Build();
    }

    [Fact]
    public void WritesSchema3WithIdentifierAndAlignedBuffers()
    {
        byte[] bytes = BuildRich();
        Assert.Equal("TFL3", Encoding.ASCII.GetString(bytes, 4, 4));
        Model model = Model.Load(bytes);
        Assert.Equal(3u, model.Version);
        Assert.True(model.Buffers[0].IsEmpty);
        foreach (ReadOnlyMemory<byte> buffer in model.Buffers)
        {
            if (buffer.IsEmpty) continue;
            Assert.True(MemoryMarshal.TryGetArray(buffer, out ArraySegment<byte> segment));
            Assert.Equal(0, segment.Offset % ModelBuilder.BufferAlignment);
        }
    }

    [Fact]
    public void EveryFieldReadsBack()
    {
        Model model = Model.Load(BuildRich());
        Assert.Equal("round trip", model.Description);
        Assert.Equal(3, model.Subgraphs.Count);

        // Operator codes: deduplicated per (code, version), both code fields written.
        Assert.Equal(7, model.OperatorCodes.Count);
        Assert.Equal(BuiltinOperator.FullyConnected, model.OperatorCodes[0].BuiltinCode);
        Assert.Equal(4, model.OperatorCodes[0].Version);
        Assert.Equal(BuiltinOperator.Custom, model.OperatorCodes[2].BuiltinCode);
        Assert.Equal("MyCustom", model.OperatorCodes[2].CustomCode);
        Assert.Equal(2, model.OperatorCodes[2].Version);
        Assert.Equal(BuiltinOperator.BatchMatmul, model.OperatorCodes[4].BuiltinCode);
        Assert.Equal(BuiltinOperator.Add, model.OperatorCodes[5].BuiltinCode);
        Assert.Equal(BuiltinOperator.StablehloComposite, model.OperatorCodes[6].BuiltinCode);
        AssertOpcodeFields(model, 0, deprecated: 9, code: 9);
        AssertOpcodeFields(model, 6, deprecated: 127, code: (int)BuiltinOperator.StablehloComposite);

        Subgraph main = model.Subgraphs[0];
        Assert.Equal("main", main.Name);
        Assert.Equal([0], main.Inputs);
        Assert.Equal([3, 4], main.Outputs);
        Assert.Equal(6, main.Tensors.Count);

        ModelTensor input = main.Tensors[0];
        Assert.Equal("input", input.Name);
        Assert.Equal(TensorType.Int8, input.Type);
        Assert.Equal([1, 4], input.Shape);
        Assert.Equal([-1, 4], input.ShapeSignature);
        Assert.False(input.IsConstant);
        Assert.Equal(0, input.BufferIndex);
        Assert.Equal([0.5f], input.Quantization.Scales);
        Assert.Equal([-3L], input.Quantization.ZeroPoints);
        Assert.Equal([-1.5f], input.Quantization.Min);
        Assert.Equal([2.5f], input.Quantization.Max);

        ModelTensor weights = main.Tensors[1];
        Assert.Equal([0.1f, 0.2f, 0.3f], weights.Quantization.Scales);
        Assert.Equal(0, weights.Quantization.QuantizedDimension);
        Assert.Equal(new sbyte[] { 1, -2, 3, -4, 5, -6, 7, -8, 9, -10, 11, -12 }, MemoryMarshal.Cast<byte, sbyte>(weights.Data.Span).ToArray());

        ModelTensor bias = main.Tensors[2];
        Assert.Equal(TensorType.Int32, bias.Type);
        Assert.Equal(new[] { 100, -200, 300 }, MemoryMarshal.Cast<byte, int>(bias.Data.Span).ToArray());
        Assert.Equal([0.05f, 0.1f, 0.15f], bias.Quantization.Scales);

        Assert.Equal([0.25f], main.Tensors[3].Quantization.Scales);
        Assert.Equal([7L], main.Tensors[3].Quantization.ZeroPoints);
        Assert.True(main.Tensors[4].IsVariable);
        Assert.Equal(TensorType.Int16, main.Tensors[4].Type);
        Assert.False(main.Tensors[3].IsVariable);
        Assert.False(main.Tensors[5].Quantization.IsQuantized);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, main.Tensors[5].Data.ToArray());

        Assert.Equal(5, main.Operators.Count);
        ModelOperator fc = main.Operators[0];
        Assert.Equal([0, 1, 2], fc.Inputs);
        Assert.Equal([3], fc.Outputs);
        Assert.Equal(OptionsSchema.FullyConnectedOptions.UnionType, fc.BuiltinOptionsType);
        Assert.Equal((byte)FusedActivation.Relu, fc.BuiltinOptions.GetByte(OptionsSchema.FullyConnectedOptions.FusedActivationFunction));
        Assert.Equal(0, fc.BuiltinOptions.GetByte(OptionsSchema.FullyConnectedOptions.WeightsFormat));
        Assert.True(fc.BuiltinOptions.GetBool(OptionsSchema.FullyConnectedOptions.KeepNumDims));
        Assert.True(fc.CustomOptions.IsEmpty);

        ModelOperator reshape = main.Operators[1];
        Assert.Equal([3, -1], reshape.Inputs);
        Assert.Equal(OptionsSchema.ReshapeOptions.UnionType, reshape.BuiltinOptionsType);
        Assert.Equal([2, 2], reshape.BuiltinOptions.GetInt32Array(OptionsSchema.ReshapeOptions.NewShape));

        ModelOperator custom = main.Operators[2];
        Assert.True(custom.Code.IsCustom);
        Assert.Equal(0, custom.BuiltinOptionsType);
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, custom.CustomOptions.ToArray());

        Assert.Equal(OptionsSchema.SoftmaxOptions.UnionType, main.Operators[3].BuiltinOptionsType);
        Assert.Equal(0.75f, main.Operators[3].BuiltinOptions.GetFloat(OptionsSchema.SoftmaxOptions.Beta));

        ModelOperator matmul = main.Operators[4];
        Assert.Equal(OptionsSchema.BatchMatMulOptions.UnionType, matmul.BuiltinOptionsType);
        Assert.True(matmul.BuiltinOptions.GetBool(OptionsSchema.BatchMatMulOptions.AdjX));
        Assert.True(matmul.BuiltinOptions.Has(OptionsSchema.BatchMatMulOptions.AdjY));
        Assert.False(matmul.BuiltinOptions.GetBool(OptionsSchema.BatchMatMulOptions.AdjY, true));
        Assert.True(matmul.BuiltinOptions.GetBool(OptionsSchema.BatchMatMulOptions.AsymmetricQuantizeInputs));
        Assert.Equal([5], matmul.Intermediates);

        Subgraph second = model.Subgraphs[1];
        Assert.Equal("second", second.Name);
        Assert.Equal(new[] { 1.5f, -2.5f }, MemoryMarshal.Cast<byte, float>(second.Tensors[1].Data.Span).ToArray());
        Assert.Equal(OptionsSchema.AddOptions.UnionType, second.Operators[0].BuiltinOptionsType);
        Assert.Equal((byte)FusedActivation.Relu6, second.Operators[0].BuiltinOptions.GetByte(OptionsSchema.AddOptions.FusedActivationFunction));
        ModelOperator composite = second.Operators[1];
        Assert.Equal(0, composite.BuiltinOptionsType);
        Assert.Equal(21, composite.BuiltinOptions2Type);
        Assert.Equal("composite", composite.BuiltinOptions2.GetString(0));
        Assert.Equal(1, composite.BuiltinOptions2.GetInt32(1));
        Assert.Equal(new byte[] { 1, 2, 3 }, composite.BuiltinOptions2.GetBytes(2).ToArray());
        Assert.Equal(9, composite.BuiltinOptions2.GetInt32(4));

        Subgraph third = model.Subgraphs[2];
        Assert.Equal("", third.Name);
        Assert.Empty(third.Tensors);
        Assert.Empty(third.Operators);

        Assert.Equal(2, model.Metadata.Count);
        ModelMetadata? version = model.FindMetadata("min_runtime_version");
        Assert.NotNull(version);
        Assert.StartsWith("1.5.0", Encoding.ASCII.GetString(version.Value.Data.Span));
        Assert.True(model.FindMetadata("empty")!.Value.Data.IsEmpty);

        Assert.Equal(2, model.SignatureDefs.Count);
        SignatureDef serving = model.SignatureDefs[0];
        Assert.Equal("serving_default", serving.Key);
        Assert.Equal(0, serving.SubgraphIndex);
        Assert.Equal([new KeyValuePair<string, int>("x", 0)], serving.Inputs);
        Assert.Equal([new KeyValuePair<string, int>("y", 3), new KeyValuePair<string, int>("s", 4)], serving.Outputs);
        Assert.Equal(1, model.SignatureDefs[1].SubgraphIndex);
        Assert.Equal("a", model.SignatureDefs[1].Inputs[0].Key);
    }

    private static void AssertOpcodeFields(Model model, int index, int deprecated, int code)
    {
        FlatTable root = FlatTable.Root(model.Bytes);
        FlatTable opcode = root.GetVector(1, 4).GetTable(index);
        Assert.Equal(deprecated, opcode.GetSByte(0));
        Assert.Equal(code, opcode.GetInt32(3));
    }

    [Fact]
    public void PerChannelQuantizationAlongAnyDimensionReadsBack()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder g = builder.AddSubgraph();
        var filter = new sbyte[1 * 2 * 2 * 3];
        for (int i = 0; i < filter.Length; i++) filter[i] = (sbyte)(i - 6);
        int t = g.AddConstant<sbyte>("depthwise_filter", TensorType.Int8, [1, 2, 2, 3], filter,
            new QuantizationParameters([0.5f, 0.25f, 0.125f], [0, 0, 0], 3));
        g.SetOutputs(t);
        ModelTensor read = Model.Load(builder.Build()).Subgraphs[0].Tensors[0];
        Assert.Equal(3, read.Quantization.QuantizedDimension);
        Assert.Equal([0.5f, 0.25f, 0.125f], read.Quantization.Scales);
        Assert.Equal([0L, 0L, 0L], read.Quantization.ZeroPoints);
        Assert.Equal(filter, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(read.Data.Span).ToArray());
    }

    [Fact]
    public void PerChannelDenseModelHasOneScalePerOutputRow()
    {
        DenseNetwork network = DenseNetwork.Create([3, 4, 2], seed: 5);
        byte[] bytes = DenseConverter.ToInt8Model(network, [0f, 1f, -1f, 0.5f, 0.25f, 2f], new QuantizationOptions { PerChannelWeights = true });
        Subgraph g = Model.Load(bytes).Subgraphs[0];
        foreach (ModelOperator op in g.Operators)
        {
            ModelTensor weights = g.Tensors[op.Inputs[1]], bias = g.Tensors[op.Inputs[2]];
            Assert.Equal(weights.Shape[0], weights.Quantization.Scales.Length);
            Assert.Equal(0, weights.Quantization.QuantizedDimension);
            Assert.Equal(weights.Shape[0], bias.Quantization.Scales.Length);
            // Every row uses the full symmetric range: its largest weight quantizes to +-127.
            ReadOnlySpan<sbyte> q = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(weights.Data.Span);
            for (int row = 0; row < weights.Shape[0]; row++)
            {
                int max = 0;
                for (int i = 0; i < weights.Shape[1]; i++) max = Math.Max(max, Math.Abs((int)q[row * weights.Shape[1] + i]));
                Assert.Equal(127, max);
            }
        }
    }

    [Fact]
    public void SameCallsGiveSameBytes()
    {
        Assert.Equal(BuildRich(), BuildRich());
    }

    [Fact]
    public void RejectsInconsistentInput()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder g = builder.AddSubgraph();
        Assert.Throws<ArgumentException>(() => g.AddConstant<float>("w", TensorType.Float32, [2], [1f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.SetInputs(0));
        int t = g.AddTensor("t", TensorType.Float32, [1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => g.AddOperator(BuiltinOperator.Relu, [t], [t + 1]));
        builder.AddSignature("bad", 3, [], []);
        Assert.Throws<InvalidOperationException>(() => builder.Build());
        Assert.Throws<InvalidOperationException>(() => new ModelBuilder().Build());
    }
}
