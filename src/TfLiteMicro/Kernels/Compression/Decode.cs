using System.Runtime.InteropServices;
using TfLiteMicro.Compression;

namespace TfLiteMicro.Kernels;

/// <summary>
/// DECODE (TFLM's custom operator "TFLM_DECODE"): inputs are pairs of (encoded tensor, ancillary data tensor), one pair per
/// output, all constants; each output receives its pair decoded. The ancillary data starts with a 16-byte header (byte 0
/// the decode type: 0 LUT, 1 Huffman, 2 prune; byte 1 the header version, 1; bytes 4.. the decoder's own fields) and
/// continues with the decoder's tables. Everything is checked while preparing, so bad ancillary data is an
/// <see cref="InvalidModelException"/> naming the operator and tensor. Outputs go into the application's decompression
/// memory when it has room (<see cref="InterpreterOptions.DecompressionMemory"/>), otherwise into the arena.
/// </summary>
internal sealed class Decode : IKernel
{
    /// <summary>The custom operator name TFLM registers DECODE under.</summary>
    public const string OperatorName = "TFLM_DECODE";

    /// <summary>Bytes of the common header that starts every ancillary tensor.</summary>
    private const int HeaderBytes = 16;

    private const byte TypeLut = 0, TypeHuffman = 1, TypePrune = 2, TypeCustom = 127;

    private Step[] _steps = [];

    /// <summary>How one output is decoded.</summary>
    private struct Step
    {
        public byte Type;
        public LutLayout Lut;
        public HuffmanDecoder Huffman;
        public PruneDecoder Prune;
        public sbyte ZeroPoint;
        public int ZeroPointsHandle;
    }

    public void Prepare(PrepareContext context)
    {
        int outputs = context.OutputCount;
        if (outputs == 0 || context.InputCount != 2 * outputs)
            throw context.Error($"expects two inputs (encoded, ancillary) per output, has {context.InputCount} inputs and {outputs} outputs");
        _steps = new Step[outputs];
        for (int k = 0; k < outputs; k++)
        {
            Tensor encoded = context.Input(2 * k);
            Tensor ancillary = context.Input(2 * k + 1);
            Tensor output = context.Output(k);
            string where = $"output {k} '{output.Name}' from tensors {encoded.Index} '{encoded.Name}' and {ancillary.Index} '{ancillary.Name}'";
            if (!encoded.IsConstant || !ancillary.IsConstant)
                throw context.Error($"{where}: the encoded and ancillary tensors must be constants of the model");
            ReadOnlySpan<byte> header = ancillary.AsReadOnlySpan<byte>();
            if (header.Length < HeaderBytes)
                throw context.InvalidData($"{where}: the ancillary data holds {header.Length} bytes, less than its {HeaderBytes}-byte header");
            if (header[1] != 1)
                throw context.InvalidData($"{where}: ancillary header version {header[1]} is not supported (expected 1)");
            string? problem = header[0] switch
            {
                TypeLut => PrepareLut(ref _steps[k], encoded, header, output),
                TypeHuffman => PrepareHuffman(ref _steps[k], encoded, header, output),
                TypePrune => PreparePrune(context, ref _steps[k], encoded, header, output),
                TypeCustom => "custom decode types are not supported",
                _ => $"decode type {header[0]} is not supported (0 LUT, 1 Huffman, 2 prune)",
            };
            if (problem is not null) throw context.InvalidData($"{where}: {problem}");
            _steps[k].Type = header[0];
            context.PreferDecompressionMemory(k);
        }
    }

    public void Invoke(InvokeContext context)
    {
        for (int k = 0; k < _steps.Length; k++)
        {
            ReadOnlySpan<byte> encoded = context.Input<byte>(2 * k);
            ReadOnlySpan<byte> payload = context.Input<byte>(2 * k + 1).Slice(HeaderBytes);
            Span<byte> output = context.Output<byte>(k);
            ref Step step = ref _steps[k];
            switch (step.Type)
            {
                case TypeLut:
                    LutDecoder.Decode(encoded, payload, step.Lut, output);
                    break;
                case TypeHuffman:
                    // Checked while preparing; the walk repeats the checks, so a change of data could not read out of range.
                    if (step.Huffman.Decode(encoded, payload, output) is { } problem) throw context.Error(problem);
                    break;
                default:
                    ReadOnlySpan<sbyte> zeroPoints = step.ZeroPointsHandle >= 0
                        ? context.Persistent<sbyte>(step.ZeroPointsHandle)
                        : MemoryMarshal.CreateReadOnlySpan(ref step.ZeroPoint, 1);
                    step.Prune.Decode(encoded, payload, zeroPoints, output);
                    break;
            }
        }
    }

    /// <summary>Channels of a LUT or prune output: one per scale, along the first axis or (with several) the last.</summary>
    private static string? Channels(Tensor output, out int channels, out bool lastAxis)
    {
        channels = 1;
        lastAxis = false;
        QuantizationParameters q = output.Quantization;
        if (!q.IsQuantized) return null;
        channels = q.Scales.Length;
        if (q.QuantizedDimension == output.Rank - 1 && channels > 1) lastAxis = true;
        else if (q.QuantizedDimension != 0) return $"quantization along dimension {q.QuantizedDimension} is not supported (only the first or last)";
        return null;
    }

    private static string? PrepareLut(ref Step step, Tensor encoded, ReadOnlySpan<byte> header, Tensor output)
    {
        if (header[4] != 1) return $"LUT version {header[4]} is not supported (expected 1)";
        if (output.Type is not (TensorType.Bool or TensorType.Float32 or TensorType.Int8 or TensorType.Int16 or TensorType.Int32 or TensorType.Int64))
            return $"LUT decoding to {TensorTypes.GetName(output.Type)} is not supported";
        if (Channels(output, out int channels, out bool lastAxis) is { } axisProblem) return axisProblem;
        var layout = new LutLayout(header[5] & 0x07, output.ElementCount, TensorTypes.ElementSize(output.Type), channels, header[6], lastAxis);
        ReadOnlySpan<byte> indices = encoded.AsReadOnlySpan<byte>();
        if (layout.Check(indices.Length, header.Length - HeaderBytes) is { } problem) return problem;
        long bad = LutDecoder.FindIndexPastTable(indices, layout);
        if (bad >= 0) return $"element {bad} has an index past its value table ({layout.Stride} entries)";
        step.Lut = layout;
        return null;
    }

    private static string? PrepareHuffman(ref Step step, Tensor encoded, ReadOnlySpan<byte> header, Tensor output)
    {
        if (header[4] != 1) return $"Huffman version {header[4]} is not supported (expected 1)";
        bool wide = (header[5] & 0x01) != 0;
        if (output.Type != TensorType.Int8 && !(wide && output.Type == TensorType.Int16))
            return $"Huffman decoding to {TensorTypes.GetName(output.Type)} is not supported (INT8, or INT16 with 32-bit tables)";
        var decoder = new HuffmanDecoder(output.ElementCount, TensorTypes.ElementSize(output.Type), wide, ((header[5] & 0xF0) >> 4) + 1);
        if (decoder.Decode(encoded.AsReadOnlySpan<byte>(), header.Slice(HeaderBytes), default) is { } problem) return problem;
        step.Huffman = decoder;
        return null;
    }

    private static string? PreparePrune(PrepareContext context, ref Step step, Tensor encoded, ReadOnlySpan<byte> header, Tensor output)
    {
        if (header[4] != 1) return $"prune version {header[4]} is not supported (expected 1)";
        if (output.Type is not (TensorType.Bool or TensorType.Float32 or TensorType.Int8 or TensorType.Int16 or TensorType.Int32 or TensorType.Int64))
            return $"prune decoding to {TensorTypes.GetName(output.Type)} is not supported";
        if (Channels(output, out int channels, out bool lastAxis) is { } axisProblem) return axisProblem;
        ReadOnlySpan<long> zeroPoints = output.Quantization.ZeroPoints;
        bool anyNonZero = zeroPoints.ContainsAnyExcept(0);
        if (anyNonZero && output.Type != TensorType.Int8) return "all zero points must be zero for a type other than INT8";

        // Zero points are kept as TFLM keeps them, as int8 (other types fill with zero). Per channel only when they differ from zero.
        bool perChannel = channels > 1 && anyNonZero;
        step.ZeroPointsHandle = -1;
        step.ZeroPoint = zeroPoints.Length > 0 ? unchecked((sbyte)zeroPoints[0]) : (sbyte)0;
        var decoder = new PruneDecoder(output.ElementCount, TensorTypes.ElementSize(output.Type), perChannel ? channels : 1, lastAxis);
        if (decoder.Check(encoded.AsReadOnlySpan<byte>(), header.Length - HeaderBytes) is { } problem) return problem;
        if (perChannel)
        {
            var channelZeroPoints = new sbyte[channels];
            for (int c = 0; c < channels; c++) channelZeroPoints[c] = unchecked((sbyte)zeroPoints[c]);
            step.ZeroPointsHandle = context.AllocatePersistent<sbyte>(channelZeroPoints);
        }
        step.Prune = decoder;
        return null;
    }
}
