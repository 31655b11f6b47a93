using System.Runtime.InteropServices;

namespace TfLiteMicro;

/// <summary>
/// A tensor of a prepared interpreter: its type, shape and quantization, and typed access to its bytes, which
/// live in the arena (activations, variables) or in the model (constants). A small handle over the interpreter's
/// record of the tensor, made when asked for (<see cref="MicroInterpreter.Input"/>, <see cref="MicroInterpreter.GetTensor"/>,
/// a kernel's <see cref="PrepareContext.Input"/>); two handles of the same tensor are equal.
/// </summary>
public sealed class Tensor : IEquatable<Tensor>
{
    private readonly MicroInterpreter _interpreter;

    internal Tensor(MicroInterpreter interpreter, int subgraph, int index)
    {
        _interpreter = interpreter;
        Subgraph = subgraph;
        Index = index;
        Id = interpreter.Graph.TensorStart(subgraph) + index;
    }

    /// <summary>The tensor's number across all subgraphs, as the interpreter's records are indexed.</summary>
    internal int Id { get; }

    private ref TensorRecord Record => ref _interpreter.Graph.Tensors[Id];

    /// <summary>What the model says about this tensor.</summary>
    public ModelTensor Definition => _interpreter.Graph.Definition(Subgraph, Index);

    /// <summary>The subgraph the tensor belongs to.</summary>
    public int Subgraph { get; }

    /// <summary>The tensor's index in its subgraph.</summary>
    public int Index { get; }

    /// <summary>The tensor's name in the model.</summary>
    public string Name => Definition.Name;

    /// <summary>The element type.</summary>
    public TensorType Type => Record.Type;

    /// <summary>The dimensions (a kernel may refine an output's shape while preparing).</summary>
    public ReadOnlySpan<int> Shape => _interpreter.Graph.Shape(Id);

    /// <summary>The dimensions as an array copy, for display and APIs that need one.</summary>
    public int[] ShapeArray => Shape.ToArray();

    /// <summary>Number of dimensions.</summary>
    public int Rank => Record.Rank;

    /// <summary>Dimension <paramref name="i"/>; negative values count from the end.</summary>
    public int Dim(int i) => Shape[i < 0 ? Rank + i : i];

    /// <summary>The tensor's quantization, as the model gives it.</summary>
    public QuantizationParameters Quantization => Definition.Quantization;

    /// <summary>The per-tensor (or first) scale.</summary>
    public float Scale => Quantization.Scale;

    /// <summary>The per-tensor (or first) zero point.</summary>
    public int ZeroPoint => Quantization.ZeroPoint;

    /// <summary>True when the model holds the tensor's values (read-only).</summary>
    public bool IsConstant => Record.IsConstant;

    /// <summary>True for a variable tensor, which keeps its value across invocations.</summary>
    public bool IsVariable => Record.IsVariable;

    /// <summary>Product of the dimensions (unknown dimensions count as 0).</summary>
    public int ElementCount
    {
        get
        {
            int count = 1;
            foreach (int d in Shape) count *= Math.Max(d, 0);
            return count;
        }
    }

    /// <summary>Size of the tensor's data in bytes.</summary>
    public int ByteCount => Record.ByteCount;

    /// <summary>
    /// Where the data lives in the arena (or, for a DECODE output placed there, in the application's decompression memory);
    /// -1 for constants and tensors not yet planned.
    /// </summary>
    public int ArenaOffset => Record.ArenaOffset;

    /// <summary>
    /// True for a constant the model stores compressed (TFLM's LUT compression metadata): operators read its values
    /// decompressed into a buffer of their own, and its bytes cannot be read directly once the interpreter is prepared.
    /// </summary>
    public bool IsCompressed => Record.IsCompressed;

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
    public ReadOnlySpan<T> AsReadOnlySpan<T>() where T : unmanaged => MemoryMarshal.Cast<byte, T>(Bytes());

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
        ReadOnlySpan<byte> bytes = Bytes();
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
        QuantizationParameters quantization = Quantization;
        bool quantized = quantization.IsQuantized && Type is TensorType.Int8 or TensorType.UInt8 or TensorType.Int16 or TensorType.Int32;
        return quantized ? quantization.Scale * (raw - quantization.ZeroPoint) : raw;
    }

    internal void SetShape(ReadOnlySpan<int> shape) => _interpreter.Graph.SetShape(Id, shape);

    private ReadOnlySpan<byte> Bytes()
        => !IsConstant ? _interpreter.TensorBytes(this) : IsCompressed ? _interpreter.PreparedValues(this) : _interpreter.Graph.ConstantData(Id);

    /// <summary>True when <paramref name="other"/> is a handle of the same tensor of the same interpreter.</summary>
    public bool Equals(Tensor? other) => other is not null && other._interpreter == _interpreter && other.Id == Id;

    /// <summary>True when <paramref name="obj"/> is a handle of the same tensor of the same interpreter.</summary>
    public override bool Equals(object? obj) => Equals(obj as Tensor);

    /// <summary>A hash of the interpreter and the tensor.</summary>
    public override int GetHashCode() => HashCode.Combine(_interpreter, Id);

    /// <summary>Name, type and shape, e.g. "input INT8[1,96,96,1]".</summary>
    public override string ToString() => $"{Name} {TensorTypes.GetName(Type)}[{string.Join(",", ShapeArray)}]";
}
