using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.ControlFlow.Tests;

/// <summary>
/// UNIDIRECTIONAL_SEQUENCE_LSTM on TFLM's own kernel-test case (2 batches, 3 time steps, 2 inputs, 2 units,
/// batch-major, cell clip 6): the weights, inputs, quantization settings, expected outputs, final states and
/// tolerances are those of TFLM's unidirectional_sequence_lstm_test and its lstm_test_data.
/// </summary>
public sealed class LstmKernelVectorTests
{
    private const int Batch = 2, Time = 3, InputSize = 2, Units = 2;

    private static readonly float[] Input = [0.2f, 0.3f, 0.2f, 0.3f, 0.2f, 0.3f, -0.98f, 0.62f, 0.01f, 0.99f, 0.49f, -0.32f];
    private static readonly float[] ExpectedOutput =
    [
        0.26455893f, 0.26870455f, 0.47935803f, 0.47937014f, 0.58013272f, 0.58013278f,
        -1.41184672e-3f, -1.43329117e-5f, 0.46887168f, 0.46891281f, 0.50054074f, 0.50054148f,
    ];
    private static readonly float[] ExpectedHidden = [0.58013272f, 0.58013278f, 0.50054074f, 0.50054148f];
    private static readonly float[] ExpectedCell = [0.89740515f, 0.8974053f, 0.80327607f, 0.80327785f];

    // Gates in the kernel's tensor order: input, forget, cell, output.
    private static readonly float[][] Weights = [[10, 10, 20, 20], [-10, -10, -20, -20], [1, 1, 1, 1], [1, 1, 1, 1]];
    private static readonly float[][] Biases = [[-1, -2], [1, 2], [0, 0], [0, 0]];

    private sealed record Settings(
        TensorType Activation, TensorType Bias, TensorType Cell,
        float InputScale, int InputZeroPoint, float HiddenScale, int HiddenZeroPoint, float CellScale,
        float[] WeightScales, float[] BiasScales);

    // input, forget, cell, output gate weight and bias scales from TFLM's test data.
    private static readonly Settings Int8 = new(TensorType.Int8, TensorType.Int32, TensorType.Int16,
        0.00784313725490196f, 0, 0.004705882165580988f, -21, 0.00024414062f,
        [0.15748031496062992f, 0.15748031496062992f, 0.007874015748031496f, 0.007874015748031496f],
        [0.0012351397251814111f, 0.0012351397251814111f, 6.175698625907056e-5f, 6.175698625907056e-5f]);

    private static readonly Settings Int16 = new(TensorType.Int16, TensorType.Int64, TensorType.Int16,
        3.0518044e-5f, 0, 2.1362956633198035e-05f, 0, 0.00024414062f,
        [0.15748031496062992f, 0.15748031496062992f, 0.007874015748031496f, 0.007874015748031496f],
        [4.8059911474468205e-06f, 4.8059911474468205e-06f, 2.40299557372341e-07f, 2.40299557372341e-07f]);

    private static QuantizationParameters Q(float scale, int zeroPoint = 0) => new([scale], [zeroPoint], 0);

    private static byte[] BuildModel(Settings? q, bool timeMajor = false)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder g = builder.AddSubgraph("lstm");
        TensorType act = q?.Activation ?? TensorType.Float32;
        int input = g.AddTensor("input", act, timeMajor ? [Time, Batch, InputSize] : [Batch, Time, InputSize], q is null ? null : Q(q.InputScale, q.InputZeroPoint));
        var inputs = new int[24];
        Array.Fill(inputs, -1);
        inputs[0] = input;
        for (int gate = 0; gate < 4; gate++)
        {
            inputs[1 + gate] = Constant(g, $"w_x{gate}", Weights[gate], [Units, InputSize], q?.WeightScales[gate]);
            inputs[5 + gate] = Constant(g, $"w_h{gate}", Weights[gate], [Units, Units], q?.WeightScales[gate]);
            inputs[12 + gate] = q is null
                ? g.AddConstant<float>($"b{gate}", TensorType.Float32, [Units], Biases[gate])
                : q.Bias == TensorType.Int32
                    ? g.AddConstant<int>($"b{gate}", TensorType.Int32, [Units], Quantize(Biases[gate], q.BiasScales[gate]).Select(v => (int)v).ToArray(), Q(q.BiasScales[gate]))
                    : g.AddConstant<long>($"b{gate}", TensorType.Int64, [Units], Quantize(Biases[gate], q.BiasScales[gate]), Q(q.BiasScales[gate]));
        }
        inputs[18] = g.AddTensor("hidden", act, [Batch, Units], q is null ? null : Q(q.HiddenScale, q.HiddenZeroPoint), isVariable: true);
        inputs[19] = g.AddTensor("cell", q?.Cell ?? TensorType.Float32, [Batch, Units], q is null ? null : Q(q.CellScale), isVariable: true);
        int output = g.AddTensor("output", act, timeMajor ? [Time, Batch, Units] : [Batch, Time, Units], q is null ? null : Q(q.HiddenScale, q.HiddenZeroPoint));
        OperatorOptions options = OperatorOptions.UnidirectionalSequenceLstm(FusedActivation.Tanh, cellClip: 6f, projClip: 3f, timeMajor);
        g.AddOperator(BuiltinOperator.UnidirectionalSequenceLstm, inputs, [output], options);
        g.SetInputs(input);
        g.SetOutputs(output);
        return builder.Build();
    }

    private static int Constant(SubgraphBuilder g, string name, float[] values, int[] shape, float? scale)
        => scale is null
            ? g.AddConstant<float>(name, TensorType.Float32, shape, values)
            : g.AddConstant<sbyte>(name, TensorType.Int8, shape, values.Select(v => (sbyte)Math.Clamp(MathF.Round(v / scale.Value, MidpointRounding.AwayFromZero), -127, 127)).ToArray(), Q(scale.Value));

    private static long[] Quantize(float[] values, float scale)
        => values.Select(v => (long)Math.Round(v / (double)scale, MidpointRounding.AwayFromZero)).ToArray();

    private static (MicroInterpreter Interpreter, Tensor Hidden, Tensor Cell) Run(Settings? q)
    {
        Model model = Model.Load(BuildModel(q));
        var interpreter = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), ArenaPoison.New(32 * 1024));
        interpreter.AllocateTensors();
        Tensor input = interpreter.Input(0);
        if (q is null)
        {
            Input.CopyTo(input.AsSpan<float>());
        }
        else
        {
            (int min, int max) = q.Activation == TensorType.Int8 ? (-128, 127) : (-32768, 32767);
            for (int i = 0; i < Input.Length; i++)
            {
                int value = Math.Clamp((int)MathF.Round(Input[i] / q.InputScale, MidpointRounding.AwayFromZero) + q.InputZeroPoint, min, max);
                if (q.Activation == TensorType.Int8) input.AsSpan<sbyte>()[i] = (sbyte)value;
                else input.AsSpan<short>()[i] = (short)value;
            }
        }
        interpreter.Invoke();
        Subgraph s = model.Subgraphs[0];
        int hiddenIndex = s.Operators[0].Inputs[18], cellIndex = s.Operators[0].Inputs[19];
        return (interpreter, interpreter.GetTensor(hiddenIndex), interpreter.GetTensor(cellIndex));
    }

    private static void AssertNear(float[] expected, Tensor actual, float tolerance, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double value = actual.GetValueAsDouble(i);
            Assert.True(Math.Abs(value - expected[i]) <= tolerance, $"{what}[{i}] = {value}, expected {expected[i]} within {tolerance}");
        }
    }

    [Fact]
    public void Float32MatchesTflm()
    {
        (MicroInterpreter interpreter, Tensor hidden, Tensor cell) = Run(null);
        AssertNear(ExpectedHidden, hidden, 1e-6f, "hidden");
        AssertNear(ExpectedCell, cell, 1e-6f, "cell");
        AssertNear(ExpectedOutput, interpreter.Output(0), 1e-6f, "output");
    }

    [Fact]
    public void Int8ActivationsMatchTflm()
    {
        (MicroInterpreter interpreter, Tensor hidden, Tensor cell) = Run(Int8);
        AssertNear(ExpectedHidden, hidden, 1e-2f, "hidden");
        AssertNear(ExpectedCell, cell, 1e-2f, "cell");
        AssertNear(ExpectedOutput, interpreter.Output(0), 1e-2f, "output");
    }

    [Fact]
    public void Int16ActivationsMatchTflm()
    {
        (MicroInterpreter interpreter, Tensor hidden, Tensor cell) = Run(Int16);
        AssertNear(ExpectedHidden, hidden, 1e-3f, "hidden");
        AssertNear(ExpectedCell, cell, 1e-2f, "cell");
        AssertNear(ExpectedOutput, interpreter.Output(0), 1e-3f, "output");
    }

    [Fact]
    public void TimeMajorLayoutGivesTheSameSequences()
    {
        // The same sequences laid out [time, batch, input] must give the outputs laid out [time, batch, units].
        Model model = Model.Load(BuildModel(null, timeMajor: true));
        using var interpreter = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), ArenaPoison.New(32 * 1024));
        interpreter.AllocateTensors();
        Span<float> input = interpreter.Input(0).AsSpan<float>();
        for (int b = 0; b < Batch; b++)
            for (int t = 0; t < Time; t++)
                for (int k = 0; k < InputSize; k++)
                    input[(t * Batch + b) * InputSize + k] = Input[(b * Time + t) * InputSize + k];
        interpreter.Invoke();
        ReadOnlySpan<float> output = interpreter.Output(0).AsReadOnlySpan<float>();
        for (int b = 0; b < Batch; b++)
            for (int t = 0; t < Time; t++)
                for (int u = 0; u < Units; u++)
                {
                    float expected = ExpectedOutput[(b * Time + t) * Units + u];
                    float actual = output[(t * Batch + b) * Units + u];
                    Assert.True(Math.Abs(actual - expected) <= 1e-6f, $"t={t} b={b} u={u}: {actual}, expected {expected}");
                }
    }
}
