using System.Runtime.InteropServices;
using TfLiteMicro.Modeling;

namespace TfLiteMicro.Tests.Support;

/// <summary>One tensor of a single-operator test model: its type, shape and (optional) per-tensor quantization.</summary>
public sealed record TensorSpec(TensorType Type, int[] Shape, float Scale = 0f, int ZeroPoint = 0)
{
    public static TensorSpec F32(params int[] shape) => new(TensorType.Float32, shape);
    public static TensorSpec I32(params int[] shape) => new(TensorType.Int32, shape);
    public static TensorSpec I64(params int[] shape) => new(TensorType.Int64, shape);
    public static TensorSpec Bool(params int[] shape) => new(TensorType.Bool, shape);
    public static TensorSpec I8(float scale, int zeroPoint, params int[] shape) => new(TensorType.Int8, shape, scale, zeroPoint);
    public static TensorSpec I16(float scale, int zeroPoint, params int[] shape) => new(TensorType.Int16, shape, scale, zeroPoint);
}

/// <summary>
/// Builds and runs models of one operator (all inputs fed at run time), so kernels can be checked against the vectors
/// of TFLM's kernel tests through the real model reader and interpreter.
/// </summary>
public static class ElementwiseTestModels
{
    public static byte[] Build(BuiltinOperator op, TensorSpec[] inputs, TensorSpec output, OperatorOptions? options = null)
    {
        var model = new ModelBuilder();
        SubgraphBuilder g = model.AddSubgraph();
        var inputIndices = new int[inputs.Length];
        for (int i = 0; i < inputs.Length; i++) inputIndices[i] = g.AddTensor($"in{i}", inputs[i].Type, inputs[i].Shape, Quantization(inputs[i]));
        int outputIndex = g.AddTensor("out", output.Type, output.Shape, Quantization(output));
        g.AddOperator(op, inputIndices, [outputIndex], options);
        g.SetInputs(inputIndices);
        g.SetOutputs(outputIndex);
        return model.Build();
    }

    /// <summary>Builds the model and allocates its tensors (where a rejected type surfaces as a KernelException).</summary>
    public static MicroInterpreter Allocate(BuiltinOperator op, TensorSpec[] inputs, TensorSpec output, OperatorOptions? options = null)
    {
        var interpreter = new MicroInterpreter(Model.Load(Build(op, inputs, output, options)), OpResolver.WithAllBuiltins(), ArenaPoison.New(1 << 16));
        interpreter.AllocateTensors();
        return interpreter;
    }

    /// <summary>Runs the operator on <paramref name="data"/> (one array per input) and returns the output's elements.</summary>
    public static TOut[] Run<TOut>(BuiltinOperator op, TensorSpec[] inputs, TensorSpec output, Array[] data, OperatorOptions? options = null)
        where TOut : unmanaged
    {
        MicroInterpreter interpreter = Allocate(op, inputs, output, options);
        for (int i = 0; i < data.Length; i++) interpreter.Input(i).CopyFrom(Bytes(data[i]));
        interpreter.Invoke();
        return interpreter.Output(0).AsReadOnlySpan<TOut>().ToArray();
    }

    /// <summary>TFLM's test quantization: round(x / scale) + zero point, clamped to the type.</summary>
    public static sbyte[] QuantizeInt8(float[] values, float scale, int zeroPoint)
        => [.. values.Select(v => (sbyte)Math.Clamp(MathF.Round(v / scale, MidpointRounding.AwayFromZero) + zeroPoint, sbyte.MinValue, sbyte.MaxValue))];

    public static short[] QuantizeInt16(float[] values, float scale, int zeroPoint)
        => [.. values.Select(v => (short)Math.Clamp(MathF.Round(v / scale, MidpointRounding.AwayFromZero) + zeroPoint, short.MinValue, short.MaxValue))];

    public static byte[] BoolBytes(params bool[] values) => [.. values.Select(v => v ? (byte)1 : (byte)0)];

    public static byte[] Bytes(Array data) => data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()).ToArray(),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()).ToArray(),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan()).ToArray(),
        short[] s => MemoryMarshal.AsBytes(s.AsSpan()).ToArray(),
        sbyte[] b => MemoryMarshal.AsBytes(b.AsSpan()).ToArray(),
        byte[] u => u,
        bool[] z => BoolBytes(z),
        _ => throw new ArgumentException($"unsupported input array {data.GetType().Name}"),
    };

    private static QuantizationParameters? Quantization(TensorSpec spec)
        => spec.Scale > 0 ? new QuantizationParameters([spec.Scale], [spec.ZeroPoint], 0) : null;
}
