using System.Runtime.InteropServices;
using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Support;

/// <summary>
/// A model of one builtin operator, written with the project's <see cref="ModelBuilder"/>: graph inputs (filled at run
/// time), constants of the model, and outputs, in the order added; <see cref="Build"/> adds the operator.
/// </summary>
/// <example>
/// <code>
/// var m = new OperatorModel();
/// int x = m.Input(TensorType.Int8, [1, 16], Quant.PerTensor(0.05f, -3));
/// int w = m.Constant(TensorType.Int8, [4, 16], weights, Quant.PerChannel(scales, 0));
/// m.Output(TensorType.Int8, [1, 4], Quant.PerTensor(0.2f, 5));
/// byte[] model = m.Build(BuiltinOperator.FullyConnected, [x, w, -1], OperatorOptions.FullyConnected());
/// </code>
/// </example>
public sealed class OperatorModel
{
    private readonly ModelBuilder _builder = new();
    private readonly SubgraphBuilder _graph;
    private readonly List<int> _inputs = [];
    private readonly List<int> _outputs = [];

    public OperatorModel() => _graph = _builder.AddSubgraph("main");

    /// <summary>A graph input (graph inputs are numbered in the order they are added); returns its tensor index.</summary>
    public int Input(TensorType type, int[] shape, QuantizationParameters? quantization = null)
    {
        int t = _graph.AddTensor($"input{_inputs.Count}", type, shape, quantization);
        _inputs.Add(t);
        return t;
    }

    /// <summary>A constant of the model holding <paramref name="data"/> (little-endian, packed for sub-byte types).</summary>
    public int Constant(TensorType type, int[] shape, ReadOnlySpan<byte> data, QuantizationParameters? quantization = null)
        => _graph.AddConstant($"constant{_graph.TensorCount}", type, shape, data, quantization);

    /// <summary>A constant of the model holding <paramref name="values"/>.</summary>
    public int Constant<T>(TensorType type, int[] shape, T[] values, QuantizationParameters? quantization = null) where T : unmanaged
        => Constant(type, shape, MemoryMarshal.AsBytes(values.AsSpan()), quantization);

    /// <summary>An output of the operator and of the graph (outputs are numbered in the order they are added).</summary>
    public int Output(TensorType type, int[] shape, QuantizationParameters? quantization = null)
    {
        int t = _graph.AddTensor($"output{_outputs.Count}", type, shape, quantization);
        _outputs.Add(t);
        return t;
    }

    /// <summary>The model's bytes: <paramref name="op"/> reading <paramref name="inputs"/> (-1: an omitted optional input) and writing every output.</summary>
    public byte[] Build(BuiltinOperator op, int[] inputs, OperatorOptions? options = null, int version = 1)
    {
        _graph.AddOperator(op, inputs, [.. _outputs], options, version);
        return Finish();
    }

    /// <summary>The model's bytes with the custom operator <paramref name="name"/> instead of a builtin one.</summary>
    public byte[] BuildCustom(string name, int[] inputs, ReadOnlySpan<byte> customOptions = default)
    {
        _graph.AddCustomOperator(name, inputs, [.. _outputs], customOptions);
        return Finish();
    }

    private byte[] Finish()
    {
        _graph.SetInputs([.. _inputs]);
        _graph.SetOutputs([.. _outputs]);
        return _builder.Build();
    }
}

/// <summary>Quantization parameters for test tensors.</summary>
public static class Quant
{
    public static QuantizationParameters PerTensor(float scale, long zeroPoint = 0) => new([scale], [zeroPoint], 0);

    /// <summary>One scale per channel along <paramref name="dimension"/>; zero points default to zero.</summary>
    public static QuantizationParameters PerChannel(float[] scales, int dimension, long[]? zeroPoints = null)
        => new(scales, zeroPoints ?? new long[scales.Length], dimension);
}
