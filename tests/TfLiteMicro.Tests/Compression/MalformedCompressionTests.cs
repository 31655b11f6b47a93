using Google.FlatBuffers;
using TfLiteMicro.Compression;
using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Compression;

/// <summary>
/// Malformed compression metadata and DECODE ancillary data fail with an <see cref="InvalidModelException"/> that names the
/// tensor and what is wrong, when the model loads (metadata) or the interpreter prepares (DECODE); never an out-of-range read.
/// </summary>
public sealed class MalformedCompressionTests
{
    /// <summary>What a hand-made compressed FULLY_CONNECTED model is made of; each test spoils one part.</summary>
    private sealed record Parts
    {
        public byte[] Encoded { get; init; } = [0x01, 0x23, 0x45, 0x67];          // eight 4-bit indices 0..7
        public byte[] Table { get; init; } = [.. Enumerable.Range(0, 16).Select(i => (byte)(i * 3))];
        public TensorType WeightsType { get; init; } = TensorType.Int8;
        public int[] WeightsShape { get; init; } = [2, 4];
        public QuantizationParameters WeightsQuantization { get; init; } = new([0.25f], [0], 0);
        public int? SchemaVersion { get; init; }
        public bool NoSubgraphs { get; init; }
        public bool EmptySubgraph { get; init; }
        public int Tensor { get; init; } = Weights;
        public int? ValueBuffer { get; init; }
        public int Bits { get; init; } = 4;
        public bool Twice { get; init; }
        public byte[]? RawMetadata { get; init; }
        public bool WeightsAreAnOutput { get; init; }
    }

    private const int Weights = 1;

    private static byte[] Build(Parts p)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder g = builder.AddSubgraph();
        var q = new QuantizationParameters([0.5f], [0], 0);
        int x = g.AddTensor("input", TensorType.Int8, [1, 4], q);
        int w = g.AddTensorOverBuffer("weights", p.WeightsType, p.WeightsShape, builder.AddBuffer(p.Encoded), p.WeightsQuantization, false, null);
        int y = g.AddTensor("output", TensorType.Int8, [1, 2], q);
        g.AddOperator(BuiltinOperator.FullyConnected, [x, w, -1], [y], OperatorOptions.FullyConnected());
        g.SetInputs(x);
        if (p.WeightsAreAnOutput) g.SetOutputs(y, w);
        else g.SetOutputs(y);
        int table = builder.AddBuffer(p.Table);
        builder.AddMetadata(ModelCompression.MetadataName, p.RawMetadata ?? Metadata(p, p.ValueBuffer ?? table));
        return builder.Build();
    }

    /// <summary>Metadata written field by field, so that any field can hold what the writer would refuse.</summary>
    private static byte[] Metadata(Parts p, int valueBuffer)
    {
        var fb = new FlatBufferBuilder(128) { ForceDefaults = true };
        int subgraphs = 0;
        if (!p.NoSubgraphs)
        {
            int luts = 0;
            if (!p.EmptySubgraph)
            {
                var tables = new int[p.Twice ? 2 : 1];
                for (int i = 0; i < tables.Length; i++)
                {
                    fb.StartTable(3);
                    fb.AddInt(0, p.Tensor, 0);
                    fb.AddUint(1, (uint)valueBuffer, 0);
                    fb.AddByte(2, (byte)p.Bits, 0);
                    tables[i] = fb.EndTable();
                }
                luts = ModelBuilder.OffsetVector(fb, tables);
            }
            fb.StartTable(1);
            if (!p.EmptySubgraph) fb.AddOffset(0, luts, 0);
            int subgraph = fb.EndTable();
            subgraphs = ModelBuilder.OffsetVector(fb, [subgraph]);
        }
        fb.StartTable(2);
        if (p.SchemaVersion is int version) fb.AddUint(0, (uint)version, 0);
        if (!p.NoSubgraphs) fb.AddOffset(1, subgraphs, 0);
        fb.Finish(fb.EndTable());
        return fb.SizedByteArray();
    }

    [Fact]
    public void TheHandMadeModelIsValidAndDecodes()
    {
        Model model = Model.Load(Build(new Parts()));
        CompressedTensor t = Assert.Single(ModelCompression.LutTensors(model));
        var values = new byte[8];
        t.DecodeInto(values);
        Assert.Equal(new byte[] { 0, 3, 6, 9, 12, 15, 18, 21 }, values);
    }

    public static TheoryData<string> Cases() => [.. MetadataCases.Keys];

    private static readonly Dictionary<string, (Parts Parts, string Message)> MetadataCases = new()
    {
        ["bit width 0"] = (new Parts { Bits = 0 }, "index bit width 0 is outside 1..7"),
        ["bit width 8"] = (new Parts { Bits = 8 }, "index bit width 8 is outside 1..7"),
        ["short bit string"] = (new Parts { Encoded = [0x01, 0x23, 0x45] }, "tensor 1 'weights': the bit string holds 3 bytes, 4 needed for 8 indices of 4 bits"),
        ["index past a short table"] = (new Parts { Table = [1, 2, 3, 4, 5, 6] }, "tensor 1 'weights': element 6 has an index past its value table (6 entries)"),
        ["empty value buffer"] = (new Parts { Table = [] }, "tensor 1 'weights': 0 value table entries per channel is outside 1..255"),
        ["newer schema version"] = (new Parts { SchemaVersion = 2 }, "schema version 2 is newer than the supported 1"),
        ["no subgraphs"] = (new Parts { NoSubgraphs = true }, "it lists no subgraphs"),
        ["a subgraph without LUT tensors"] = (new Parts { EmptySubgraph = true }, "subgraph 0 lists no LUT tensors"),
        ["tensor out of range"] = (new Parts { Tensor = 99, Encoded = new byte[8] }, "tensor 99 out of range (3 tensors)"),
        ["negative tensor"] = (new Parts { Tensor = -1, Encoded = new byte[8] }, "tensor -1 out of range"),
        ["value buffer 0"] = (new Parts { ValueBuffer = 0 }, "value buffer 0 is not a data buffer"),
        ["value buffer out of range"] = (new Parts { ValueBuffer = 1000 }, "value buffer 1000 is not a data buffer"),
        ["tensor listed twice"] = (new Parts { Twice = true }, "the tensor is listed twice"),
        ["tensor without data"] = (new Parts { Tensor = 0, Encoded = new byte[8] }, "tensor 0 'input': a compressed tensor must be a constant"),
        ["subgraph output"] = (new Parts { WeightsAreAnOutput = true }, "tensor 1 'weights': a subgraph input or output cannot be stored compressed"),
        ["unsupported type"] = (new Parts { WeightsType = TensorType.UInt8 }, "tensor 1 'weights': UINT8 tensors cannot be LUT-compressed"),
        ["channels along a middle axis"] = (new Parts { WeightsShape = [2, 4, 1], WeightsQuantization = new([1, 1, 1, 1], [0, 0, 0, 0], 1) },
            "tensor 1 'weights': per-channel tables along dimension 1 are not supported"),
        ["not a FlatBuffer"] = (new Parts { RawMetadata = [1, 2, 3] }, "compression metadata (buffer"),
        ["root offset outside"] = (new Parts { RawMetadata = [0xF0, 0, 0, 0, 0, 0, 0, 0] }, "points outside"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MalformedMetadataIsNamed(string name)
    {
        (Parts parts, string message) = MetadataCases[name];
        byte[] bytes = Build(parts);
        var e = Assert.Throws<InvalidModelException>(() => Model.Load(bytes));
        Assert.Contains(message, e.Message);
        Assert.Contains("compression metadata", e.Message);
    }

    [Fact]
    public void ACompressedConstantReadsDecompressedWhilePreparingAndNotAfter()
    {
        var interpreter = new MicroInterpreter(Model.Load(Build(new Parts())), OpResolver.WithAllBuiltins(), new byte[4096]);
        interpreter.AllocateTensors();
        Tensor weights = interpreter.GetTensor(Weights);
        Assert.True(weights.IsCompressed);
        Assert.Equal(8, weights.ByteCount);
        var e = Assert.Throws<InvalidOperationException>(() => weights.AsReadOnlySpan<sbyte>().ToArray());
        Assert.Contains("stored compressed", e.Message);
    }

    // DECODE: each case one output of a single-op model.
    private static readonly byte[] LutTable = [10, 20, 30, 40];

    private static DecodeOutput Lut(byte[]? encoded = null, byte[]? fields = null, byte[]? table = null, TensorType type = TensorType.Int8,
        int[]? shape = null, QuantizationParameters? q = null, byte headerVersion = 1)
        => new(encoded ?? [0x1B, 0xE4], DecodeModel.Ancillary(DecodeModel.Lut, fields ?? [1, 2, 4], table ?? LutTable, headerVersion),
            type, shape ?? [8], q);

    public static TheoryData<string> DecodeCases() => [.. AncillaryCases.Keys];

    private static readonly Dictionary<string, (DecodeOutput Output, string Message)> AncillaryCases = new()
    {
        ["header too short"] = (Lut() with { Ancillary = new byte[10] }, "the ancillary data holds 10 bytes, less than its 16-byte header"),
        ["header version 2"] = (Lut(headerVersion: 2), "ancillary header version 2 is not supported"),
        ["LUT version 2"] = (Lut(fields: [2, 2, 4]), "LUT version 2 is not supported"),
        ["LUT bit width 0"] = (Lut(fields: [1, 0, 4]), "index bit width 0 is outside 1..7"),
        ["LUT stride 0"] = (Lut(fields: [1, 2, 0]), "0 value table entries per channel"),
        ["LUT table too short"] = (Lut(table: [10, 20, 30]), "the value tables hold 3 bytes, 4 needed"),
        ["LUT bit string too short"] = (Lut(encoded: [0x1B]), "the bit string holds 1 bytes, 2 needed"),
        ["LUT index past the table"] = (Lut(fields: [1, 2, 3], table: [10, 20, 30]), "element 3 has an index past its value table (3 entries)"),
        ["LUT to UINT8"] = (Lut(type: TensorType.UInt8), "LUT decoding to UINT8 is not supported"),
        ["LUT channels along a middle axis"] = (Lut(shape: [2, 2, 2], q: DecodeModel.Channels(2, 1)), "quantization along dimension 1 is not supported"),
        // One bit per symbol (two 16-bit entries holding 'a' and 'b'): 32 bits of codewords hold 32 of the 64 symbols.
        ["Huffman codewords run out"] = (new DecodeOutput([0xFF, 0xFF, 0xFF, 0xFF], DecodeModel.Ancillary(DecodeModel.Huffman, [1, 0x00], [0x61, 0x88, 0x62, 0x88]),
            TensorType.Int8, [64], null), "the codewords end after 32 of 64 values"),
        ["Huffman offset past the table"] = (new DecodeOutput([0xFF, 0xFF, 0xFF, 0xFF], DecodeModel.Ancillary(DecodeModel.Huffman, [1, 0x00], [0x07, 0x00, 0x07, 0x00]),
            TensorType.Int8, [4], null), "past the 2 table entries"),
        ["Huffman version 2"] = (new DecodeOutput([0], DecodeModel.Ancillary(DecodeModel.Huffman, [2, 0x00], [0x00, 0x80]), TensorType.Int8, [1], null),
            "Huffman version 2 is not supported"),
        ["prune mask too short"] = (new DecodeOutput([0xFF], DecodeModel.Ancillary(DecodeModel.Prune, [1], new byte[16]), TensorType.Int8, [16], null),
            "the mask holds 1 bytes, 2 needed for 16 elements"),
        ["prune values too few"] = (new DecodeOutput([0xFF, 0x01], DecodeModel.Ancillary(DecodeModel.Prune, [1], new byte[8]), TensorType.Int8, [16], null),
            "the mask keeps 9 values, the value list holds 8"),
        ["prune version 2"] = (new DecodeOutput([0xFF], DecodeModel.Ancillary(DecodeModel.Prune, [2], new byte[8]), TensorType.Int8, [8], null),
            "prune version 2 is not supported"),
        ["custom decode type"] = (new DecodeOutput([0], DecodeModel.Ancillary(127, [1], []), TensorType.Int8, [1], null), "custom decode types are not supported"),
        ["unknown decode type"] = (new DecodeOutput([0], DecodeModel.Ancillary(5, [1], []), TensorType.Int8, [1], null), "decode type 5 is not supported"),
    };

    [Theory]
    [MemberData(nameof(DecodeCases))]
    public void MalformedAncillaryDataIsNamed(string name)
    {
        (DecodeOutput output, string message) = AncillaryCases[name];
        byte[] model = DecodeModel.Build([output]);
        var e = Assert.Throws<InvalidModelException>(() => DecodeModel.Run(model));
        Assert.Contains(message, e.Message);
        Assert.Contains("TFLM_DECODE", e.Message);
        Assert.Contains("'ancillary0'", e.Message);
    }

    [Fact]
    public void DecodeInputsMustBeConstantPairs()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder g = builder.AddSubgraph();
        int encoded = g.AddTensor("encoded", TensorType.UInt8, [2]);
        int ancillary = g.AddConstant("ancillary", TensorType.UInt8, [20], DecodeModel.Ancillary(DecodeModel.Lut, [1, 2, 4], LutTable));
        int output = g.AddTensor("decoded", TensorType.Int8, [8]);
        g.AddCustomOperator(Decode.OperatorName, [encoded, ancillary], [output]);
        g.SetInputs(encoded);
        g.SetOutputs(output);
        var e = Assert.Throws<KernelException>(() => DecodeModel.Run(builder.Build()));
        Assert.Contains("must be constants", e.Message);

        builder = new ModelBuilder();
        g = builder.AddSubgraph();
        ancillary = g.AddConstant("ancillary", TensorType.UInt8, [20], DecodeModel.Ancillary(DecodeModel.Lut, [1, 2, 4], LutTable));
        output = g.AddTensor("decoded", TensorType.Int8, [8]);
        g.AddCustomOperator(Decode.OperatorName, [ancillary], [output]);
        g.SetInputs();
        g.SetOutputs(output);
        e = Assert.Throws<KernelException>(() => DecodeModel.Run(builder.Build()));
        Assert.Contains("expects two inputs (encoded, ancillary) per output", e.Message);
    }
}
