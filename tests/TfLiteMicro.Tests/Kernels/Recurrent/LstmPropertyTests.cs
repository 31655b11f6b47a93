using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Recurrent;

/// <summary>
/// UNIDIRECTIONAL_SEQUENCE_LSTM's fast paths (gate products, vector activations, cell and hidden updates) give the
/// reference kernels' outputs and states over several Invokes: int8 and int16 activations bit for bit, float32 within
/// 1e-5 (vector exponentials and dot products in another order).
/// </summary>
public sealed class LstmPropertyTests
{
    [Theory]
    [InlineData(TensorType.Int8)]
    [InlineData(TensorType.Int16)]
    [InlineData(TensorType.Float32)]
    public void LstmMatchesReference(TensorType activationType)
    {
        var random = new Random(7300 + (int)activationType);
        int cases = FastPath.Cases(60);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 4), steps = random.Next(1, 6), inputSize = random.Next(1, 40), units = random.Next(1, 40);
            bool timeMajor = random.Next(2) == 0;
            float cellClip = random.Next(3) == 0 ? Scale(random, 0.05f, 8f) : 0f;
            byte[] model = Build(random, activationType, batches, steps, inputSize, units, timeMajor, cellClip, out string details);
            FastPath.AssertMatchesReference(model, random,
                $"case {i}: LSTM {activationType} batches {batches} steps {steps} input {inputSize} units {units} time-major {timeMajor} clip {cellClip} {details}",
                floatTolerance: activationType == TensorType.Float32 ? 1e-5 : 0, invokes: 3);
        }
    }

    private static byte[] Build(Random random, TensorType type, int batches, int steps, int inputSize, int units, bool timeMajor, float cellClip,
        out string details)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph("main");
        bool isFloat = type == TensorType.Float32;
        int[] inputShape = timeMajor ? [steps, batches, inputSize] : [batches, steps, inputSize];
        int[] outputShape = timeMajor ? [steps, batches, units] : [batches, steps, units];
        float inputScale = Scale(random, 0.005f, 0.1f), hiddenScale = Scale(random, 0.002f, 0.05f);
        int inputZeroPoint = type == TensorType.Int8 ? random.Next(-128, 128) : 0;
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
            inputs[1 + g] = Weights(graph, random, isFloat, $"wx{g}", units, inputSize);
            inputs[5 + g] = Weights(graph, random, isFloat, $"wh{g}", units, units);
            inputs[12 + g] = type switch
            {
                TensorType.Float32 => graph.AddConstant($"b{g}", TensorType.Float32, [units], AsBytes(Floats(random, units))),
                TensorType.Int8 => graph.AddConstant($"b{g}", TensorType.Int32, [units], AsBytes(Bias(random, units)), Quant.PerTensor(inputScale * 0.01f)),
                _ => graph.AddConstant($"b{g}", TensorType.Int64, [units], AsBytes(Bias64(random, units)), Quant.PerTensor(inputScale * 0.01f)),
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

    private static int Weights(SubgraphBuilder graph, Random random, bool isFloat, string name, int rows, int columns)
        => isFloat
            ? graph.AddConstant(name, TensorType.Float32, [rows, columns], AsBytes(Floats(random, rows * columns)))
            : graph.AddConstant(name, TensorType.Int8, [rows, columns], RandomBytes(random, rows * columns), Quant.PerTensor(Scale(random, 0.002f, 0.03f)));
}
