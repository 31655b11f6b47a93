using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Recurrent;

/// <summary>
/// Random single-operator UNIDIRECTIONAL_SEQUENCE_LSTM and SVDF models for the property tests and the Arm64 check (no
/// test-framework dependency).
/// </summary>
internal static class RecurrentModels
{
    public static byte[] Lstm(Random random, TensorType type, int batches, int steps, int inputSize, int units, bool timeMajor, float cellClip,
        out string details, int? fixedInputZeroPoint = null, float? weightScale = null, int? biasBits = null)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph("main");
        bool isFloat = type == TensorType.Float32;
        int[] inputShape = timeMajor ? [steps, batches, inputSize] : [batches, steps, inputSize];
        int[] outputShape = timeMajor ? [steps, batches, units] : [batches, steps, units];
        float inputScale = Scale(random, 0.005f, 0.1f), hiddenScale = Scale(random, 0.002f, 0.05f);
        int inputZeroPoint = fixedInputZeroPoint ?? (type == TensorType.Int8 ? random.Next(-128, 128) : 0);
        int hiddenZeroPoint = type == TensorType.Int8 ? random.Next(-20, 21) : 0;
        int cellPower = random.Next(-15, -7);
        details = isFloat ? "" : $"input zp {inputZeroPoint} hidden zp {hiddenZeroPoint} cell 2^{cellPower}";
        QuantizationParameters? Q(float scale, int zeroPoint = 0) => isFloat ? null : Quant.PerTensor(scale, zeroPoint);

        int input = graph.AddTensor("input", type, inputShape, Q(inputScale, inputZeroPoint));
        var inputs = new int[24];
        Array.Fill(inputs, -1);
        inputs[0] = input;
        for (int g = 0; g < 4; g++)
        {
            inputs[1 + g] = Weights(graph, random, isFloat, $"wx{g}", units, inputSize, weightScale);
            inputs[5 + g] = Weights(graph, random, isFloat, $"wh{g}", units, units, weightScale);
            inputs[12 + g] = type switch
            {
                TensorType.Float32 => graph.AddConstant($"b{g}", TensorType.Float32, [units], AsBytes(Floats(random, units))),
                TensorType.Int8 => graph.AddConstant($"b{g}", TensorType.Int32, [units], AsBytes(Bias(random, units)), Quant.PerTensor(inputScale * 0.01f)),
                _ => graph.AddConstant($"b{g}", TensorType.Int64, [units], AsBytes(biasBits is int bits ? WideBias(random, units, bits) : Bias64(random, units)),
                    Quant.PerTensor(inputScale * 0.01f)),
            };
        }
        inputs[18] = graph.AddTensor("hidden", type, [batches, units], Q(hiddenScale, hiddenZeroPoint), isVariable: true);
        inputs[19] = graph.AddTensor("cell", isFloat ? TensorType.Float32 : TensorType.Int16, [batches, units], Q(MathF.ScaleB(1f, cellPower)), isVariable: true);
        int output = graph.AddTensor("output", type, outputShape, Q(hiddenScale, hiddenZeroPoint));
        graph.AddOperator(BuiltinOperator.UnidirectionalSequenceLstm, inputs, [output],
            OperatorOptions.UnidirectionalSequenceLstm(FusedActivation.Tanh, cellClip, 0f, timeMajor));
        graph.SetInputs(input);
        graph.SetOutputs(output);
        return builder.Build();
    }

    private static int Weights(SubgraphBuilder graph, Random random, bool isFloat, string name, int rows, int columns, float? scale)
        => isFloat
            ? graph.AddConstant(name, TensorType.Float32, [rows, columns], AsBytes(Floats(random, rows * columns)))
            : graph.AddConstant(name, TensorType.Int8, [rows, columns], RandomBytes(random, rows * columns),
                Quant.PerTensor(scale ?? Scale(random, 0.002f, 0.03f)));

    /// <summary>int64 biases uniform within ±2^<paramref name="bits"/>.</summary>
    private static long[] WideBias(Random random, int count, int bits)
    {
        var values = new long[count];
        for (int k = 0; k < count; k++) values[k] = random.NextInt64(-(1L << bits), 1L << bits);
        return values;
    }

    public static byte[] Svdf(Random random, int batches, int inputSize, int units, int rank, int memory, TensorType stateType, int inputZeroPoint)
    {
        int filters = units * rank, elementBytes = stateType == TensorType.Int16 ? 2 : 1;
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph("main");
        float stateScale = Scale(random, 0.01f, 1f), timeScale = Scale(random, 0.001f, 0.05f);
        int input = graph.AddTensor("input", TensorType.Int8, [batches, inputSize], Quant.PerTensor(Scale(random, 0.01f, 0.1f), inputZeroPoint));
        int feature = graph.AddConstant("feature", TensorType.Int8, [filters, inputSize], RandomBytes(random, filters * inputSize), Quant.PerTensor(Scale(random, 0.002f, 0.02f)));
        int time = graph.AddConstant("time", stateType, [filters, memory], RandomBytes(random, filters * memory * elementBytes), Quant.PerTensor(timeScale));
        int bias = graph.AddConstant("bias", TensorType.Int32, [units], AsBytes(Bias(random, units)), Quant.PerTensor(stateScale * timeScale));
        int state = graph.AddTensor("state", stateType, [batches, memory * filters],
            Quant.PerTensor(stateScale, stateType == TensorType.Int8 ? random.Next(-20, 21) : 0), isVariable: true);
        int output = graph.AddTensor("output", TensorType.Int8, [batches, units], Quant.PerTensor(Scale(random, 0.01f, 1f), random.Next(-128, 128)));
        graph.AddOperator(BuiltinOperator.Svdf, [input, feature, time, bias, state], [output], OperatorOptions.Svdf(rank, RandomActivation(random)));
        graph.SetInputs(input);
        graph.SetOutputs(output);
        return builder.Build();
    }
}
