using System.Runtime.InteropServices;

namespace TfLiteMicro.Kernels;

/// <summary>Checks and conversions the shape, data-movement and reduction kernels share.</summary>
internal static class ShapeHelpers
{
    /// <summary>Throws the kernel's unsupported-type error unless <paramref name="type"/> is one of <paramref name="allowed"/>.</summary>
    public static void RequireType(PrepareContext context, string what, TensorType type, params ReadOnlySpan<TensorType> allowed)
    {
        foreach (TensorType t in allowed)
            if (t == type) return;
        throw context.UnsupportedType(what, type);
    }

    public static void RequireSameType(PrepareContext context, Tensor a, string aName, Tensor b, string bName)
    {
        if (a.Type != b.Type)
            throw context.Error($"{bName} type {TensorTypes.GetName(b.Type)} differs from {aName} type {TensorTypes.GetName(a.Type)}");
    }

    /// <summary>
    /// The operands of DEPTH_TO_SPACE and SPACE_TO_DEPTH: one float32 or int8 NHWC input, an output of its type, and a
    /// positive <paramref name="blockSize"/>.
    /// </summary>
    public static (Tensor Input, Tensor Output) BlockOperands(PrepareContext context, int blockSize)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8);
        RequireSameType(context, input, "input", output, "output");
        if (input.Rank != 4) throw context.Error($"input must have 4 dimensions, has {input.Rank}");
        if (blockSize <= 0) throw context.Error($"block size {blockSize} must be positive");
        return (input, output);
    }

    /// <summary>Element size in bytes of a fixed-size type; an error for types without one.</summary>
    public static int ElementSize(PrepareContext context, Tensor tensor, string what)
    {
        int size = TensorTypes.ElementSize(tensor.Type);
        if (size == 0) throw context.UnsupportedType(what, tensor.Type);
        return size;
    }

    /// <summary>The values of an int32 or int64 index tensor (int64 values must fit in int32).</summary>
    public static int[] ReadIndices(PrepareContext context, Tensor tensor, string what)
    {
        int count = tensor.ElementCount;
        var values = new int[count];
        ReadIndices(tensor.Type, tensor.AsReadOnlySpan<byte>(), values, out string? problem);
        if (problem is not null) throw context.Error($"{what}: {problem}");
        return values;
    }

    /// <summary>Reads int32 or int64 values into <paramref name="values"/>; reports a problem instead of throwing.</summary>
    public static void ReadIndices(TensorType type, ReadOnlySpan<byte> bytes, Span<int> values, out string? problem)
    {
        problem = null;
        if (type == TensorType.Int32)
        {
            ReadOnlySpan<int> data = MemoryMarshal.Cast<byte, int>(bytes);
            if (data.Length < values.Length) { problem = "tensor holds too few values"; return; }
            data[..values.Length].CopyTo(values);
        }
        else if (type == TensorType.Int64)
        {
            ReadOnlySpan<long> data = MemoryMarshal.Cast<byte, long>(bytes);
            if (data.Length < values.Length) { problem = "tensor holds too few values"; return; }
            for (int i = 0; i < values.Length; i++)
            {
                if (data[i] < int.MinValue || data[i] > int.MaxValue) { problem = $"value {data[i]} does not fit in 32 bits"; return; }
                values[i] = (int)data[i];
            }
        }
        else
        {
            problem = $"type {TensorTypes.GetName(type)} is not an index type (INT32 or INT64)";
        }
    }

    /// <summary>Requires an index tensor to be a model constant of type int32 (or int64 when allowed).</summary>
    public static void RequireConstantIndices(PrepareContext context, Tensor tensor, string what, bool allowInt64 = false)
    {
        if (tensor.Type != TensorType.Int32 && !(allowInt64 && tensor.Type == TensorType.Int64))
            throw context.UnsupportedType(what, tensor.Type);
        if (!tensor.IsConstant)
            throw context.Error($"non-constant {what} tensor is not supported");
    }

    /// <summary>Resolves a possibly negative axis against <paramref name="rank"/>; an error when out of range.</summary>
    public static int ResolveAxis(PrepareContext context, int axis, int rank, string what = "axis")
    {
        int resolved = axis < 0 ? axis + rank : axis;
        if (resolved < 0 || resolved >= rank)
            throw context.Error($"{what} {axis} is out of range for rank {rank}");
        return resolved;
    }

    /// <summary>Sets output <paramref name="index"/> to <paramref name="shape"/> when the model says otherwise.</summary>
    public static void EnsureOutputShape(PrepareContext context, int index, ReadOnlySpan<int> shape)
    {
        Tensor output = context.Output(index);
        if (!output.Shape.SequenceEqual(shape)) context.SetOutputShape(index, shape);
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    public static long Product(ReadOnlySpan<int> dims)
    {
        long p = 1;
        foreach (int d in dims) p *= d;
        return p;
    }

    /// <summary>Requires non-negative dimensions (a hostile model may declare negative ones).</summary>
    public static void RequireValidShape(PrepareContext context, Tensor tensor, string what)
    {
        foreach (int d in tensor.Shape)
            if (d < 0) throw context.Error($"{what} has a negative dimension ({string.Join(",", tensor.ShapeArray)})");
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";
}
