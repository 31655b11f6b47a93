using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.ControlFlow.Tests;

/// <summary>
/// SVDF on TFLM's kernel-test case "2x2 input, 2x4 output" (batch 2, 2 inputs, 4 units, rank 2, memory 10): ten
/// calls in a row with the state carried, against TFLM's golden outputs and tolerances (1e-5 for float32, one
/// quantization step for int8 with int8 or int16 state), with its weights, inputs and quantization settings.
/// </summary>
public sealed class SvdfKernelVectorTests
{
    private const int Batch = 2, Units = 4, InputSize = 2, Memory = 10, Rank = 2, Filters = Units * Rank;

    private static readonly float[] Inputs =
    [
        0.12609188f, -0.46347019f, 0.35867718f, 0.36897406f,
        0.14278367f, -1.64410412f, -0.57290924f, 0.12729003f,
        0.49837467f, 0.19278903f, 0.17660543f, 0.52949083f,
        -0.11186574f, 0.13164264f, -0.72674477f, -0.5683046f,
        -0.68892461f, 0.37783599f, -0.63690937f, 0.44483393f,
        -0.81299269f, -0.86831826f, -0.95760226f, 1.82078898f,
        -1.45006323f, -0.82251364f, -1.65087092f, -1.89238167f,
        0.03966608f, -0.24936394f, 2.06740379f, -1.51439476f,
        0.11771342f, -0.23761693f, 0.31088525f, -1.55601168f,
        -0.89477462f, 1.67204106f, -0.6230064f, 0.29819036f,
    ];

    private static readonly float[] FeatureWeights =
    [
        -0.31930989f, 0.0079667f, 0.39296314f, 0.37613347f, 0.12416199f, 0.15785322f,
        0.27901134f, 0.3905206f, 0.21931258f, -0.36137494f, -0.10640851f, 0.31053296f,
        -0.36118156f, -0.0976817f, -0.36916667f, 0.22197971f,
    ];

    private static readonly float[] TimeWeights =
    [
        -0.31930989f, 0.37613347f, 0.27901134f, -0.36137494f, -0.36118156f, 0.22197971f, 0.27557442f, -0.06634006f, 0.0079667f, 0.12416199f,
        0.3905206f, -0.10640851f, -0.0976817f, 0.15294972f, 0.39635518f, -0.02702999f, 0.39296314f, 0.15785322f, 0.21931258f, 0.31053296f,
        -0.36916667f, 0.38031587f, -0.21580373f, 0.27072677f, 0.23622236f, 0.34936687f, 0.18174365f, 0.35907319f, -0.17493086f, 0.324846f,
        -0.10781813f, 0.27201805f, 0.14324132f, -0.23681851f, -0.27115166f, -0.01580888f, -0.14943552f, 0.15465137f, 0.09784451f, -0.0337657f,
        -0.14884081f, 0.19931212f, -0.36002168f, 0.34663299f, -0.11405486f, 0.12672701f, 0.39463779f, -0.07886535f, -0.06384811f, 0.08249187f,
        -0.26816407f, -0.19905911f, 0.29211238f, 0.31264046f, -0.28664589f, 0.05698794f, 0.11613581f, 0.14078894f, 0.02187902f, -0.21781836f,
        -0.15567942f, 0.08693647f, -0.38256618f, 0.36580828f, -0.22922277f, -0.0226903f, 0.12878349f, -0.28122205f, -0.10850525f, -0.11955214f,
        0.27179423f, -0.04710215f, 0.31069002f, 0.22672787f, 0.09580326f, 0.08682203f, 0.1258215f, 0.1851041f, 0.29228821f, 0.12366763f,
    ];

    private static readonly float[] Golden =
    [
        -0.044205f, -0.013757f, 0.050369f, -0.018447f, 0.073010f, 0.025142f, -0.021154f, 0.013551f,
        -0.209613f, -0.062421f, 0.150209f, -0.108334f, 0.028256f, -0.006950f, -0.030885f, 0.009603f,
        -0.076800f, -0.037075f, -0.087198f, -0.155183f, 0.091069f, 0.098446f, -0.016083f, 0.106475f,
        -0.082123f, -0.162238f, -0.084434f, -0.141074f, -0.029340f, -0.090685f, 0.053302f, -0.030604f,
        -0.201440f, 0.088424f, 0.139877f, 0.012416f, -0.113212f, 0.103893f, -0.100842f, 0.122780f,
        -0.166632f, -0.116705f, 0.175298f, -0.047163f, 0.313077f, -0.166485f, -0.285860f, 0.129069f,
        -0.625911f, 0.046134f, 0.138081f, -0.129581f, -0.521455f, -0.061579f, 0.230289f, 0.114963f,
        -0.216693f, -0.161643f, -0.179177f, -0.052599f, -0.213239f, 0.029502f, 0.260858f, 0.275045f,
        -0.213689f, -0.323608f, -0.285635f, -0.317687f, -0.324092f, -0.317972f, -0.208450f, -0.462504f,
        -0.255126f, -0.218576f, -0.041528f, 0.179421f, -0.440583f, 0.072127f, -0.284136f, 0.241570f,
    ];

    private static QuantizationParameters Q(float scale) => new([scale], [0], 0);

    private static int QuantizeValue(float value, float scale, int min, int max)
        => Math.Clamp((int)MathF.Round(value / scale, MidpointRounding.AwayFromZero), min, max);

    [Fact]
    public void Float32MatchesTflm()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder g = builder.AddSubgraph();
        int input = g.AddTensor("input", TensorType.Float32, [Batch, InputSize]);
        int feature = g.AddConstant<float>("feature", TensorType.Float32, [Filters, InputSize], FeatureWeights);
        int time = g.AddConstant<float>("time", TensorType.Float32, [Filters, Memory], TimeWeights);
        int bias = g.AddConstant<float>("bias", TensorType.Float32, [Units], new float[Units]);
        int state = g.AddTensor("state", TensorType.Float32, [Batch, Memory * Filters], isVariable: true);
        int output = g.AddTensor("output", TensorType.Float32, [Batch, Units]);
        g.AddOperator(BuiltinOperator.Svdf, [input, feature, time, bias, state], [output], OperatorOptions.Svdf(Rank));
        g.SetInputs(input);
        g.SetOutputs(output);

        using var interpreter = new MicroInterpreter(Model.Load(builder.Build()), OpResolver.WithAllBuiltins(), ArenaPoison.New(16 * 1024));
        interpreter.AllocateTensors();
        for (int call = 0; call < 10; call++)
        {
            Inputs.AsSpan(call * Batch * InputSize, Batch * InputSize).CopyTo(interpreter.Input(0).AsSpan<float>());
            interpreter.Invoke();
            ReadOnlySpan<float> actual = interpreter.Output(0).AsReadOnlySpan<float>();
            for (int i = 0; i < Batch * Units; i++)
            {
                float expected = Golden[call * Batch * Units + i];
                Assert.True(Math.Abs(actual[i] - expected) <= 1e-5f, $"call {call}, output {i}: {actual[i]}, expected {expected}");
            }
        }
    }

    [Theory]
    [InlineData(TensorType.Int8)]
    [InlineData(TensorType.Int16)]
    public void Int8MatchesTflm(TensorType stateType)
    {
        int stateMax = stateType == TensorType.Int8 ? sbyte.MaxValue : short.MaxValue;
        int stateMin = stateType == TensorType.Int8 ? sbyte.MinValue : short.MinValue;
        float inputScale = 2.5f / 127;
        float featureScale = 1f / 127;
        float timeScale = 1f / stateMax;
        float stateScale = 1.49f / stateMax;
        float outputScale = 1f / 127;

        var builder = new ModelBuilder();
        SubgraphBuilder g = builder.AddSubgraph();
        int input = g.AddTensor("input", TensorType.Int8, [Batch, InputSize], Q(inputScale));
        sbyte[] featureQ = FeatureWeights.Select(v => (sbyte)QuantizeValue(v, featureScale, -128, 127)).ToArray();
        int feature = g.AddConstant<sbyte>("feature", TensorType.Int8, [Filters, InputSize], featureQ, Q(featureScale));
        int time = stateType == TensorType.Int8
            ? g.AddConstant<sbyte>("time", TensorType.Int8, [Filters, Memory], TimeWeights.Select(v => (sbyte)QuantizeValue(v, timeScale, stateMin, stateMax)).ToArray(), Q(timeScale))
            : g.AddConstant<short>("time", TensorType.Int16, [Filters, Memory], TimeWeights.Select(v => (short)QuantizeValue(v, timeScale, stateMin, stateMax)).ToArray(), Q(timeScale));
        int bias = g.AddConstant<int>("bias", TensorType.Int32, [Units], new int[Units], Q(timeScale * stateScale));
        int state = g.AddTensor("state", stateType, [Batch, Memory * Filters], Q(stateScale), isVariable: true);
        int output = g.AddTensor("output", TensorType.Int8, [Batch, Units], Q(outputScale));
        g.AddOperator(BuiltinOperator.Svdf, [input, feature, time, bias, state], [output], OperatorOptions.Svdf(Rank, FusedActivation.Relu));
        g.SetInputs(input);
        g.SetOutputs(output);

        using var interpreter = new MicroInterpreter(Model.Load(builder.Build()), OpResolver.WithAllBuiltins(), ArenaPoison.New(16 * 1024));
        interpreter.AllocateTensors();
        for (int call = 0; call < 10; call++)
        {
            Span<sbyte> x = interpreter.Input(0).AsSpan<sbyte>();
            for (int i = 0; i < Batch * InputSize; i++) x[i] = (sbyte)QuantizeValue(Inputs[call * Batch * InputSize + i], inputScale, -128, 127);
            interpreter.Invoke();
            ReadOnlySpan<sbyte> actual = interpreter.Output(0).AsReadOnlySpan<sbyte>();
            for (int i = 0; i < Batch * Units; i++)
            {
                int expected = QuantizeValue(Golden[call * Batch * Units + i], outputScale, -128, 127);
                Assert.True(Math.Abs(actual[i] - expected) <= 1, $"call {call}, output {i}: {actual[i]}, expected {expected}");
            }
        }
    }
}
