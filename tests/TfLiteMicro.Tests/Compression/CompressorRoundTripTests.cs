using System.Buffers.Binary;
using TfLiteMicro.Compression;
using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Modeling.Compression;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Compression;

/// <summary>
/// The compressor against the runtime: a compressed model computes exactly what the original computes with the
/// decompressed values written in plainly (the "binned" model), for every kernel that reads compressed constants and
/// with optimized and reference kernels alike; where compression is lossless that is the original itself.
/// </summary>
public sealed class CompressorRoundTripTests
{
    private const string NoSharedData = "(../shared not found)";

    private static readonly string[] SharedModels =
    [
        "hello_world_int8", "hello_world_float", "micro_speech_quantized", "person_detect", "keyword_scrambled",
        "keyword_scrambled_8bit", "trained_lstm", "trained_lstm_int8",
    ];

    /// <summary>Each shared model at each bit width where some constant shrinks (e.g. none of person_detect's at 6 or 7 bits).</summary>
    public static TheoryData<string, int> ModelsAndWidths()
    {
        var data = new TheoryData<string, int>();
        if (SharedData.Root is null)
        {
            data.Add(NoSharedData, 0);
            return data;
        }
        foreach (string model in SharedModels)
        {
            Model loaded = Model.Load(SharedData.ReadModel(model));
            for (int bits = 2; bits <= 7; bits++)
                if (LutCompressor.ChooseTensors(loaded, bits).Count > 0) data.Add(model, bits);
        }
        return data;
    }

    public static TheoryData<string> Models()
    {
        var data = new TheoryData<string>();
        foreach (string model in SharedData.Root is null ? [NoSharedData] : SharedModels) data.Add(model);
        return data;
    }

    private static OpResolver Resolver() => OpResolver.WithAllBuiltins();

    /// <summary>The compressed model with every compressed constant replaced by its decompressed values and no compression metadata.</summary>
    internal static byte[] Binned(Model compressed)
    {
        var plain = new Dictionary<(int, int), byte[]>();
        foreach (CompressedTensor t in ModelCompression.LutTensors(compressed))
        {
            var values = new byte[t.DecodedBytes];
            t.DecodeInto(values);
            plain[(t.Subgraph, t.Tensor)] = values;
        }
        return ModelCopy.ToBuilder(compressed, plain, entry => entry.Name != ModelCompression.MetadataName).Build();
    }

    /// <summary>Every shared model with eligible constants, at 2 to 7 bits as <c>tflm compress --auto --bits N</c> picks them.</summary>
    [SkippableTheory]
    [MemberData(nameof(ModelsAndWidths))]
    public void SharedModelsRoundTrip(string name, int bits)
    {
        if (name == NoSharedData) SharedData.RequireRoot();
        Model original = Model.Load(SharedData.ReadModel(name));
        IReadOnlyList<LutCompressionSpec> specs = LutCompressor.ChooseTensors(original, bits);
        LutCompressionResult result = LutCompressor.Compress(original, specs);
        Model compressed = Model.Load(result.Model);
        Assert.True(result.CompressedModelBytes < result.OriginalModelBytes, $"{name}: {result.CompressedModelBytes} bytes, not fewer than {result.OriginalModelBytes}");

        CheckReports(original, compressed, result);
        // What the compressed model computes is what the original computes with the decompressed values.
        Model binned = Model.Load(Binned(compressed));
        foreach (OutputEffect e in CompressionEffect.Measure(binned, compressed, Resolver(), samples: 3, seed: (ulong)bits))
            Assert.True(e.Identical, $"{name} at {bits} bits: output {e.Output} differs from the model with the decompressed values written out (max {e.MaxDifference})");
        IReadOnlyList<OutputEffect> effects = CompressionEffect.Measure(original, compressed, Resolver(), samples: 3, seed: (ulong)bits);
        if (result.Tensors.All(t => t.Lossless))
            Assert.All(effects, e => Assert.True(e.Identical, $"{name}: lossless compression changed output {e.Output}"));
        foreach (OutputEffect e in effects)
        {
            Assert.Equal(e.Identical, e.MaxDifference == 0);
            Assert.InRange(e.MeanDifference, 0, e.MaxDifference);
            if (e.ArgmaxAgreement is { } agreement) Assert.InRange(agreement, 0, 1);
        }
    }

    /// <summary>
    /// Every constant of the shared models that some table can hold exactly (at most 128 values per table), compressed at
    /// the fewest bits that keep it exact, whether or not that saves bytes: the outputs are identical to the original's.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void LosslessCompressionGivesIdenticalOutputs(string name)
    {
        if (name == NoSharedData) SharedData.RequireRoot();
        Model original = Model.Load(SharedData.ReadModel(name));
        var specs = new List<LutCompressionSpec>();
        foreach (ModelTensor t in original.Subgraphs[0].Tensors)
        {
            if (!t.IsConstant || t.Shape.Length == 0 || !ReadOnlyByTflmKernels(original.Subgraphs[0], t.Index)) continue;
            if (t.Type is not (TensorType.Int8 or TensorType.Int16 or TensorType.Int32 or TensorType.Int64 or TensorType.Float32 or TensorType.Bool)) continue;
            int lossless = LutCompressor.LosslessBitWidth(t);
            if (lossless is >= 1 and <= 7) specs.Add(new LutCompressionSpec(0, t.Index, lossless));
        }
        Assert.NotEmpty(specs); // every shared model has a bias or a small table
        LutCompressionResult result = LutCompressor.Compress(original, specs);
        Assert.All(result.Tensors, t => Assert.True(t.Lossless && t.MaxError == 0, $"{t.Name} is not exact"));
        CheckReports(original, Model.Load(result.Model), result);
        foreach (bool reference in new[] { false, true })
            AssertSameOutputs(original, Model.Load(result.Model), reference, $"{name} ({specs.Count} tensors)");
    }

    private static bool ReadOnlyByTflmKernels(Subgraph subgraph, int tensor)
    {
        bool read = false;
        foreach (ModelOperator op in subgraph.Operators)
        {
            if (!op.Inputs.Contains(tensor)) continue;
            if (op.Code.IsCustom || !LutCompressor.TflmKernels.Contains(op.Code.BuiltinCode)) return false;
            read = true;
        }
        return read && !subgraph.Outputs.Contains(tensor);
    }

    /// <summary>The report of each tensor says what its decompressed values are: exact, or off by at most the reported error.</summary>
    private static void CheckReports(Model original, Model compressed, LutCompressionResult result)
    {
        IReadOnlyList<CompressedTensor> stored = ModelCompression.LutTensors(compressed);
        Assert.Equal(result.Tensors.Count, stored.Count);
        foreach (CompressedTensorReport report in result.Tensors)
        {
            CompressedTensor t = Assert.Single(stored, s => s.Subgraph == report.Subgraph && s.Tensor == report.Tensor);
            Assert.Equal(report.BitWidth, t.BitWidth);
            Assert.Equal(report.ChannelCount, t.ChannelCount);
            Assert.Equal(report.EncodedBytes, t.EncodedBytes);
            Assert.Equal(report.ValueTableBytes, t.ValueTableBytes);
            Assert.Equal(1 << report.BitWidth, t.ValuesPerChannel);
            ModelTensor before = original.Subgraphs[report.Subgraph].Tensors[report.Tensor];
            var decoded = new byte[t.DecodedBytes];
            t.DecodeInto(decoded);
            if (report.Lossless)
            {
                Assert.True(before.Data.Span.SequenceEqual(decoded), $"{report.Name}: lossless, but the values changed");
                continue;
            }
            double max = 0;
            int size = TensorTypes.ElementSize(before.Type);
            for (int i = 0; i < before.ElementCount; i++)
            {
                int channel = t.ChannelCount == 1 ? 0 : t.ChannelsOnLastAxis ? i % t.ChannelCount : i / (t.ElementCount / t.ChannelCount);
                double scale = before.Quantization.Scales.Length > 1 ? before.Quantization.Scales[channel]
                    : before.Quantization.IsQuantized ? before.Quantization.Scale : 1;
                max = Math.Max(max, Math.Abs(Value(before.Type, before.Data.Span.Slice(i * size)) - Value(before.Type, decoded.AsSpan(i * size))) * scale);
            }
            Assert.Equal(report.MaxError, max, 9);
            Assert.True(report.MaxError > 0, $"{report.Name}: lossy with no error");
        }
    }

    private static double Value(TensorType type, ReadOnlySpan<byte> at) => type switch
    {
        TensorType.Int8 => (double)(sbyte)at[0],
        TensorType.Int16 => (double)BinaryPrimitives.ReadInt16LittleEndian(at),
        TensorType.Int32 => (double)BinaryPrimitives.ReadInt32LittleEndian(at),
        TensorType.Int64 => (double)BinaryPrimitives.ReadInt64LittleEndian(at),
        TensorType.Float32 => (double)BinaryPrimitives.ReadSingleLittleEndian(at),
        _ => (double)at[0],
    };

    /// <summary>Both models on the same seeded inputs, byte for byte equal outputs.</summary>
    internal static void AssertSameOutputs(Model expected, Model actual, bool referenceKernels, string what, OpResolver? resolver = null, int samples = 3)
    {
        var options = new InterpreterOptions { UseReferenceKernels = referenceKernels };
        using var a = new MicroInterpreter(expected, resolver ?? Resolver(), new byte[8 << 20], options);
        using var b = new MicroInterpreter(actual, resolver ?? Resolver(), new byte[8 << 20], options);
        a.AllocateTensors();
        b.AllocateTensors();
        var random = new SeededRandom(7);
        for (int n = 0; n < samples; n++)
        {
            for (int i = 0; i < a.InputCount; i++)
            {
                var input = new byte[a.Input(i).ByteCount];
                for (int k = 0; k < input.Length; k++) input[k] = (byte)random.NextInt(256);
                if (a.Input(i).Type == TensorType.Float32)
                    for (int k = 0; k < input.Length; k += 4) BinaryPrimitives.WriteSingleLittleEndian(input.AsSpan(k), (float)random.NextDouble(-1, 1));
                a.Input(i).CopyFrom(input);
                b.Input(i).CopyFrom(input);
            }
            a.Invoke();
            b.Invoke();
            for (int o = 0; o < a.OutputCount; o++)
                Assert.True(a.Output(o).AsReadOnlySpan<byte>().SequenceEqual(b.Output(o).AsReadOnlySpan<byte>()),
                    $"{what}{(referenceKernels ? " (reference kernels)" : "")}: output {o} differs on sample {n}");
        }
    }

    public static TheoryData<string> TflmKernelCases()
    {
        var data = new TheoryData<string>();
        string? root = SharedData.Root;
        if (root is null)
        {
            data.Add(NoSharedData);
            return data;
        }
        foreach (string op in new[] { "fc", "conv", "dwconv", "transposeconv" })
            foreach (string type in new[] { "f32", "i8", "i16" })
                for (int k = 0; k < 3; k++)
                    if (Directory.Exists(Path.Combine(root, "golden", "ops", $"{op}_{type}_{k}")))
                        data.Add($"{op}_{type}_{k}");
        return data;
    }

    /// <summary>
    /// FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV read compressed weights and biases (TFLM's single-op
    /// models, every constant clustered to 3 bits, per channel where per-channel quantized): the same bytes as with the
    /// decompressed values written out, with the optimized kernels (which precompute from the weights) and the reference ones.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(TflmKernelCases))]
    public void TflmKernelsReadCompressedConstants(string caseName)
    {
        if (caseName == NoSharedData) SharedData.RequireRoot();
        Model original = Model.Load(File.ReadAllBytes(SharedData.Path("golden", "ops", caseName, "model.tflite")));
        var specs = original.Subgraphs[0].Tensors.Where(t => t.IsConstant && t.Shape.Length > 0 && t.ElementCount > 1)
            .Select(t => new LutCompressionSpec(0, t.Index, 3)).ToList();
        Assert.NotEmpty(specs);
        Model compressed = Model.Load(LutCompressor.Compress(original, specs).Model);
        Assert.Equal(specs.Count, ModelCompression.LutTensors(compressed).Count);
        Model binned = Model.Load(Binned(compressed));
        foreach (bool reference in new[] { false, true })
            AssertSameOutputs(binned, compressed, reference, caseName);
    }

    /// <summary>
    /// person_detect compressed as <c>tflm compress --auto --bits 4</c> does it (every pointwise filter clustered to 16 values
    /// per channel) still tells TFLM's person and no-person images apart as TFLM does with the original, scores within a few steps.
    /// </summary>
    [SkippableFact]
    public void CompressedPersonDetectStillTellsPersonFromNoPerson()
    {
        Model original = Model.Load(SharedData.ReadModel("person_detect"));
        LutCompressionResult result = LutCompressor.Compress(original, LutCompressor.ChooseTensors(original, 4));
        Assert.True(result.BytesSaved > 70_000, $"{result.BytesSaved} bytes saved");
        foreach (bool reference in new[] { false, true })
        {
            using var interpreter = new MicroInterpreter(Model.Load(result.Model), Resolver(), new byte[256 * 1024],
                new InterpreterOptions { UseReferenceKernels = reference });
            interpreter.AllocateTensors();
            foreach (string image in new[] { "person", "no_person" })
            {
                string dir = SharedData.Path("golden", "person_detection_e2e", image);
                interpreter.Input(0).CopyFrom(File.ReadAllBytes(Path.Combine(dir, "input.bin")));
                interpreter.Invoke();
                sbyte[] expected = [.. File.ReadAllBytes(Path.Combine(dir, "scores.bin")).Select(b => (sbyte)b)];
                sbyte[] scores = interpreter.Output(0).AsReadOnlySpan<sbyte>().ToArray();
                Assert.True(Array.IndexOf(scores, scores.Max()) == Array.IndexOf(expected, expected.Max()),
                    $"{image}: scores [{string.Join(", ", scores)}], TFLM's on the original [{string.Join(", ", expected)}]");
                for (int k = 0; k < scores.Length; k++) Assert.InRange(Math.Abs(scores[k] - expected[k]), 0, 16);
            }
        }
    }

    /// <summary>
    /// Beyond TFLM: every operator reads compressed constants here (decompression happens before the kernel sees its input).
    /// Every golden single-operator model with constants, each constant compressed (exactly where 7 bits suffice, else
    /// clustered to 3 bits): on TFLM's inputs, the same bytes as the model with the decompressed values written out.
    /// </summary>
    [SkippableFact]
    public void EveryOperatorReadsCompressedConstants()
    {
        SharedData.RequireRoot();
        var failures = new List<string>();
        var operators = new HashSet<string>();
        foreach (string name in GoldenCase.OpCaseNames())
        {
            GoldenCase c = GoldenCase.Load(SharedData.Path("golden", "ops", name));
            Model original = Model.Load(File.ReadAllBytes(c.ModelPath));
            Subgraph main = original.Subgraphs[0];
            var specs = new List<LutCompressionSpec>();
            foreach (ModelTensor t in main.Tensors)
            {
                if (!t.IsConstant || t.Shape.Length == 0 || main.Tensors.Count(o => o.BufferIndex == t.BufferIndex && o.IsConstant) > 1) continue;
                if (t.Type is not (TensorType.Int8 or TensorType.Int16 or TensorType.Int32 or TensorType.Int64 or TensorType.Float32 or TensorType.Bool)) continue;
                int lossless = LutCompressor.LosslessBitWidth(t);
                if (lossless < 1) continue;
                specs.Add(new LutCompressionSpec(0, t.Index, lossless <= 7 ? lossless : 3));
            }
            if (specs.Count == 0) continue;
            Model compressed = Model.Load(LutCompressor.Compress(original, specs).Model);
            Model binned = Model.Load(Binned(compressed));
            foreach (bool reference in new[] { false, true })
            {
                string? problem = SameOutputs(binned, compressed, c, reference);
                if (problem is not null) failures.Add($"{name}{(reference ? " (reference)" : "")}: {problem}");
            }
            operators.Add(main.Operators[0].Code.Name);
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(20)));
        Assert.True(operators.Count >= 20, $"only {operators.Count} operator types had constants: {string.Join(", ", operators)}");
    }

    private static string? SameOutputs(Model expected, Model actual, GoldenCase c, bool reference)
    {
        var options = new InterpreterOptions { UseReferenceKernels = reference };
        using var a = new MicroInterpreter(expected, GoldenRunner.FullResolver(), new byte[1 << 22], options);
        using var b = new MicroInterpreter(actual, GoldenRunner.FullResolver(), new byte[1 << 22], options);
        a.AllocateTensors();
        b.AllocateTensors();
        for (int i = 0; i < a.InputCount; i++)
        {
            a.Input(i).CopyFrom(c.ReadInput(i));
            b.Input(i).CopyFrom(c.ReadInput(i));
        }
        a.Invoke();
        b.Invoke();
        for (int o = 0; o < a.OutputCount; o++)
            if (!a.Output(o).AsReadOnlySpan<byte>().SequenceEqual(b.Output(o).AsReadOnlySpan<byte>())) return $"output {o} differs";
        return null;
    }

    /// <summary>
    /// person_detect at 4 bits decompresses its weights into buffers that make the arena larger (the largest, 64 KiB, alive
    /// beside the activations); 64 KiB of decompression memory takes them all out of the arena, which is then the
    /// uncompressed model's, and the outputs stay the same bytes.
    /// </summary>
    [SkippableFact]
    public void DecompressionMemoryTakesTheDecompressedWeightsOutOfTheArena()
    {
        Model original = Model.Load(SharedData.ReadModel("person_detect"));
        Model compressed = Model.Load(LutCompressor.Compress(original, LutCompressor.ChooseTensors(original, 4)).Model);
        int Arena(Model model, InterpreterOptions? options)
        {
            using var interpreter = new MicroInterpreter(model, Resolver(), new byte[1 << 20], options);
            interpreter.AllocateTensors();
            return interpreter.ArenaUsedBytes;
        }
        int plain = Arena(original, null);
        Assert.True(Arena(compressed, null) > plain);
        var options = new InterpreterOptions { DecompressionMemory = [new byte[64 * 1024]] };
        Assert.Equal(plain, Arena(compressed, options));

        using var withMemory = new MicroInterpreter(compressed, Resolver(), new byte[1 << 20], options);
        using var without = new MicroInterpreter(compressed, Resolver(), new byte[1 << 20]);
        withMemory.AllocateTensors();
        without.AllocateTensors();
        byte[] input = File.ReadAllBytes(SharedData.Path("golden", "person_detection_e2e", "person", "input.bin"));
        for (int run = 0; run < 2; run++)
        {
            withMemory.Input(0).CopyFrom(input);
            without.Input(0).CopyFrom(input);
            withMemory.Invoke();
            without.Invoke();
            Assert.Equal(without.Output(0).AsReadOnlySpan<byte>().ToArray(), withMemory.Output(0).AsReadOnlySpan<byte>().ToArray());
        }
    }

    /// <summary>CONCATENATION and ASSIGN_VARIABLE (in a CALL_ONCE subgraph) read compressed constants; lossless, so the outputs are the original's.</summary>
    [Fact]
    public void ConcatenationAndAssignVariableReadCompressedConstants()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder main = builder.AddSubgraph("main");
        SubgraphBuilder init = builder.AddSubgraph("init");
        int x = main.AddTensor("x", TensorType.Int8, [2, 3], new QuantizationParameters([0.5f], [0], 0));
        int table = main.AddConstant<sbyte>("table", TensorType.Int8, [4, 3], [1, 2, 3, 1, 2, 3, -7, 1, 2, 3, 3, -7], new QuantizationParameters([0.5f], [0], 0));
        int joined = main.AddTensor("joined", TensorType.Int8, [6, 3], new QuantizationParameters([0.5f], [0], 0));
        main.AddOperator(BuiltinOperator.Concatenation, [x, table], [joined], OperatorOptions.Concatenation(0));
        main.AddOperator(BuiltinOperator.CallOnce, [], [], OperatorOptions.CallOnce(1));
        int handle = main.AddTensor("handle", TensorType.Resource, []);
        main.AddOperator(BuiltinOperator.VarHandle, [], [handle], OperatorOptions.VarHandle("v"));
        int value = main.AddTensor("value", TensorType.Float32, [8]);
        main.AddOperator(BuiltinOperator.ReadVariable, [handle], [value], OperatorOptions.ReadVariable());
        main.SetInputs(x);
        main.SetOutputs(joined, value);
        int initHandle = init.AddTensor("init_handle", TensorType.Resource, []);
        init.AddOperator(BuiltinOperator.VarHandle, [], [initHandle], OperatorOptions.VarHandle("v"));
        int initial = init.AddConstant<float>("initial", TensorType.Float32, [8], [0.5f, -1f, 0.5f, 2f, 2f, -1f, 0.5f, 0.25f]);
        init.AddOperator(BuiltinOperator.AssignVariable, [initHandle, initial], [], OperatorOptions.AssignVariable());
        Model original = Model.Load(builder.Build());

        LutCompressionResult result = LutCompressor.Compress(original, [new(0, table, 2), new(1, initial, 2)]);
        Assert.All(result.Tensors, t => Assert.True(t.Lossless));
        Model compressed = Model.Load(result.Model);
        Assert.Equal(2, ModelCompression.LutTensors(compressed).Count);
        foreach (bool reference in new[] { false, true })
            AssertSameOutputs(original, compressed, reference, "concatenation and assign variable");
    }
}
