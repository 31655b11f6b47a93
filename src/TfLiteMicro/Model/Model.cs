using System.Runtime.CompilerServices;
using TfLiteMicro.Compression;

namespace TfLiteMicro;

/// <summary>
/// A TFLite model (schema version 3) read straight from its bytes. Loading checks the whole structure once
/// (offsets, vtables, vector lengths, strings, union tags, tensor/buffer/opcode indices, shapes against
/// buffer sizes); constant data stays in the caller's memory and is never copied.
/// </summary>
public sealed class Model
{
    private const int MaxDimensions = 16;

    private Model(ReadOnlyMemory<byte> bytes)
    {
        Bytes = bytes;
    }

    /// <summary>The model bytes this instance reads from.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    public uint Version { get; private set; }
    public string? Description { get; private set; }
    public IReadOnlyList<OperatorCode> OperatorCodes { get; private set; } = [];
    public IReadOnlyList<Subgraph> Subgraphs { get; private set; } = [];

    /// <summary>The model's buffers; buffer 0 is by convention empty.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Buffers { get; private set; } = [];

    public IReadOnlyList<ModelMetadata> Metadata { get; private set; } = [];
    public IReadOnlyList<SignatureDef> SignatureDefs { get; private set; } = [];

    /// <summary>Loads and verifies a model held in an array (not copied).</summary>
    public static Model Load(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Load(new ReadOnlyMemory<byte>(bytes));
    }

    /// <summary>Loads and verifies a model over any memory (not copied). Throws <see cref="InvalidModelException"/> for malformed bytes.</summary>
    public static Model Load(ReadOnlyMemory<byte> bytes)
    {
        var model = new Model(bytes);
        model.Parse();
        return model;
    }

    /// <summary>
    /// Loads a model over memory that never moves: native memory, or a <c>ReadOnlySpan&lt;byte&gt;</c> over constant
    /// data the compiler placed in the assembly (what <c>tflm embed</c> generates). The memory must outlive the model.
    /// </summary>
    public static unsafe Model LoadUnmanaged(byte* pointer, int length)
    {
        if (pointer == null) throw new ArgumentNullException(nameof(pointer));
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length));
        return Load(new UnmanagedMemoryManager(pointer, length).Memory);
    }

    /// <summary>
    /// Loads a model from a span over static read-only data (a <c>static ReadOnlySpan&lt;byte&gt; X =&gt; [ ... ];</c> property),
    /// which the runtime never moves. Do not pass a span over a managed array or the stack.
    /// </summary>
    public static unsafe Model LoadStatic(ReadOnlySpan<byte> staticData)
    {
        byte* pointer = (byte*)Unsafe.AsPointer(ref Unsafe.AsRef(in staticData.GetPinnableReference()));
        return LoadUnmanaged(pointer, staticData.Length);
    }

    private void Parse()
    {
        FlatTable root = FlatTable.Root(Bytes);
        Version = root.GetUInt32(0);
        Description = Located("model description", () => root.GetString(3));
        if (Version != 3)
            throw new InvalidModelException($"model: schema version {Version} is not supported (expected 3)");

        Buffers = ParseBuffers(root);
        OperatorCodes = ParseOperatorCodes(root);

        FlatVector subgraphVector = Located("model subgraphs", () => root.GetVector(2, 4));
        if (subgraphVector.Length == 0)
            throw new InvalidModelException("model: it has no subgraphs");

        // Compressed tensors hold packed indices instead of their values, so their buffers are sized by the metadata.
        Metadata = ParseMetadata(root);
        ModelCompression.Entry[] compressed = ModelCompression.ReadEntries(Metadata, subgraphVector.Length, Buffers.Count);

        var subgraphs = new Subgraph[subgraphVector.Length];
        for (int s = 0; s < subgraphs.Length; s++)
            subgraphs[s] = ParseSubgraph(s, subgraphVector.GetTable(s), compressed);
        Subgraphs = subgraphs;
        foreach (ModelCompression.Entry entry in compressed)
            ModelCompression.Describe(this, entry, checkIndices: true);

        SignatureDefs = ParseSignatures(root);
    }

    private static T Located<T>(string where, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidModelException e)
        {
            throw e.At(where);
        }
    }

    private ReadOnlyMemory<byte>[] ParseBuffers(FlatTable root)
    {
        FlatVector vector = Located("model buffers", () => root.GetVector(4, 4));
        var buffers = new ReadOnlyMemory<byte>[vector.Length];
        for (int b = 0; b < buffers.Length; b++)
        {
            try
            {
                FlatTable table = vector.GetTable(b);
                ReadOnlyMemory<byte> data = table.GetBytes(0);
                ulong offset = table.GetUInt64(1);
                ulong size = table.GetUInt64(2);
                if (offset > 1)
                {
                    // Models over 2 GB keep buffer contents after the FlatBuffer, addressed from the file start.
                    if (offset + size > (ulong)Bytes.Length || offset + size < offset)
                        throw new InvalidModelException($"data at offset {offset} with size {size} lies outside the {Bytes.Length}-byte model");
                    data = Bytes.Slice((int)offset, (int)size);
                }
                buffers[b] = data;
            }
            catch (InvalidModelException e)
            {
                throw e.At($"buffer {b}");
            }
        }
        return buffers;
    }

    private static OperatorCode[] ParseOperatorCodes(FlatTable root)
    {
        FlatVector vector = Located("model operator codes", () => root.GetVector(1, 4));
        var codes = new OperatorCode[vector.Length];
        for (int i = 0; i < codes.Length; i++)
        {
            try
            {
                FlatTable table = vector.GetTable(i);
                int deprecated = table.GetSByte(0);
                int code = Math.Max(deprecated, table.GetInt32(3));
                if (code < 0)
                    throw new InvalidModelException($"builtin code {code} is negative");
                string? custom = table.GetString(1);
                if (code == (int)BuiltinOperator.Custom && custom is null)
                    throw new InvalidModelException("a custom operator has no custom_code name");
                codes[i] = new OperatorCode((BuiltinOperator)code, custom, table.GetInt32(2, 1));
            }
            catch (InvalidModelException e)
            {
                throw e.At($"operator code {i}");
            }
        }
        return codes;
    }

    private Subgraph ParseSubgraph(int index, FlatTable table, ModelCompression.Entry[] compressed)
    {
        string where = $"subgraph {index}";
        FlatVector tensorVector = Located(where + " tensors", () => table.GetVector(0, 4));
        var tensors = new ModelTensor[tensorVector.Length];
        for (int t = 0; t < tensors.Length; t++)
        {
            try
            {
                tensors[t] = ParseTensor(t, tensorVector.GetTable(t), IsCompressed(compressed, index, t));
            }
            catch (InvalidModelException e)
            {
                throw e.At($"{where}, tensor {t}");
            }
        }

        int[] inputs = Located(where + " inputs", () => table.GetInt32Array(1));
        int[] outputs = Located(where + " outputs", () => table.GetInt32Array(2));
        CheckTensorIndices(inputs, tensors.Length, where + ", input", allowOmitted: false);
        CheckTensorIndices(outputs, tensors.Length, where + ", output", allowOmitted: false);

        FlatVector operatorVector = Located(where + " operators", () => table.GetVector(3, 4));
        var operators = new ModelOperator[operatorVector.Length];
        for (int o = 0; o < operators.Length; o++)
        {
            try
            {
                operators[o] = ParseOperator(o, operatorVector.GetTable(o), tensors.Length);
            }
            catch (InvalidModelException e)
            {
                throw e.At($"{where}, operator {o}");
            }
        }

        string name = Located(where + " name", () => table.GetString(4)) ?? "";
        return new Subgraph(index, name, tensors, inputs, outputs, operators);
    }

    private static void CheckTensorIndices(int[] indices, int tensorCount, string what, bool allowOmitted)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            int t = indices[i];
            if (t == -1 && allowOmitted) continue;
            if (t < 0 || t >= tensorCount)
                throw new InvalidModelException($"{what} {i}: tensor {t} out of range ({tensorCount} tensors)");
        }
    }

    private static bool IsCompressed(ModelCompression.Entry[] compressed, int subgraph, int tensor)
    {
        foreach (ModelCompression.Entry entry in compressed)
            if (entry.Subgraph == subgraph && entry.Tensor == tensor) return true;
        return false;
    }

    private ModelTensor ParseTensor(int index, FlatTable table, bool compressed)
    {
        int[] shape = table.GetInt32Array(0);
        if (shape.Length > MaxDimensions)
            throw new InvalidModelException($"{shape.Length} dimensions, more than the {MaxDimensions} supported");
        long elements = 1;
        bool unknownDimension = false;
        foreach (int d in shape)
        {
            // -1 marks a dimension a kernel works out while preparing (e.g. RESHAPE's stretch dimension).
            if (d < -1)
                throw new InvalidModelException($"shape [{string.Join(",", shape)}] has a negative dimension");
            if (d == -1) { unknownDimension = true; continue; }
            elements *= d;
            if (elements > int.MaxValue)
                throw new InvalidModelException($"shape [{string.Join(",", shape)}] has more than {int.MaxValue} elements");
        }

        byte typeCode = table.GetByte(1);
        if (typeCode > (byte)TensorType.Float8E5M2)
            throw new InvalidModelException($"type code {typeCode} is not a TensorType");
        var type = (TensorType)typeCode;

        uint bufferIndex = table.GetUInt32(2);
        if (bufferIndex >= (uint)Buffers.Count)
            throw new InvalidModelException($"buffer {bufferIndex} out of range ({Buffers.Count} buffers)");
        ReadOnlyMemory<byte> data = Buffers[(int)bufferIndex];

        if (unknownDimension && !data.IsEmpty)
            throw new InvalidModelException($"constant tensor has an unknown dimension in shape [{string.Join(",", shape)}]");
        long bytes = TensorTypes.ByteCount(type, elements);
        if (bytes > int.MaxValue)
            throw new InvalidModelException($"shape [{string.Join(",", shape)}] needs more than {int.MaxValue} bytes");
        if (!data.IsEmpty && bytes >= 0 && data.Length != bytes && !compressed)
            throw new InvalidModelException(
                $"buffer {bufferIndex} holds {data.Length} bytes but {TensorTypes.GetName(type)}[{string.Join(",", shape)}] needs {bytes}");

        string name = table.GetString(3) ?? "";
        QuantizationParameters quantization = ParseQuantization(table.GetTable(4), shape);
        CheckQuantizationRange(type, quantization);
        bool isVariable = table.GetBool(5);
        bool isSparse = table.GetTable(6).IsPresent;
        int[] signature = table.GetInt32Array(7);
        return new ModelTensor(index, name, type, shape, signature, (int)bufferIndex, data, quantization, isVariable, isSparse);
    }

    /// <summary>
    /// Scales must be finite, and zero points must be values of the tensor's type (TFLite's quantization spec):
    /// kernels rely on both, the optimized ones packing zero points into lanes of the element type.
    /// </summary>
    private static void CheckQuantizationRange(TensorType type, QuantizationParameters quantization)
    {
        foreach (float scale in quantization.Scales)
        {
            if (!float.IsFinite(scale))
                throw new InvalidModelException($"quantization scale {scale} is not a finite number");
        }
        (long min, long max) = type switch
        {
            TensorType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
            TensorType.UInt8 => (byte.MinValue, byte.MaxValue),
            TensorType.Int16 => (short.MinValue, short.MaxValue),
            TensorType.UInt16 => (ushort.MinValue, ushort.MaxValue),
            TensorType.Int4 => (-8, 7),
            TensorType.UInt4 => (0, 15),
            TensorType.Int32 or TensorType.UInt32 or TensorType.Int64 or TensorType.UInt64 => (int.MinValue, int.MaxValue),
            _ => (long.MinValue, long.MaxValue), // floating-point and other tensors do not use a zero point
        };
        foreach (long zeroPoint in quantization.ZeroPoints)
        {
            if (zeroPoint < min || zeroPoint > max)
                throw new InvalidModelException($"{TensorTypes.GetName(type)} zero point {zeroPoint} is outside [{min}, {max}]");
        }
    }

    private static QuantizationParameters ParseQuantization(FlatTable table, int[] shape)
    {
        if (!table.IsPresent) return QuantizationParameters.None;
        float[] min = table.GetFloatArray(0);
        float[] max = table.GetFloatArray(1);
        float[] scales = table.GetFloatArray(2);
        long[] zeroPoints = table.GetInt64Array(3);
        int dimension = table.GetInt32(6);
        if (scales.Length == 0 && zeroPoints.Length == 0 && min.Length == 0 && max.Length == 0)
            return QuantizationParameters.None;
        if (zeroPoints.Length != 0 && zeroPoints.Length != scales.Length)
            throw new InvalidModelException($"quantization has {scales.Length} scales but {zeroPoints.Length} zero points");
        // Converters leave quantized_dimension unchecked on some tensors (e.g. biases); kernels that use
        // per-channel scales check the count against their channel dimension themselves.
        if (scales.Length > 1 && dimension >= 0 && dimension < shape.Length && shape[dimension] != scales.Length && shape.Length > 1)
            throw new InvalidModelException(
                $"quantization has {scales.Length} scales but dimension {dimension} has {shape[dimension]} channels");
        if (dimension < 0)
            throw new InvalidModelException($"quantized_dimension {dimension} is negative");
        if (zeroPoints.Length == 0 && scales.Length > 0) zeroPoints = new long[scales.Length];
        return new QuantizationParameters(scales, zeroPoints, dimension, min, max);
    }

    private ModelOperator ParseOperator(int index, FlatTable table, int tensorCount)
    {
        uint opcodeIndex = table.GetUInt32(0);
        if (opcodeIndex >= (uint)OperatorCodes.Count)
            throw new InvalidModelException($"opcode index {opcodeIndex} out of range ({OperatorCodes.Count} operator codes)");
        int[] inputs = table.GetInt32Array(1);
        int[] outputs = table.GetInt32Array(2);
        int[] intermediates = table.GetInt32Array(8);
        CheckTensorIndices(inputs, tensorCount, "input", allowOmitted: true);
        CheckTensorIndices(outputs, tensorCount, "output", allowOmitted: true);
        CheckTensorIndices(intermediates, tensorCount, "intermediate", allowOmitted: true);

        byte optionsType = table.GetByte(3);
        FlatTable options = table.GetTable(4);
        if (optionsType == 0 && options.IsPresent)
            throw new InvalidModelException("builtin options are present without a union type");
        byte options2Type = table.GetByte(11);
        FlatTable options2 = table.GetTable(12);

        ReadOnlyMemory<byte> customOptions = table.GetBytes(5);
        ulong largeOffset = table.GetUInt64(9);
        ulong largeSize = table.GetUInt64(10);
        if (largeOffset > 1)
        {
            if (largeOffset + largeSize > (ulong)Bytes.Length || largeOffset + largeSize < largeOffset)
                throw new InvalidModelException($"large custom options at offset {largeOffset} with size {largeSize} lie outside the model");
            customOptions = Bytes.Slice((int)largeOffset, (int)largeSize);
        }
        bool[] mutating = table.GetBoolArray(7);
        return new ModelOperator(index, OperatorCodes[(int)opcodeIndex], inputs, outputs, intermediates,
            optionsType, options, options2Type, options2, customOptions, mutating);
    }

    private ModelMetadata[] ParseMetadata(FlatTable root)
    {
        FlatVector vector = Located("model metadata", () => root.GetVector(6, 4));
        var entries = new ModelMetadata[vector.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            try
            {
                FlatTable table = vector.GetTable(i);
                string name = table.GetString(0) ?? "";
                uint buffer = table.GetUInt32(1);
                if (buffer >= (uint)Buffers.Count)
                    throw new InvalidModelException($"buffer {buffer} out of range ({Buffers.Count} buffers)");
                entries[i] = new ModelMetadata(name, (int)buffer, Buffers[(int)buffer]);
            }
            catch (InvalidModelException e)
            {
                throw e.At($"metadata {i}");
            }
        }
        return entries;
    }

    private SignatureDef[] ParseSignatures(FlatTable root)
    {
        FlatVector vector = Located("model signature defs", () => root.GetVector(7, 4));
        var signatures = new SignatureDef[vector.Length];
        for (int i = 0; i < signatures.Length; i++)
        {
            try
            {
                FlatTable table = vector.GetTable(i);
                uint subgraph = table.GetUInt32(4);
                if (subgraph >= (uint)Subgraphs.Count)
                    throw new InvalidModelException($"subgraph {subgraph} out of range ({Subgraphs.Count} subgraphs)");
                int tensorCount = Subgraphs[(int)subgraph].Tensors.Count;
                signatures[i] = new SignatureDef(table.GetString(2) ?? "", (int)subgraph,
                    ParseTensorMaps(table.GetVector(0, 4), tensorCount), ParseTensorMaps(table.GetVector(1, 4), tensorCount));
            }
            catch (InvalidModelException e)
            {
                throw e.At($"signature def {i}");
            }
        }
        return signatures;
    }

    private static KeyValuePair<string, int>[] ParseTensorMaps(FlatVector vector, int tensorCount)
    {
        var maps = new KeyValuePair<string, int>[vector.Length];
        for (int i = 0; i < maps.Length; i++)
        {
            FlatTable map = vector.GetTable(i);
            uint tensor = map.GetUInt32(1);
            if (tensor >= (uint)tensorCount)
                throw new InvalidModelException($"tensor map {i}: tensor {tensor} out of range ({tensorCount} tensors)");
            maps[i] = new KeyValuePair<string, int>(map.GetString(0) ?? "", (int)tensor);
        }
        return maps;
    }

    /// <summary>The metadata entry named <paramref name="name"/>, or null.</summary>
    public ModelMetadata? FindMetadata(string name)
    {
        foreach (ModelMetadata entry in Metadata)
            if (entry.Name == name) return entry;
        return null;
    }
}
