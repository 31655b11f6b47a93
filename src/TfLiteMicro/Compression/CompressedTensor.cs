namespace TfLiteMicro.Compression;

/// <summary>
/// A constant tensor the model stores LUT-compressed (TFLM's COMPRESSION_METADATA): its buffer holds packed indices
/// of <see cref="BitWidth"/> bits, looked up in the value tables of buffer <see cref="ValueBuffer"/>. Kernels read the
/// decompressed values; this describes the stored form, e.g. for tools that report what compression saved.
/// </summary>
public sealed class CompressedTensor
{
    internal CompressedTensor(int subgraph, int tensor, string name, TensorType type, int valueBuffer, LutLayout layout,
        ReadOnlyMemory<byte> encoded, ReadOnlyMemory<byte> valueTables)
    {
        Subgraph = subgraph;
        Tensor = tensor;
        Name = name;
        Type = type;
        ValueBuffer = valueBuffer;
        Layout = layout;
        Encoded = encoded;
        ValueTables = valueTables;
    }

    /// <summary>The subgraph holding the tensor.</summary>
    public int Subgraph { get; }

    /// <summary>The tensor's index in its subgraph.</summary>
    public int Tensor { get; }

    /// <summary>The tensor's name in the model.</summary>
    public string Name { get; }

    /// <summary>The element type of the decompressed values (and of the value tables).</summary>
    public TensorType Type { get; }

    /// <summary>The model buffer holding the value tables.</summary>
    public int ValueBuffer { get; }

    /// <summary>Bits per stored index (1 to 7).</summary>
    public int BitWidth => Layout.BitWidth;

    /// <summary>Number of value tables: one, or one per channel for a per-channel quantized tensor.</summary>
    public int ChannelCount => Layout.ChannelCount;

    /// <summary>Entries in each value table.</summary>
    public int ValuesPerChannel => Layout.Stride;

    /// <summary>True when the channels run along the last axis (e.g. a depthwise filter), false for the first.</summary>
    public bool ChannelsOnLastAxis => Layout.LastAxis;

    /// <summary>Number of values the tensor holds once decompressed.</summary>
    public int ElementCount => Layout.ElementCount;

    /// <summary>Bytes of the tensor's buffer (the packed indices).</summary>
    public int EncodedBytes => Encoded.Length;

    /// <summary>Bytes of the value-table buffer.</summary>
    public int ValueTableBytes => ValueTables.Length;

    /// <summary>Bytes of the values once decompressed (what the uncompressed model stores).</summary>
    public long DecodedBytes => Layout.DecodedBytes;

    /// <summary>What the compressed form saves over the plain one (negative when it costs more).</summary>
    public long BytesSaved => DecodedBytes - EncodedBytes - ValueTableBytes;

    internal LutLayout Layout { get; }
    internal ReadOnlyMemory<byte> Encoded { get; }
    internal ReadOnlyMemory<byte> ValueTables { get; }

    /// <summary>Decodes every value into <paramref name="destination"/> (at least <see cref="DecodedBytes"/> bytes).</summary>
    internal void DecodeInto(Span<byte> destination, bool allowSimd = true)
        => LutDecoder.Decode(Encoded.Span, ValueTables.Span, Layout, destination, allowSimd);

    /// <summary>Where the tensor is and how it is compressed, in one line.</summary>
    public override string ToString()
        => $"subgraph {Subgraph}, tensor {Tensor} '{Name}': {TensorTypes.GetName(Type)}, {BitWidth}-bit indices, " +
           $"{ChannelCount} table(s) of {ValuesPerChannel}";
}
