using System.Text.Json;
using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Compression;

/// <summary>What one DECODE output is made from and what it should hold.</summary>
internal sealed record DecodeOutput(byte[] Encoded, byte[] Ancillary, TensorType Type, int[] Shape, QuantizationParameters? Quantization);

/// <summary>Models with one TFLM_DECODE operator, for running TFLM's DECODE vectors through the real reader and interpreter.</summary>
internal static class DecodeModel
{
    public const byte Lut = 0, Huffman = 1, Prune = 2;

    /// <summary>The 16-byte ancillary header (type, header version 1, then the decoder's bytes from offset 4) followed by <paramref name="payload"/>.</summary>
    public static byte[] Ancillary(byte type, ReadOnlySpan<byte> decoderFields, ReadOnlySpan<byte> payload, byte headerVersion = 1)
    {
        var bytes = new byte[16 + payload.Length];
        bytes[0] = type;
        bytes[1] = headerVersion;
        decoderFields.CopyTo(bytes.AsSpan(4));
        payload.CopyTo(bytes.AsSpan(16));
        return bytes;
    }

    public static byte[] Build(IReadOnlyList<DecodeOutput> outputs)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder g = builder.AddSubgraph();
        var inputs = new List<int>();
        var results = new List<int>();
        for (int k = 0; k < outputs.Count; k++)
        {
            DecodeOutput o = outputs[k];
            inputs.Add(g.AddConstant($"encoded{k}", TensorType.UInt8, [o.Encoded.Length], o.Encoded));
            inputs.Add(g.AddConstant($"ancillary{k}", TensorType.UInt8, [o.Ancillary.Length], o.Ancillary));
            results.Add(g.AddTensor($"decoded{k}", o.Type, o.Shape, o.Quantization));
        }
        g.AddCustomOperator(Decode.OperatorName, [.. inputs], [.. results]);
        g.SetInputs();
        g.SetOutputs([.. results]);
        return builder.Build();
    }

    /// <summary>Prepares and invokes the model in an arena poisoned with 0xA5, so unwritten output bytes show.</summary>
    public static MicroInterpreter Run(byte[] model, InterpreterOptions? options = null)
    {
        var arena = new byte[1 << 20];
        arena.AsSpan().Fill(0xA5);
        var interpreter = new MicroInterpreter(Model.Load(model), new OpResolver().AddDecode(), arena, options);
        interpreter.AllocateTensors();
        interpreter.Invoke();
        return interpreter;
    }

    /// <summary>Per-channel (or per-tensor, one scale) quantization with unit scales.</summary>
    public static QuantizationParameters Channels(int count, int dimension, long[]? zeroPoints = null)
        => new([.. Enumerable.Repeat(1f, count)], zeroPoints ?? new long[count], dimension);

    public static TensorType ParseType(string name) => name switch
    {
        "bool" => TensorType.Bool,
        "float32" => TensorType.Float32,
        "int8" => TensorType.Int8,
        "int16" => TensorType.Int16,
        "int32" => TensorType.Int32,
        "int64" => TensorType.Int64,
        _ => throw new ArgumentException($"unknown type {name}"),
    };

    /// <summary>Numbers of a JSON array as the little-endian bytes of <paramref name="type"/>.</summary>
    public static byte[] Bytes(JsonElement numbers, TensorType type)
    {
        var values = numbers.EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var bytes = new byte[values.Length * TensorTypes.ElementSize(type)];
        for (int i = 0; i < values.Length; i++)
        {
            Span<byte> at = bytes.AsSpan(i * TensorTypes.ElementSize(type));
            switch (type)
            {
                case TensorType.Float32: BitConverter.TryWriteBytes(at, (float)values[i]); break;
                case TensorType.Int8: at[0] = unchecked((byte)(sbyte)values[i]); break;
                case TensorType.UInt8 or TensorType.Bool: at[0] = (byte)values[i]; break;
                case TensorType.Int16: BitConverter.TryWriteBytes(at, (short)values[i]); break;
                case TensorType.UInt16: BitConverter.TryWriteBytes(at, (ushort)values[i]); break;
                case TensorType.Int32: BitConverter.TryWriteBytes(at, (int)values[i]); break;
                case TensorType.UInt32: BitConverter.TryWriteBytes(at, (uint)values[i]); break;
                case TensorType.Int64: BitConverter.TryWriteBytes(at, (long)values[i]); break;
                default: throw new ArgumentException($"no bytes for {type}");
            }
        }
        return bytes;
    }

    public static JsonElement Vectors(string file)
        => JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Compression", "Vectors", file))).RootElement;
}
