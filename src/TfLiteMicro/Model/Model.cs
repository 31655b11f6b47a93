using System.Buffers.Binary;
using System.Runtime.InteropServices;
using TfLiteMicro.Compression;

namespace TfLiteMicro;

/// <summary>
/// A TFLite model (schema version 3) read in place from its bytes. Loading checks the whole structure once
/// (offsets, vtables, vector lengths, strings, union tags, tensor/buffer/opcode indices, shapes against
/// buffer sizes) and keeps only the bytes and where the top-level vectors start: subgraphs, tensors, operators
/// and the rest are views (<see cref="Subgraph"/>, <see cref="ModelTensor"/>, <see cref="ModelOperator"/>, ...)
/// read from the bytes when asked for, so a model costs the same few managed bytes whatever its size.
/// Constant data stays in the caller's memory and is never copied, so the bytes must not change once loaded: the views
/// read them again (changed bytes give other values or an <see cref="InvalidModelException"/>, never a read outside the
/// bytes). Models are little-endian; loading one on a big-endian processor throws <see cref="PlatformNotSupportedException"/>.
/// </summary>
public sealed class Model
{
    private const int MaxDimensions = 16;

    // Where the root table's vectors start (byte position of element 0) and how many elements they hold.
    private readonly VectorPlace _operatorCodes, _subgraphs, _buffers, _metadata, _signatureDefs;

    private Model(ReadOnlyMemory<byte> bytes)
    {
        Bytes = bytes;
        FlatTable root = FlatTable.Root(bytes);
        Version = root.GetUInt32(0);
        Located("model description", () => root.GetString(3));
        if (Version != 3)
            throw new InvalidModelException($"model: schema version {Version} is not supported (expected 3)");

        FlatVector buffers = Located("model buffers", () => root.GetVector(4, 4));
        VerifyBuffers(buffers);
        _buffers = new VectorPlace(buffers);

        FlatVector operatorCodes = Located("model operator codes", () => root.GetVector(1, 4));
        VerifyOperatorCodes(operatorCodes);
        _operatorCodes = new VectorPlace(operatorCodes);

        FlatVector metadata = Located("model metadata", () => root.GetVector(6, 4));
        VerifyMetadata(metadata);
        _metadata = new VectorPlace(metadata);

        FlatVector subgraphs = Located("model subgraphs", () => root.GetVector(2, 4));
        if (subgraphs.Length == 0)
            throw new InvalidModelException("model: it has no subgraphs");
        // Compressed constants hold packed indices instead of their values, so the metadata sizes their buffers; it is
        // read again from the bytes by whoever needs it, nothing of it is kept here.
        ModelCompression.Entry[] compressed = ModelCompression.ReadEntries(Metadata, subgraphs.Length, _buffers.Count);
        for (int s = 0; s < subgraphs.Length; s++)
            VerifySubgraph(s, subgraphs.GetTable(s), compressed);
        _subgraphs = new VectorPlace(subgraphs);
        foreach (ModelCompression.Entry entry in compressed)
            ModelCompression.Describe(this, entry, checkIndices: true);

        FlatVector signatureDefs = Located("model signature defs", () => root.GetVector(7, 4));
        VerifySignatures(signatureDefs);
        _signatureDefs = new VectorPlace(signatureDefs);
    }

    /// <summary>The model bytes this instance reads from.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>The schema version (always 3: other versions are rejected).</summary>
    public uint Version { get; }

    /// <summary>The model's description string, or null; read from the bytes on each call.</summary>
    public string? Description => FlatTable.Root(Bytes).GetString(3);

    /// <summary>The operator code table that operators refer to by index.</summary>
    public ModelList<OperatorCode> OperatorCodes => new(this, _operatorCodes);

    /// <summary>The subgraphs; subgraph 0 is the main one.</summary>
    public ModelList<Subgraph> Subgraphs => new(this, _subgraphs);

    /// <summary>The model's buffers (slices of <see cref="Bytes"/>); buffer 0 is by convention empty.</summary>
    public ModelList<ReadOnlyMemory<byte>> Buffers => new(this, _buffers);

    /// <summary>Named metadata entries (e.g. "OfflineMemoryAllocation").</summary>
    public ModelList<ModelMetadata> Metadata => new(this, _metadata);

    /// <summary>Named entry points of the model.</summary>
    public ModelList<SignatureDef> SignatureDefs => new(this, _signatureDefs);

    /// <summary>Loads and verifies a model held in an array (not copied).</summary>
    public static Model Load(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Load(new ReadOnlyMemory<byte>(bytes));
    }

    /// <summary>Loads and verifies a model over any memory (not copied). Throws <see cref="InvalidModelException"/> for malformed bytes.</summary>
    public static Model Load(ReadOnlyMemory<byte> bytes)
    {
        // Shapes, scales and indices are read as spans over the bytes, which hold them little-endian.
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("models are read in place as little-endian values; this processor is big-endian");
        return new Model(bytes);
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
        // Static data never moves, so the address stays valid after the fixed statement ends.
        fixed (byte* pointer = staticData) return LoadUnmanaged(pointer, staticData.Length);
    }

    /// <summary>The metadata entry named <paramref name="name"/>, or null.</summary>
    public ModelMetadata? FindMetadata(string name)
    {
        foreach (ModelMetadata entry in Metadata)
            if (entry.Name == name) return entry;
        return null;
    }

    /// <summary>The table at byte <paramref name="position"/>, found while loading.</summary>
    internal FlatTable Table(int position) => FlatTable.At(Bytes, position);

    /// <summary>The table an offset element of a vector (at byte <paramref name="at"/>) points to.</summary>
    internal int TableAt(int at)
    {
        long target = at + (long)BinaryPrimitives.ReadUInt32LittleEndian(Bytes.Span.Slice(at));
        return target <= int.MaxValue ? (int)target : -1;
    }

    /// <summary>An int32 vector of the model as a span over its bytes.</summary>
    internal ReadOnlySpan<int> Int32s(FlatVector vector) => MemoryMarshal.Cast<byte, int>(Bytes.Span.Slice(vector.Start, vector.Length * 4));

    internal ReadOnlySpan<long> Int64s(FlatVector vector) => MemoryMarshal.Cast<byte, long>(Bytes.Span.Slice(vector.Start, vector.Length * 8));

    internal ReadOnlySpan<float> Floats(FlatVector vector) => MemoryMarshal.Cast<byte, float>(Bytes.Span.Slice(vector.Start, vector.Length * 4));

    /// <summary>The bytes of a Buffer table: its data vector, or for models over 2 GB a range addressed from the file start.</summary>
    internal ReadOnlyMemory<byte> BufferData(FlatTable buffer)
    {
        (int start, int length) = BufferRange(buffer);
        return length == 0 ? ReadOnlyMemory<byte>.Empty : Bytes.Slice(start, length);
    }

    /// <summary>Where the bytes of buffer <paramref name="index"/> lie in <see cref="Bytes"/>.</summary>
    internal (int Start, int Length) BufferRange(int index)
    {
        if ((uint)index >= (uint)_buffers.Count)
            throw new ArgumentOutOfRangeException(nameof(index), $"buffer {index} out of range ({_buffers.Count} buffers)");
        return BufferRange(Table(TableAt(_buffers.Start + 4 * index)));
    }

    private (int Start, int Length) BufferRange(FlatTable buffer)
    {
        FlatVector data = buffer.GetVector(0, 1);
        ulong offset = buffer.GetUInt64(1);
        ulong size = buffer.GetUInt64(2);
        if (offset <= 1) return (data.Start, data.Length);
        if (offset + size > (ulong)Bytes.Length || offset + size < offset)
            throw new InvalidModelException($"data at offset {offset} with size {size} lies outside the {Bytes.Length}-byte model");
        return ((int)offset, (int)size);
    }

    /// <summary>The custom options of an Operator table: its vector, or the large-model range addressed from the file start.</summary>
    internal ReadOnlyMemory<byte> CustomOptions(FlatTable op)
    {
        ReadOnlyMemory<byte> options = op.GetBytes(5);
        ulong offset = op.GetUInt64(9);
        ulong size = op.GetUInt64(10);
        if (offset <= 1) return options;
        if (offset + size > (ulong)Bytes.Length || offset + size < offset)
            throw new InvalidModelException($"large custom options at offset {offset} with size {size} lie outside the model");
        return Bytes.Slice((int)offset, (int)size);
    }

    /// <summary>The builtin code of an OperatorCode table: the larger of the schema's two code fields, as TFLite reads them.</summary>
    internal static int BuiltinCode(FlatTable code) => Math.Max(code.GetSByte(0), code.GetInt32(3));

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

    private void VerifyBuffers(FlatVector vector)
    {
        for (int b = 0; b < vector.Length; b++)
        {
            try
            {
                BufferData(vector.GetTable(b));
            }
            catch (InvalidModelException e)
            {
                throw e.At($"buffer {b}");
            }
        }
    }

    private static void VerifyOperatorCodes(FlatVector vector)
    {
        for (int i = 0; i < vector.Length; i++)
        {
            try
            {
                FlatTable table = vector.GetTable(i);
                int code = BuiltinCode(table);
                if (code < 0)
                    throw new InvalidModelException($"builtin code {code} is negative");
                string? custom = table.GetString(1);
                if (code == (int)BuiltinOperator.Custom && custom is null)
                    throw new InvalidModelException("a custom operator has no custom_code name");
                table.GetInt32(2, 1);
            }
            catch (InvalidModelException e)
            {
                throw e.At($"operator code {i}");
            }
        }
    }

    private void VerifySubgraph(int index, FlatTable table, ModelCompression.Entry[] compressed)
    {
        string where = $"subgraph {index}";
        FlatVector tensors = Located(where + " tensors", () => table.GetVector(0, 4));
        for (int t = 0; t < tensors.Length; t++)
        {
            try
            {
                VerifyTensor(tensors.GetTable(t), ModelCompression.Lists(compressed, index, t));
            }
            catch (InvalidModelException e)
            {
                throw e.At($"{where}, tensor {t}");
            }
        }

        FlatVector inputs = Located(where + " inputs", () => table.GetVector(1, 4));
        FlatVector outputs = Located(where + " outputs", () => table.GetVector(2, 4));
        CheckTensorIndices(Int32s(inputs), tensors.Length, where + ", input", allowOmitted: false);
        CheckTensorIndices(Int32s(outputs), tensors.Length, where + ", output", allowOmitted: false);

        FlatVector operators = Located(where + " operators", () => table.GetVector(3, 4));
        for (int o = 0; o < operators.Length; o++)
        {
            try
            {
                VerifyOperator(operators.GetTable(o), tensors.Length);
            }
            catch (InvalidModelException e)
            {
                throw e.At($"{where}, operator {o}");
            }
        }

        Located(where + " name", () => table.GetString(4));
    }

    private static void CheckTensorIndices(ReadOnlySpan<int> indices, int tensorCount, string what, bool allowOmitted)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            int t = indices[i];
            if (t == -1 && allowOmitted) continue;
            if (t < 0 || t >= tensorCount)
                throw new InvalidModelException($"{what} {i}: tensor {t} out of range ({tensorCount} tensors)");
        }
    }

    private void VerifyTensor(FlatTable table, bool compressed)
    {
        ReadOnlySpan<int> shape = Int32s(table.GetVector(0, 4));
        if (shape.Length > MaxDimensions)
            throw new InvalidModelException($"{shape.Length} dimensions, more than the {MaxDimensions} supported");
        long elements = 1;
        bool unknownDimension = false;
        foreach (int d in shape)
        {
            // -1 marks a dimension a kernel works out while preparing (e.g. RESHAPE's stretch dimension).
            if (d < -1)
                throw new InvalidModelException($"shape [{Join(shape)}] has a negative dimension");
            if (d == -1) { unknownDimension = true; continue; }
            elements *= d;
            if (elements > int.MaxValue)
                throw new InvalidModelException($"shape [{Join(shape)}] has more than {int.MaxValue} elements");
        }

        byte typeCode = table.GetByte(1);
        if (typeCode > (byte)TensorType.Float8E5M2)
            throw new InvalidModelException($"type code {typeCode} is not a TensorType");
        var type = (TensorType)typeCode;

        uint bufferIndex = table.GetUInt32(2);
        if (bufferIndex >= (uint)_buffers.Count)
            throw new InvalidModelException($"buffer {bufferIndex} out of range ({_buffers.Count} buffers)");
        ReadOnlyMemory<byte> data = Buffers[(int)bufferIndex];

        if (unknownDimension && !data.IsEmpty)
            throw new InvalidModelException($"constant tensor has an unknown dimension in shape [{Join(shape)}]");
        long bytes = TensorTypes.ByteCount(type, elements);
        if (bytes > int.MaxValue)
            throw new InvalidModelException($"shape [{Join(shape)}] needs more than {int.MaxValue} bytes");
        if (!data.IsEmpty && bytes >= 0 && data.Length != bytes && !compressed)
            throw new InvalidModelException(
                $"buffer {bufferIndex} holds {data.Length} bytes but {TensorTypes.GetName(type)}[{Join(shape)}] needs {bytes}");

        table.GetString(3);
        VerifyQuantization(table.GetTable(4), shape);
        CheckQuantizationRange(type, QuantizationParameters.Read(this, table.GetTable(4)));
        table.GetBool(5);
        table.GetTable(6);
        table.GetVector(7, 4);
    }

    private static string Join(ReadOnlySpan<int> values) => string.Join(",", values.ToArray());

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

    private void VerifyQuantization(FlatTable table, ReadOnlySpan<int> shape)
    {
        if (!table.IsPresent) return;
        FlatVector min = table.GetVector(0, 4);
        FlatVector max = table.GetVector(1, 4);
        FlatVector scales = table.GetVector(2, 4);
        FlatVector zeroPoints = table.GetVector(3, 8);
        int dimension = table.GetInt32(6);
        if (scales.Length == 0 && zeroPoints.Length == 0 && min.Length == 0 && max.Length == 0)
            return;
        if (zeroPoints.Length != 0 && zeroPoints.Length != scales.Length)
            throw new InvalidModelException($"quantization has {scales.Length} scales but {zeroPoints.Length} zero points");
        // Converters leave quantized_dimension unchecked on some tensors (e.g. biases); kernels that use
        // per-channel scales check the count against their channel dimension themselves.
        if (scales.Length > 1 && dimension >= 0 && dimension < shape.Length && shape[dimension] != scales.Length && shape.Length > 1)
            throw new InvalidModelException(
                $"quantization has {scales.Length} scales but dimension {dimension} has {shape[dimension]} channels");
        if (dimension < 0)
            throw new InvalidModelException($"quantized_dimension {dimension} is negative");
    }

    private void VerifyOperator(FlatTable table, int tensorCount)
    {
        uint opcodeIndex = table.GetUInt32(0);
        if (opcodeIndex >= (uint)_operatorCodes.Count)
            throw new InvalidModelException($"opcode index {opcodeIndex} out of range ({_operatorCodes.Count} operator codes)");
        ReadOnlySpan<int> inputs = Int32s(table.GetVector(1, 4));
        ReadOnlySpan<int> outputs = Int32s(table.GetVector(2, 4));
        ReadOnlySpan<int> intermediates = Int32s(table.GetVector(8, 4));
        CheckTensorIndices(inputs, tensorCount, "input", allowOmitted: true);
        CheckTensorIndices(outputs, tensorCount, "output", allowOmitted: true);
        CheckTensorIndices(intermediates, tensorCount, "intermediate", allowOmitted: true);

        byte optionsType = table.GetByte(3);
        FlatTable options = table.GetTable(4);
        if (optionsType == 0 && options.IsPresent)
            throw new InvalidModelException("builtin options are present without a union type");
        table.GetByte(11);
        table.GetTable(12);
        CustomOptions(table);
        table.GetVector(7, 1);
    }

    private void VerifyMetadata(FlatVector vector)
    {
        for (int i = 0; i < vector.Length; i++)
        {
            try
            {
                FlatTable table = vector.GetTable(i);
                table.GetString(0);
                uint buffer = table.GetUInt32(1);
                if (buffer >= (uint)_buffers.Count)
                    throw new InvalidModelException($"buffer {buffer} out of range ({_buffers.Count} buffers)");
            }
            catch (InvalidModelException e)
            {
                throw e.At($"metadata {i}");
            }
        }
    }

    private void VerifySignatures(FlatVector vector)
    {
        for (int i = 0; i < vector.Length; i++)
        {
            try
            {
                FlatTable table = vector.GetTable(i);
                uint subgraph = table.GetUInt32(4);
                if (subgraph >= (uint)_subgraphs.Count)
                    throw new InvalidModelException($"subgraph {subgraph} out of range ({_subgraphs.Count} subgraphs)");
                int tensorCount = Subgraphs[(int)subgraph].Tensors.Count;
                table.GetString(2);
                VerifyTensorMaps(table.GetVector(0, 4), tensorCount);
                VerifyTensorMaps(table.GetVector(1, 4), tensorCount);
            }
            catch (InvalidModelException e)
            {
                throw e.At($"signature def {i}");
            }
        }
    }

    private static void VerifyTensorMaps(FlatVector vector, int tensorCount)
    {
        for (int i = 0; i < vector.Length; i++)
        {
            FlatTable map = vector.GetTable(i);
            uint tensor = map.GetUInt32(1);
            if (tensor >= (uint)tensorCount)
                throw new InvalidModelException($"tensor map {i}: tensor {tensor} out of range ({tensorCount} tensors)");
            map.GetString(0);
        }
    }
}

/// <summary>Where a verified vector of the model starts (byte position of element 0) and how many elements it holds.</summary>
internal readonly struct VectorPlace
{
    public VectorPlace(FlatVector vector)
    {
        Start = vector.Start;
        Count = vector.Length;
    }

    public int Start { get; }
    public int Count { get; }
}
