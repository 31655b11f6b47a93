using System.Text.Json;

namespace TfLiteMicro.Tests.Compression;

/// <summary>DECODE against TFLM's own test vectors (Compression/Vectors, carried over as data).</summary>
public sealed class DecodeVectorTests
{
    [Theory]
    [InlineData("DecodeSingleTensorLUT")]
    [InlineData("DecodeTwoTensorsLUT")]
    [InlineData("DecodeWithAltDecompressionMemory")]
    public void Lut(string name)
    {
        JsonElement v = DecodeModel.Vectors("decode_lut.json");
        JsonElement c = v.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        byte[] encoded = DecodeModel.Bytes(v.GetProperty("encoded"), TensorType.UInt8);
        int[] shape = [.. v.GetProperty("output_shape").EnumerateArray().Select(e => e.GetInt32())];
        byte bits = (byte)v.GetProperty("bit_width").GetInt32();
        var outputs = new List<DecodeOutput>();
        var expected = new List<byte[]>();
        foreach (int t in c.GetProperty("tensors").EnumerateArray().Select(e => e.GetInt32()))
        {
            JsonElement tensor = v.GetProperty("tensors")[t];
            TensorType type = DecodeModel.ParseType(tensor.GetProperty("output_type").GetString()!);
            byte[] values = DecodeModel.Bytes(tensor.GetProperty("values"), type);
            byte stride = (byte)tensor.GetProperty("values").GetArrayLength();
            byte[] ancillary = DecodeModel.Ancillary(DecodeModel.Lut, [1, bits, stride], values);
            QuantizationParameters? q = c.GetProperty("scales").GetInt32() == 1 ? DecodeModel.Channels(1, 0) : null;
            outputs.Add(new DecodeOutput(encoded, ancillary, type, shape, q));
            expected.Add(DecodeModel.Bytes(tensor.GetProperty("expected"), type));
        }

        bool alternate = c.GetProperty("alternate_memory").GetBoolean();
        var region = new byte[64];
        region.AsSpan().Fill(0x5A);
        var options = alternate ? new InterpreterOptions { DecompressionMemory = [region] } : null;
        MicroInterpreter interpreter = DecodeModel.Run(DecodeModel.Build(outputs), options);
        for (int k = 0; k < expected.Count; k++)
            Assert.Equal(expected[k], interpreter.Output(k).AsReadOnlySpan<byte>().ToArray());
        if (alternate)
        {
            // The decoded tensor lives in the application's region, not in the arena.
            Assert.Equal(expected[0], region.AsSpan(0, expected[0].Length).ToArray());
            Assert.True(interpreter.DecompressionMemoryUsedBytes > 0);
            Assert.Equal(0, interpreter.ArenaUsage.PlannedBytes);
        }
    }

    [Theory]
    [InlineData("DecodeHuffmanTable16BitsInt8")]
    [InlineData("DecodeHuffmanTable16BitsInt16Fail")]
    [InlineData("DecodeHuffmanTable32BitsInt8")]
    [InlineData("DecodeHuffmanTable32BitsInt16")]
    public void Huffman(string name)
    {
        JsonElement v = DecodeModel.Vectors("decode_huffman.json");
        JsonElement c = v.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        bool wide = c.GetProperty("table").GetInt32() == 32;
        TensorType type = DecodeModel.ParseType(c.GetProperty("output_type").GetString()!);
        byte[] table = DecodeModel.Bytes(v.GetProperty(wide ? "table32" : "table16"), wide ? TensorType.UInt32 : TensorType.UInt16);
        byte sizeField = (byte)(v.GetProperty("initial_table_size_field").GetInt32() << 4 | (wide ? 1 : 0));
        byte[] ancillary = DecodeModel.Ancillary(DecodeModel.Huffman, [1, sizeField], table);
        byte[] encoded = DecodeModel.Bytes(v.GetProperty("encoded"), TensorType.UInt8);
        int[] shape = [.. v.GetProperty("output_shape").EnumerateArray().Select(e => e.GetInt32())];
        byte[] model = DecodeModel.Build([new DecodeOutput(encoded, ancillary, type, shape, null)]);
        if (!c.GetProperty("succeeds").GetBoolean())
        {
            var e = Assert.Throws<InvalidModelException>(() => DecodeModel.Run(model));
            Assert.Contains("Huffman decoding to INT16", e.Message);
            return;
        }
        MicroInterpreter interpreter = DecodeModel.Run(model);
        Assert.Equal(DecodeModel.Bytes(v.GetProperty("expected"), type), interpreter.Output(0).AsReadOnlySpan<byte>().ToArray());
    }

    public static TheoryData<string> PruneCases()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in DecodeModel.Vectors("decode_prune.json").GetProperty("cases").EnumerateArray())
            data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(PruneCases))]
    public void Prune(string name)
    {
        JsonElement v = DecodeModel.Vectors("decode_prune.json");
        JsonElement c = v.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        TensorType type = DecodeModel.ParseType(c.GetProperty("output_type").GetString()!);
        byte[] ancillary = DecodeModel.Ancillary(DecodeModel.Prune, [1], DecodeModel.Bytes(c.GetProperty("values"), type));
        int[] shape = [.. c.GetProperty("output_shape").EnumerateArray().Select(e => e.GetInt32())];
        QuantizationParameters? q = null;
        if (c.GetProperty("zero_points").ValueKind == JsonValueKind.Array)
        {
            long[] zeroPoints = [.. c.GetProperty("zero_points").EnumerateArray().Select(e => e.GetInt64())];
            q = DecodeModel.Channels(zeroPoints.Length, c.GetProperty("quantized_dimension").GetInt32(), zeroPoints);
        }
        byte[] model = DecodeModel.Build([new DecodeOutput(DecodeModel.Bytes(v.GetProperty("encoded"), TensorType.UInt8), ancillary, type, shape, q)]);
        if (!c.GetProperty("succeeds").GetBoolean())
        {
            var e = Assert.Throws<InvalidModelException>(() => DecodeModel.Run(model));
            Assert.Contains("zero points must be zero", e.Message);
            return;
        }
        MicroInterpreter interpreter = DecodeModel.Run(model);
        Assert.Equal(DecodeModel.Bytes(c.GetProperty("expected"), type), interpreter.Output(0).AsReadOnlySpan<byte>().ToArray());
    }
}
