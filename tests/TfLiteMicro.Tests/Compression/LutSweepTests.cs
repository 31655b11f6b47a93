using System.Text.Json;
using TfLiteMicro.Compression;

namespace TfLiteMicro.Tests.Compression;

/// <summary>
/// The LUT sweeps of TFLM's decode_state_lut_test.cc (DECODE) and decompress_test.cc (the metadata path's decompression),
/// from their parameters in Vectors/lut_sweep.json: every element type, bit widths 1-7, one and two channels along the
/// first and the last axis, 22 element counts per channel, value tables of 2^n and 2^n-1 entries. Each case's table is
/// filled as TFLM fills it, the expected values walk the table as TFLM's do, and the bit string is packed here bit by bit.
/// </summary>
public sealed class LutSweepTests
{
    private static readonly JsonElement Sweep = DecodeModel.Vectors("lut_sweep.json");

    public static TheoryData<string, int> TypesAndWidths()
    {
        var data = new TheoryData<string, int>();
        foreach (JsonElement type in Sweep.GetProperty("types").EnumerateArray())
            foreach (JsonElement bits in Sweep.GetProperty("bit_widths").EnumerateArray())
                data.Add(type.GetString()!, bits.GetInt32());
        return data;
    }

    private sealed record Case(string Rule, int PerChannel, int Channels, bool LastAxis, LutLayout Layout, byte[] Tables, byte[] Encoded, byte[] Expected)
    {
        public override string ToString() => $"{Channels} channel(s){(LastAxis ? " on the last axis" : "")}, {PerChannel} per channel, stride {Layout.Stride}";
    }

    /// <summary>Every case of one type and bit width.</summary>
    private static IEnumerable<Case> Cases(TensorType type, int bits)
    {
        int maxTable = Sweep.GetProperty("max_value_table_entries").GetInt32();
        int size = TensorTypes.ElementSize(type);
        foreach (bool lastAxis in new[] { false, true })
        foreach (int channels in Sweep.GetProperty("channel_counts").EnumerateArray().Select(e => e.GetInt32()))
        foreach (string rule in Sweep.GetProperty("value_tables").EnumerateArray().Select(e => e.GetString()!))
        foreach (int perChannel in Sweep.GetProperty("elements_per_channel").EnumerateArray().Select(e => e.GetInt32()))
        {
            int total = perChannel * channels;
            int entries = type == TensorType.Bool
                ? (rule == "2^n" ? 2 : 1) * channels
                : ((1 << bits) - (rule == "2^n" ? 0 : 1)) * channels;
            entries = Math.Min(Math.Min(entries, total), maxTable);
            int stride = entries / channels;
            byte[] tables = FillTables(type, entries);

            // Expected values cycle through each channel's table: along the first axis the position restarts with each
            // channel; along the last axis every channel of a row shares the row's position.
            var indices = new int[total];
            var tableOf = new int[total];
            for (int i = 0; i < total; i++)
            {
                (int channel, int position) = lastAxis ? (i % channels, i / channels) : (i / perChannel, i % perChannel);
                indices[i] = position % stride;
                tableOf[i] = channel;
            }
            var expected = new byte[total * size];
            for (int i = 0; i < total; i++)
                tables.AsSpan((tableOf[i] * stride + indices[i]) * size, size).CopyTo(expected.AsSpan(i * size));
            var layout = new LutLayout(bits, total, size, channels, stride, lastAxis && channels > 1);
            yield return new Case(rule, perChannel, channels, lastAxis, layout, tables, Pack(indices, bits), expected);
        }
    }

    /// <summary>TFLM's table fill: integers -1, -2, ... (wrapping in the type), floats -1.1 then 1 less each (in float), bools alternating from true.</summary>
    private static byte[] FillTables(TensorType type, int entries)
    {
        JsonElement fill = Sweep.GetProperty("fill");
        var values = new double[entries];
        if (type == TensorType.Float32)
        {
            float v = (float)fill.GetProperty("float32").GetProperty("first").GetDouble();
            float step = (float)fill.GetProperty("float32").GetProperty("step").GetDouble();
            for (int i = 0; i < entries; i++, v += step) values[i] = v;
        }
        else if (type == TensorType.Bool)
        {
            bool v = fill.GetProperty("bool").GetProperty("first").GetBoolean();
            for (int i = 0; i < entries; i++, v = !v) values[i] = v ? 1 : 0;
        }
        else
        {
            long first = fill.GetProperty("integer").GetProperty("first").GetInt64();
            long step = fill.GetProperty("integer").GetProperty("step").GetInt64();
            for (int i = 0; i < entries; i++)
            {
                long v = first + step * i;
                values[i] = type == TensorType.Int8 ? unchecked((sbyte)v) : v;
            }
        }
        return DecodeModel.Bytes(JsonSerializer.SerializeToElement(values), type);
    }

    /// <summary>Indices packed most significant bit first, bit by bit, zero-padded to a whole byte.</summary>
    private static byte[] Pack(int[] indices, int bits)
    {
        var packed = new byte[((long)indices.Length * bits + 7) / 8];
        long at = 0;
        foreach (int index in indices)
            for (int b = bits - 1; b >= 0; b--, at++)
                if ((index >> b & 1) != 0) packed[at / 8] |= (byte)(0x80 >> (int)(at % 8));
        return packed;
    }

    /// <summary>decompress_test.cc: the shared decompression step, vector and scalar paths, into a buffer poisoned with 0xFF.</summary>
    [Theory]
    [MemberData(nameof(TypesAndWidths))]
    public void DecompressionMatchesTflm(string typeName, int bits)
    {
        TensorType type = DecodeModel.ParseType(typeName);
        int count = 0;
        foreach (Case c in Cases(type, bits))
        {
            Assert.Null(c.Layout.Check(c.Encoded.Length, c.Tables.Length));
            Assert.Equal(-1, LutDecoder.FindIndexPastTable(c.Encoded, c.Layout));
            foreach (bool simd in new[] { true, false })
            {
                var output = new byte[c.Expected.Length + 16];
                output.AsSpan().Fill(0xFF);
                LutDecoder.Decode(c.Encoded, c.Tables, c.Layout, output, simd);
                Assert.True(c.Expected.AsSpan().SequenceEqual(output.AsSpan(0, c.Expected.Length)), $"{typeName} {bits} bits, {c}, simd {simd}");
                Assert.All(output.AsSpan(c.Expected.Length).ToArray(), b => Assert.Equal(0xFF, b));
            }
            count++;
        }
        Assert.Equal(2 * 2 * 2 * 22, count);
    }

    /// <summary>decode_state_lut_test.cc: the same cases through DECODE (one operator decoding all element counts of a setting).</summary>
    [Theory]
    [MemberData(nameof(TypesAndWidths))]
    public void DecodeMatchesTflm(string typeName, int bits)
    {
        TensorType type = DecodeModel.ParseType(typeName);
        foreach (IGrouping<(int, bool, string), Case> setting in Cases(type, bits).GroupBy(c => (c.Channels, c.LastAxis, c.Rule)))
        {
            List<Case> cases = [.. setting];
            var outputs = cases.Select(c =>
            {
                int[] shape = c.LastAxis ? [c.PerChannel, c.Channels] : [c.Channels, c.PerChannel];
                byte[] ancillary = DecodeModel.Ancillary(DecodeModel.Lut, [1, (byte)bits, (byte)c.Layout.Stride], c.Tables);
                // TFLM's test quantizes along dimension (scales - 1) for the last axis: 0, the first axis, with one channel.
                return new DecodeOutput(c.Encoded, ancillary, type, shape, DecodeModel.Channels(c.Channels, c.LastAxis ? c.Channels - 1 : 0));
            }).ToList();
            MicroInterpreter interpreter = DecodeModel.Run(DecodeModel.Build(outputs));
            for (int k = 0; k < cases.Count; k++)
                Assert.True(cases[k].Expected.AsSpan().SequenceEqual(interpreter.Output(k).AsReadOnlySpan<byte>()), $"{typeName} {bits} bits, {cases[k]}");
        }
    }
}
