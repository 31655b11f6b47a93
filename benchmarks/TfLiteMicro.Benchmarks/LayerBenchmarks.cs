using BenchmarkDotNet.Attributes;
using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;

namespace TfLiteMicro.Benchmarks;

/// <summary>Single generated layers larger than the shared models' (int8 and float32), optimized against reference kernels.</summary>
[MemoryDiagnoser]
public class LayerBenchmarks
{
    private InterpreterRun? _run;

    /// <summary>Every generated layer, for BenchmarkDotNet's parameter and the quick table.</summary>
    public static string[] Layers { get; } =
    [
        "conv3x3_i8_56x56x32x64", "conv1x1_i8_28x28x128x128", "dwconv3x3_i8_56x56x128", "fc_i8_1024x1000", "fc_i8_16x1024x1000",
        "conv3x3_f32_28x28x32x32", "dwconv3x3_f32_56x56x64", "fc_f32_1024x1000",
        "add_i8_56x56x64", "mul_i8_56x56x64", "mul_i8_56x56x64_by_64", "softmax_i8_64x1000", "avgpool3x3_i8_56x56x64",
        "conv3x3_i16_28x28x32x32", "fc_i16_1024x1000", "lstm_i16_28x28x20", "lstm_i16_16x64x64",
        "lstm_i8_64x28x20", "lstm_i8_32x128x96", "svdf_i8_8x640x64",
    ];

    [ParamsSource(nameof(Layers))]
    public string Layer { get; set; } = "";

    [Params(false, true)]
    public bool Reference { get; set; }

    [GlobalSetup]
    public void Setup() => _run = new InterpreterRun(Build(Layer), Reference, 32 << 20);

    [GlobalCleanup]
    public void Cleanup() => _run?.Dispose();

    [Benchmark]
    public void Invoke() => _run!.Invoke();

    /// <summary>Multiply-adds of a layer, for GMAC/s.</summary>
    public static long MultiplyAdds(string layer) => layer switch
    {
        "conv3x3_i8_56x56x32x64" => 56L * 56 * 64 * 9 * 32,
        "conv1x1_i8_28x28x128x128" => 28L * 28 * 128 * 128,
        "dwconv3x3_i8_56x56x128" => 56L * 56 * 128 * 9,
        "fc_i8_1024x1000" or "fc_f32_1024x1000" or "fc_i16_1024x1000" => 1024L * 1000,
        "fc_i8_16x1024x1000" => 16L * 1024 * 1000,
        "conv3x3_f32_28x28x32x32" or "conv3x3_i16_28x28x32x32" => 28L * 28 * 32 * 9 * 32,
        "dwconv3x3_f32_56x56x64" => 56L * 56 * 64 * 9,
        "lstm_i16_28x28x20" => 28L * 4 * (28 + 20) * 20,
        "lstm_i16_16x64x64" => 16L * 4 * (64 + 64) * 64,
        "lstm_i8_64x28x20" => 64L * 4 * (28 + 20) * 20,
        "lstm_i8_32x128x96" => 32L * 4 * (128 + 96) * 96,
        "svdf_i8_8x640x64" => 8L * 64 * (640 + 8),
        _ => 0,
    };

    public static byte[] Build(string layer) => layer switch
    {
        "conv3x3_i8_56x56x32x64" => Conv(TensorType.Int8, 56, 32, 64, 3),
        "conv1x1_i8_28x28x128x128" => Conv(TensorType.Int8, 28, 128, 128, 1),
        "dwconv3x3_i8_56x56x128" => Depthwise(TensorType.Int8, 56, 128),
        "fc_i8_1024x1000" => FullyConnected(TensorType.Int8, 1024, 1000),
        "fc_i8_16x1024x1000" => FullyConnected(TensorType.Int8, 1024, 1000, rows: 16),
        "conv3x3_f32_28x28x32x32" => Conv(TensorType.Float32, 28, 32, 32, 3),
        "dwconv3x3_f32_56x56x64" => Depthwise(TensorType.Float32, 56, 64),
        "fc_f32_1024x1000" => FullyConnected(TensorType.Float32, 1024, 1000),
        "add_i8_56x56x64" => Binary(BuiltinOperator.Add, [1, 56, 56, 64], [1, 56, 56, 64]),
        "mul_i8_56x56x64" => Binary(BuiltinOperator.Mul, [1, 56, 56, 64], [1, 56, 56, 64]),
        "mul_i8_56x56x64_by_64" => Binary(BuiltinOperator.Mul, [1, 56, 56, 64], [1, 1, 1, 64]),
        "softmax_i8_64x1000" => Softmax(64, 1000),
        "avgpool3x3_i8_56x56x64" => AveragePool(56, 64, 3),
        "conv3x3_i16_28x28x32x32" => Int16x8(conv: true, 28, 32, 32),
        "fc_i16_1024x1000" => Int16x8(conv: false, 1, 1024, 1000),
        "lstm_i16_28x28x20" => Lstm(TensorType.Int16, 28, 28, 20),
        "lstm_i16_16x64x64" => Lstm(TensorType.Int16, 16, 64, 64),
        "lstm_i8_64x28x20" => Lstm(TensorType.Int8, 64, 28, 20),
        "lstm_i8_32x128x96" => Lstm(TensorType.Int8, 32, 128, 96),
        "svdf_i8_8x640x64" => Svdf(8, 640, 64, 8),
        _ => throw new ArgumentException($"unknown layer {layer}"),
    };

    private static readonly Random Random = new(7);

    private static QuantizationParameters? Q(TensorType type, float scale, int zeroPoint)
        => type == TensorType.Float32 ? null : new QuantizationParameters([scale], [zeroPoint], 0);

    private static QuantizationParameters? PerChannel(TensorType type, int channels, int dimension)
    {
        if (type == TensorType.Float32) return null;
        var scales = new float[channels];
        for (int i = 0; i < channels; i++) scales[i] = 0.002f + 0.003f * Random.NextSingle();
        return new QuantizationParameters(scales, new long[channels], dimension);
    }

    private static byte[] Weights(TensorType type, int count)
    {
        if (type == TensorType.Float32)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++) values[i] = Random.NextSingle() * 0.2f - 0.1f;
            return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        }
        var bytes = new byte[count];
        Random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Bias(TensorType type, int count)
    {
        if (type == TensorType.Float32) return new byte[count * 4];
        var values = new int[count];
        for (int i = 0; i < count; i++) values[i] = Random.Next(-5000, 5000);
        return System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    private static TensorType BiasType(TensorType type) => type == TensorType.Float32 ? TensorType.Float32 : TensorType.Int32;

    private static byte[] Conv(TensorType type, int size, int inDepth, int outDepth, int filter)
    {
        var builder = new ModelBuilder("generated conv");
        SubgraphBuilder g = builder.AddSubgraph();
        int input = g.AddTensor("input", type, [1, size, size, inDepth], Q(type, 0.05f, -3));
        int weights = g.AddConstant("filter", type, [outDepth, filter, filter, inDepth], Weights(type, outDepth * filter * filter * inDepth), PerChannel(type, outDepth, 0));
        int bias = g.AddConstant("bias", BiasType(type), [outDepth], Bias(type, outDepth), Q(type, 0.0001f, 0));
        int output = g.AddTensor("output", type, [1, size, size, outDepth], Q(type, 0.2f, 5));
        g.AddOperator(BuiltinOperator.Conv2D, [input, weights, bias], [output], OperatorOptions.Conv2D(0, 1, 1, FusedActivation.Relu));
        g.SetInputs(input);
        g.SetOutputs(output);
        return builder.Build();
    }

    private static byte[] Depthwise(TensorType type, int size, int depth)
    {
        var builder = new ModelBuilder("generated depthwise conv");
        SubgraphBuilder g = builder.AddSubgraph();
        int input = g.AddTensor("input", type, [1, size, size, depth], Q(type, 0.05f, -3));
        int weights = g.AddConstant("filter", type, [1, 3, 3, depth], Weights(type, 9 * depth), PerChannel(type, depth, 3));
        int bias = g.AddConstant("bias", BiasType(type), [depth], Bias(type, depth), Q(type, 0.0001f, 0));
        int output = g.AddTensor("output", type, [1, size, size, depth], Q(type, 0.05f, 5));
        g.AddOperator(BuiltinOperator.DepthwiseConv2D, [input, weights, bias], [output], OperatorOptions.DepthwiseConv2D(0, 1, 1, 1, FusedActivation.Relu6));
        g.SetInputs(input);
        g.SetOutputs(output);
        return builder.Build();
    }

    /// <summary>A FULLY_CONNECTED layer over <paramref name="rows"/> rows of <paramref name="depth"/> values (several rows: a matrix product).</summary>
    private static byte[] FullyConnected(TensorType type, int depth, int units, int rows = 1)
    {
        var builder = new ModelBuilder("generated fully connected");
        SubgraphBuilder g = builder.AddSubgraph();
        int input = g.AddTensor("input", type, [rows, depth], Q(type, 0.05f, -3));
        int weights = g.AddConstant("weights", type, [units, depth], Weights(type, units * depth), PerChannel(type, units, 0));
        int bias = g.AddConstant("bias", BiasType(type), [units], Bias(type, units), Q(type, 0.0001f, 0));
        int output = g.AddTensor("output", type, [rows, units], Q(type, 0.5f, 0));
        g.AddOperator(BuiltinOperator.FullyConnected, [input, weights, bias], [output], OperatorOptions.FullyConnected());
        g.SetInputs(input);
        g.SetOutputs(output);
        return builder.Build();
    }

    /// <summary>An int8 ADD or MUL of two graph inputs (the second may broadcast), with a RELU.</summary>
    private static byte[] Binary(BuiltinOperator op, int[] shape1, int[] shape2)
    {
        var builder = new ModelBuilder("generated element-wise");
        SubgraphBuilder g = builder.AddSubgraph();
        int a = g.AddTensor("a", TensorType.Int8, shape1, Q(TensorType.Int8, 0.05f, -3));
        int b = g.AddTensor("b", TensorType.Int8, shape2, Q(TensorType.Int8, 0.03f, 7));
        int output = g.AddTensor("output", TensorType.Int8, shape1, Q(TensorType.Int8, op == BuiltinOperator.Add ? 0.08f : 0.01f, 2));
        g.AddOperator(op, [a, b], [output], op == BuiltinOperator.Add ? OperatorOptions.Add(FusedActivation.Relu) : OperatorOptions.Mul(FusedActivation.Relu));
        g.SetInputs(a, b);
        g.SetOutputs(output);
        return builder.Build();
    }

    private static byte[] Softmax(int rows, int depth)
    {
        var builder = new ModelBuilder("generated softmax");
        SubgraphBuilder g = builder.AddSubgraph();
        int input = g.AddTensor("input", TensorType.Int8, [rows, depth], Q(TensorType.Int8, 0.1f, 10));
        int output = g.AddTensor("output", TensorType.Int8, [rows, depth], Q(TensorType.Int8, 1f / 256, sbyte.MinValue));
        g.AddOperator(BuiltinOperator.Softmax, [input], [output], OperatorOptions.Softmax());
        g.SetInputs(input);
        g.SetOutputs(output);
        return builder.Build();
    }

    private static byte[] AveragePool(int size, int depth, int filter)
    {
        var builder = new ModelBuilder("generated average pool");
        SubgraphBuilder g = builder.AddSubgraph();
        int input = g.AddTensor("input", TensorType.Int8, [1, size, size, depth], Q(TensorType.Int8, 0.05f, -3));
        int output = g.AddTensor("output", TensorType.Int8, [1, size, size, depth], Q(TensorType.Int8, 0.05f, -3));
        g.AddOperator(BuiltinOperator.AveragePool2D, [input], [output], OperatorOptions.Pool2D(0, 1, 1, filter, filter));
        g.SetInputs(input);
        g.SetOutputs(output);
        return builder.Build();
    }

    /// <summary>
    /// An integer UNIDIRECTIONAL_SEQUENCE_LSTM (int16 or int8 activations, int16 cell, int8 weights; int64 or int32 biases),
    /// batch-major, one batch row of <paramref name="steps"/> time steps.
    /// </summary>
    private static byte[] Lstm(TensorType activations, int steps, int inputSize, int units)
    {
        bool int16 = activations == TensorType.Int16;
        var builder = new ModelBuilder($"generated {(int16 ? "int16" : "int8")} LSTM");
        SubgraphBuilder g = builder.AddSubgraph();
        var inputs = new int[24];
        Array.Fill(inputs, -1);
        inputs[0] = g.AddTensor("input", activations, [1, steps, inputSize], int16 ? Q(activations, 1f / 8192, 0) : Q(activations, 1f / 128, -3));
        for (int gate = 0; gate < 4; gate++)
        {
            inputs[1 + gate] = g.AddConstant($"input weights {gate}", TensorType.Int8, [units, inputSize], Weights(TensorType.Int8, units * inputSize), Q(TensorType.Int8, 0.004f, 0));
            inputs[5 + gate] = g.AddConstant($"recurrent weights {gate}", TensorType.Int8, [units, units], Weights(TensorType.Int8, units * units), Q(TensorType.Int8, 0.004f, 0));
            var biasValues = new long[units];
            for (int i = 0; i < units; i++) biasValues[i] = Random.Next(-50000, 50000);
            byte[] bias = int16
                ? System.Runtime.InteropServices.MemoryMarshal.AsBytes(biasValues.AsSpan()).ToArray()
                : System.Runtime.InteropServices.MemoryMarshal.AsBytes(biasValues.Select(v => (int)v).ToArray().AsSpan()).ToArray();
            inputs[12 + gate] = g.AddConstant($"bias {gate}", int16 ? TensorType.Int64 : TensorType.Int32, [units], bias, Q(int16 ? TensorType.Int64 : TensorType.Int32, 0.004f / 8192, 0));
        }
        inputs[18] = g.AddTensor("hidden", activations, [1, units], int16 ? Q(activations, 1f / 32768, 0) : Q(activations, 1f / 128, 0), isVariable: true);
        inputs[19] = g.AddTensor("cell", TensorType.Int16, [1, units], Q(TensorType.Int16, 1f / 2048, 0), isVariable: true);
        int output = g.AddTensor("output", activations, [1, steps, units], int16 ? Q(activations, 1f / 32768, 0) : Q(activations, 1f / 128, 0));
        g.AddOperator(BuiltinOperator.UnidirectionalSequenceLstm, inputs, [output],
            OperatorOptions.UnidirectionalSequenceLstm(FusedActivation.Tanh, 0f, 0f, false));
        g.SetInputs(inputs[0]);
        g.SetOutputs(output);
        return builder.Build();
    }

    /// <summary>An int8 SVDF (rank 1, int16 state and time weights) over <paramref name="batches"/> rows of <paramref name="inputSize"/> values.</summary>
    private static byte[] Svdf(int batches, int inputSize, int units, int memory)
    {
        var builder = new ModelBuilder("generated int8 SVDF");
        SubgraphBuilder g = builder.AddSubgraph();
        int input = g.AddTensor("input", TensorType.Int8, [batches, inputSize], Q(TensorType.Int8, 0.02f, -5));
        int feature = g.AddConstant("feature", TensorType.Int8, [units, inputSize], Weights(TensorType.Int8, units * inputSize), Q(TensorType.Int8, 0.004f, 0));
        int time = g.AddConstant("time", TensorType.Int16, [units, memory], Weights(TensorType.Int8, 2 * units * memory), Q(TensorType.Int16, 0.0005f, 0));
        var biasValues = new int[units];
        for (int i = 0; i < units; i++) biasValues[i] = Random.Next(-5000, 5000);
        int bias = g.AddConstant("bias", TensorType.Int32, [units], System.Runtime.InteropServices.MemoryMarshal.AsBytes(biasValues.AsSpan()).ToArray(), Q(TensorType.Int32, 0.5f * 0.0005f, 0));
        int state = g.AddTensor("state", TensorType.Int16, [batches, memory * units], Q(TensorType.Int16, 0.5f, 0), isVariable: true);
        int output = g.AddTensor("output", TensorType.Int8, [batches, units], Q(TensorType.Int8, 0.1f, 2));
        g.AddOperator(BuiltinOperator.Svdf, [input, feature, time, bias, state], [output], OperatorOptions.Svdf(1, FusedActivation.Relu));
        g.SetInputs(input);
        g.SetOutputs(output);
        return builder.Build();
    }

    /// <summary>An int16x8 layer (int16 activations, int8 per-channel weights, int64 bias): a 3x3 conv or a fully connected one.</summary>
    private static byte[] Int16x8(bool conv, int size, int inDepth, int outDepth)
    {
        var builder = new ModelBuilder("generated int16x8 layer");
        SubgraphBuilder g = builder.AddSubgraph();
        int[] filterShape = conv ? [outDepth, 3, 3, inDepth] : [outDepth, inDepth];
        int taps = conv ? 9 : 1;
        var biasValues = new long[outDepth];
        for (int i = 0; i < outDepth; i++) biasValues[i] = Random.Next(-50000, 50000);
        int input = g.AddTensor("input", TensorType.Int16, conv ? [1, size, size, inDepth] : [1, inDepth], Q(TensorType.Int16, 0.001f, 0));
        int weights = g.AddConstant("filter", TensorType.Int8, filterShape, Weights(TensorType.Int8, outDepth * taps * inDepth), PerChannel(TensorType.Int8, outDepth, 0));
        int bias = g.AddConstant("bias", TensorType.Int64, [outDepth], System.Runtime.InteropServices.MemoryMarshal.AsBytes(biasValues.AsSpan()).ToArray(), Q(TensorType.Int64, 0.000001f, 0));
        int output = g.AddTensor("output", TensorType.Int16, conv ? [1, size, size, outDepth] : [1, outDepth], Q(TensorType.Int16, 0.02f, 0));
        if (conv) g.AddOperator(BuiltinOperator.Conv2D, [input, weights, bias], [output], OperatorOptions.Conv2D(0, 1, 1, FusedActivation.Relu));
        else g.AddOperator(BuiltinOperator.FullyConnected, [input, weights, bias], [output], OperatorOptions.FullyConnected());
        g.SetInputs(input);
        g.SetOutputs(output);
        return builder.Build();
    }
}
