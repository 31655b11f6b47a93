using System.Runtime.InteropServices;

namespace TfLiteMicro;

/// <summary>
/// A tensor of a prepared interpreter: its type, shape and quantization, and typed access to its bytes, which
/// live in the arena (activations, variables) or in the model (constants).
/// </summary>
public sealed class Tensor
{
    private readonly MicroInterpreter _interpreter;
    private int[] _shape;

    internal Tensor(MicroInterpreter interpreter, int subgraph, ModelTensor definition)
    {
        _interpreter = interpreter;
        Subgraph = subgraph;
        Definition = definition;
        _shape = [.. definition.Shape];
        Type = definition.Type;
        long bytes = ComputeByteCount(Type, _shape);
        if (bytes > int.MaxValue)
            throw new InvalidModelException($"subgraph {subgraph}, tensor {definition.Index} '{definition.Name}': {TensorTypes.GetName(Type)}[{string.Join(",", _shape)}] needs {bytes} bytes, more than a tensor can hold");
        ByteCount = (int)bytes;
    }

    /// <summary>What the model says about this tensor.</summary>
    public ModelTensor Definition { get; }

    public int Subgraph { get; }
    public int Index => Definition.Index;
    public string Name => Definition.Name;
    public TensorType Type { get; }

    /// <summary>The dimensions (a kernel may refine an output's shape while preparing).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The dimensions as an array copy, for display and APIs that need one.</summary>
    public int[] ShapeArray => [.. _shape];

    public int Rank => _shape.Length;

    /// <summary>Dimension <paramref name="i"/>; negative values count from the end.</summary>
    public int Dim(int i) => _shape[i < 0 ? _shape.Length + i : i];

    public QuantizationParameters Quantization => Definition.Quantization;

    /// <summary>The per-tensor (or first) scale.</summary>
    public float Scale => Definition.Quantization.Scale;

    /// <summary>The per-tensor (or first) zero point.</summary>
    public int ZeroPoint => Definition.Quantization.ZeroPoint;

    public bool IsConstant => Definition.IsConstant;
    public bool IsVariable => Definition.IsVariable;

    public int ElementCount
    {
        get
        {
            int count = 1;
            foreach (int d in _shape) count *= Math.Max(d, 0);
            return count;
        }
    }

    /// <summary>Size of the tensor's data in bytes.</summary>
    public int ByteCount { get; private set; }

    /// <summary>Where the data lives in the arena; -1 for constants and tensors not yet planned.</summary>
    public int ArenaOffset { get; internal set; } = -1;

    /// <summary>
    /// True for a constant the model stores compressed (TFLM's LUT compression metadata): operators read its values
    /// decompressed into a buffer of their own, and its bytes cannot be read directly once the interpreter is prepared.
    /// </summary>
    public bool IsCompressed => CompressionSlot >= 0;

    /// <summary>Index into the interpreter's compressed tensors, or -1.</summary>
    internal int CompressionSlot { get; set; } = -1;

    /// <summary>
    /// The application's decompression memory region holding the data (<see cref="InterpreterOptions.DecompressionMemory"/>),
    /// with <see cref="ArenaOffset"/> the offset in it; -1 for the arena.
    /// </summary>
    internal int MemoryRegion { get; set; } = -1;

    /// <summary>Set by DECODE for its outputs: placed in the application's decompression memory when it has room.</summary>
    internal bool PrefersDecompressionMemory { get; set; }

    /// <summary>Writable view of the data. Throws for constant tensors, which live in the read-only model.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (IsConstant)
            throw new InvalidOperationException($"tensor {Index} '{Name}' is a constant of the model and cannot be written");
        return MemoryMarshal.Cast<byte, T>(_interpreter.TensorBytes(this));
    }

    /// <summary>
    /// Read-only view of the data, for any tensor. A compressed constant (<see cref="IsCompressed"/>) shows its decompressed
    /// values while kernels prepare; afterwards its values exist only in the buffers of the operators reading them, and
    /// reading it throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public ReadOnlySpan<T> AsReadOnlySpan<T>() where T : unmanaged
        => MemoryMarshal.Cast<byte, T>(IsConstant ? _interpreter.ConstantBytes(this) : _interpreter.TensorBytes(this));

    /// <summary>Copies the tensor's bytes into <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination) => AsReadOnlySpan<byte>().CopyTo(destination);

    /// <summary>Copies <paramref name="source"/> (exactly <see cref="ByteCount"/> bytes) into the tensor.</summary>
    public void CopyFrom(ReadOnlySpan<byte> source)
    {
        if (source.Length != ByteCount)
            throw new ArgumentException($"tensor {Index} '{Name}' holds {ByteCount} bytes, but {source.Length} were given", nameof(source));
        source.CopyTo(AsSpan<byte>());
    }

    /// <summary>Dequantized (or converted) value of element <paramref name="index"/>, for display and tools.</summary>
    public double GetValueAsDouble(int index)
    {
        ReadOnlySpan<byte> bytes = IsConstant ? _interpreter.ConstantBytes(this) : _interpreter.TensorBytes(this);
        double raw = Type switch
        {
            TensorType.Float32 => MemoryMarshal.Cast<byte, float>(bytes)[index],
            TensorType.Float64 => MemoryMarshal.Cast<byte, double>(bytes)[index],
            TensorType.Int8 => (sbyte)bytes[index],
            TensorType.UInt8 => bytes[index],
            TensorType.Bool => bytes[index],
            TensorType.Int16 => MemoryMarshal.Cast<byte, short>(bytes)[index],
            TensorType.UInt16 => MemoryMarshal.Cast<byte, ushort>(bytes)[index],
            TensorType.Int32 => MemoryMarshal.Cast<byte, int>(bytes)[index],
            TensorType.UInt32 => MemoryMarshal.Cast<byte, uint>(bytes)[index],
            TensorType.Int64 => MemoryMarshal.Cast<byte, long>(bytes)[index],
            TensorType.UInt64 => MemoryMarshal.Cast<byte, ulong>(bytes)[index],
            _ => throw new NotSupportedException($"values of type {TensorTypes.GetName(Type)} cannot be read as numbers"),
        };
        bool quantized = Quantization.IsQuantized && Type is TensorType.Int8 or TensorType.UInt8 or TensorType.Int16 or TensorType.Int32;
        return quantized ? Scale * (raw - ZeroPoint) : raw;
    }

    /// <summary>Sets the shape a kernel worked out; the caller has checked <see cref="ComputeByteCount"/> fits an int.</summary>
    internal void SetShape(ReadOnlySpan<int> shape)
    {
        _shape = shape.ToArray();
        ByteCount = (int)ComputeByteCount(Type, _shape);
    }

    /// <summary>The bytes <paramref name="shape"/> needs, in 64 bits (saturating at long.MaxValue); 0 for types with no fixed size.</summary>
    internal static long ComputeByteCount(TensorType type, ReadOnlySpan<int> shape)
    {
        long elements = 1;
        foreach (int d in shape)
        {
            if (d <= 0) return 0;
            elements = elements > long.MaxValue / 16 / d ? long.MaxValue / 16 : elements * d;
        }
        long bytes = TensorTypes.ByteCount(type, elements);
        return bytes < 0 ? 0 : bytes;
    }

    public override string ToString() => $"{Name} {TensorTypes.GetName(Type)}[{string.Join(",", _shape)}]";
}
