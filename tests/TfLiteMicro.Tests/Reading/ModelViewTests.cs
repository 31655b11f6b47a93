using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Reading;

/// <summary>
/// The model's views (subgraphs, tensors, operators, ...) read the schema's fields from the bytes on demand: they agree
/// with a direct reading of the FlatBuffer, and bytes changed after loading never make them read outside the model.
/// </summary>
public sealed class ModelViewTests
{
    private static readonly string[] Models =
        ["hello_world_int8", "micro_speech_quantized", "keyword_scrambled_8bit", "trained_lstm_int8", "audio_preprocessor_int8", "person_detect"];

    [SkippableFact]
    public void ViewsReadTheSchemasFields()
    {
        foreach (string name in Models)
        {
            byte[] bytes = SharedData.ReadModel(name);
            Model model = Model.Load(bytes);
            FlatTable root = FlatTable.Root(bytes);
            FlatVector subgraphs = root.GetVector(2, 4);
            Assert.Equal(subgraphs.Length, model.Subgraphs.Count);
            for (int s = 0; s < subgraphs.Length; s++)
            {
                FlatTable subgraph = subgraphs.GetTable(s);
                Subgraph view = model.Subgraphs[s];
                Assert.Equal(s, view.Index);
                Assert.Equal(subgraph.GetInt32Array(1), view.Inputs.ToArray());
                Assert.Equal(subgraph.GetInt32Array(2), view.Outputs.ToArray());
                FlatVector tensors = subgraph.GetVector(0, 4);
                Assert.Equal(tensors.Length, view.Tensors.Count);
                for (int t = 0; t < tensors.Length; t++)
                {
                    FlatTable tensor = tensors.GetTable(t);
                    ModelTensor tensorView = view.Tensors[t];
                    Assert.Equal(t, tensorView.Index);
                    Assert.Equal(tensor.GetString(3) ?? "", tensorView.Name);
                    Assert.Equal((TensorType)tensor.GetByte(1), tensorView.Type);
                    Assert.Equal(tensor.GetInt32Array(0), tensorView.Shape.ToArray());
                    Assert.Equal((int)tensor.GetUInt32(2), tensorView.BufferIndex);
                    FlatTable quantization = tensor.GetTable(4);
                    Assert.Equal(quantization.GetFloatArray(2), tensorView.Quantization.Scales.ToArray());
                    Assert.Equal(quantization.GetInt64Array(3), tensorView.Quantization.ZeroPoints.ToArray());
                }
                FlatVector operators = subgraph.GetVector(3, 4);
                Assert.Equal(operators.Length, view.Operators.Count);
                int o = 0;
                foreach (ModelOperator op in view.Operators)
                {
                    FlatTable table = operators.GetTable(o);
                    Assert.Equal(o++, op.Index);
                    Assert.Equal((int)table.GetUInt32(0), op.OperatorCodeIndex);
                    Assert.Equal(table.GetInt32Array(1), op.Inputs.ToArray());
                    Assert.Equal(table.GetInt32Array(2), op.Outputs.ToArray());
                    Assert.Equal(table.GetByte(3), op.BuiltinOptionsType);
                    Assert.Equal(table.GetTable(4).Position, op.BuiltinOptions.Position);
                }
            }
        }
    }

    [SkippableFact]
    public void ListsCountIndexAndEnumerateWithoutAllocating()
    {
        Model model = Model.Load(SharedData.ReadModel("person_detect"));
        ModelList<ModelOperator> operators = model.Subgraphs[0].Operators;
        Assert.Throws<ArgumentOutOfRangeException>(() => operators[operators.Count]);
        Assert.Throws<ArgumentOutOfRangeException>(() => operators[-1]);
        int sum = 0;
        foreach (ModelOperator op in operators) sum += op.Inputs.Length;
        long before = GC.GetAllocatedBytesForCurrentThread();
        int again = 0;
        foreach (ModelOperator op in model.Subgraphs[0].Operators) again += op.Inputs.Length + model.Subgraphs[0].Tensors[op.Outputs[0]].Shape.Length;
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0 && again > sum);
        Assert.Equal(model.Subgraphs[0].Operators.Count, model.Subgraphs[0].Operators.Count());
    }

    [SkippableFact]
    public void BytesChangedAfterLoadingNeverMakeTheViewsOrInvokeReadOutsideTheModel()
    {
        // Loading verifies once; the views read the bytes again. Bytes changed afterwards give other values or an
        // exception, but every read stays inside the model, and Invoke runs on what AllocateTensors recorded.
        var random = new Random(20261206);
        foreach (string name in new[] { "hello_world_int8", "micro_speech_quantized", "trained_lstm_int8" })
        {
            byte[] original = SharedData.ReadModel(name);
            for (int trial = 0; trial < 300; trial++)
            {
                byte[] bytes = (byte[])original.Clone();
                Model model = Model.Load(bytes);
                using var interpreter = new MicroInterpreter(model, GoldenRunner.FullResolver(), new byte[1 << 16]);
                interpreter.AllocateTensors();
                Corrupt(bytes, random);
                try
                {
                    WalkEveryView(model);
                }
                catch (Exception e) when (e is InvalidModelException or ArgumentOutOfRangeException)
                {
                }
                try
                {
                    interpreter.Invoke();
                }
                catch (TfLiteMicroException)
                {
                }
            }
        }
    }

    /// <summary>Bit flips, or a 32-bit word (an offset, a length, an index) overwritten with a boundary value.</summary>
    private static void Corrupt(byte[] bytes, Random random)
    {
        if (random.Next(2) == 0)
        {
            for (int k = random.Next(1, 9); k > 0; k--) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            return;
        }
        int[] values = [0, 1, -1, int.MaxValue, int.MinValue, bytes.Length, bytes.Length - 4, random.Next(), random.Next(-64, 64)];
        BitConverter.TryWriteBytes(bytes.AsSpan(random.Next(bytes.Length / 4) * 4), values[random.Next(values.Length)]);
    }

    private static void WalkEveryView(Model model)
    {
        _ = model.Description;
        foreach (OperatorCode code in model.OperatorCodes) _ = (code.Name, code.Version, code.CustomCode);
        foreach (ReadOnlyMemory<byte> buffer in model.Buffers) _ = buffer.Length;
        foreach (ModelMetadata entry in model.Metadata) _ = (entry.Name, entry.Data.Length);
        foreach (SignatureDef signature in model.SignatureDefs)
        {
            _ = (signature.Key, signature.SubgraphIndex);
            foreach (KeyValuePair<string, int> map in signature.Inputs) _ = map;
            foreach (KeyValuePair<string, int> map in signature.Outputs) _ = map;
        }
        foreach (Subgraph subgraph in model.Subgraphs)
        {
            _ = (subgraph.Name, subgraph.Inputs.Length, subgraph.Outputs.Length);
            foreach (ModelTensor tensor in subgraph.Tensors)
            {
                _ = (tensor.Name, tensor.Type, tensor.Shape.Length, tensor.ShapeSignature.Length, tensor.Data.Length, tensor.IsVariable, tensor.IsSparse);
                QuantizationParameters q = tensor.Quantization;
                _ = (q.Scales.Length, q.ZeroPoints.Length, q.Min.Length, q.Max.Length, q.QuantizedDimension, q.Scale, q.ZeroPoint);
            }
            foreach (ModelOperator op in subgraph.Operators)
            {
                _ = (op.Code.Name, op.Inputs.Length, op.Outputs.Length, op.Intermediates.Length, op.BuiltinOptionsType,
                    op.BuiltinOptions.Position, op.BuiltinOptions2Type, op.CustomOptions.Length, op.MutatingVariableInputs.Count);
            }
        }
    }
}
