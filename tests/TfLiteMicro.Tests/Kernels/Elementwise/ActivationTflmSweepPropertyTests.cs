using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.Elementwise.TflmActivationArithmetic;
using static TfLiteMicro.Tests.Support.TensorSpec;

namespace TfLiteMicro.Tests.Kernels.Elementwise;

/// <summary>
/// Every int8 input (and int16 inputs, where TFLM has an int16 kernel) of ELU, HARD_SWISH, LEAKY_RELU, LOG_SOFTMAX and
/// SOFTMAX, at input scales from fine to large enough that the outputs saturate, bit-exact against TFLM's own integer
/// arithmetic (<see cref="TflmActivationArithmetic"/>, written from TFLM's sources apart from the product code). Each
/// case runs with the reference kernels and with the fast ones, on poisoned arenas.
/// </summary>
public class ActivationTflmSweepPropertyTests
{
    private static sbyte[] EveryInt8()
    {
        var values = new sbyte[256];
        for (int i = 0; i < 256; i++) values[i] = (sbyte)(i - 128);
        return values;
    }

    /// <summary>Rows of two: every int8 value beside each of a few partners (so each value is a row's maximum and not).</summary>
    private static sbyte[] EveryInt8InPairs()
    {
        sbyte[] partners = [-128, -1, 0, 60, 127];
        var values = new sbyte[256 * partners.Length * 2];
        int at = 0;
        foreach (sbyte partner in partners)
            for (int i = -128; i <= 127; i++)
            {
                values[at++] = (sbyte)i;
                values[at++] = partner;
            }
        return values;
    }

    private static T[] Run<T>(BuiltinOperator op, TensorSpec input, TensorSpec output, Array data, OperatorOptions? options, bool reference)
        where T : unmanaged
    {
        byte[] model = ElementwiseTestModels.Build(op, [input], output, options);
        var interpreter = new MicroInterpreter(Model.Load(model), OpResolver.WithAllBuiltins(), ArenaPoison.New(1 << 20),
            new InterpreterOptions { UseReferenceKernels = reference });
        interpreter.AllocateTensors();
        interpreter.Input(0).CopyFrom(ElementwiseTestModels.Bytes(data));
        interpreter.Invoke();
        return interpreter.Output(0).AsReadOnlySpan<T>().ToArray();
    }

    private static void AssertBothKernelSets<T>(BuiltinOperator op, TensorSpec input, TensorSpec output, Array data, OperatorOptions? options,
        int[] expected, string description) where T : unmanaged
    {
        foreach (bool reference in new[] { true, false })
        {
            T[] actual = Run<T>(op, input, output, data, options, reference);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                int value = Convert.ToInt32(actual[i]);
                if (value != expected[i])
                    Assert.Fail($"{op} {description}, {(reference ? "reference" : "fast")} kernels: element {i} (input {data.GetValue(i)}) " +
                                $"is {value}, TFLM gives {expected[i]}");
            }
        }
    }


    public static TheoryData<float, int, float, int> EluScales => new()
    {
        { 0.01f, 0, 0.01f, 0 }, { 0.05f, 10, 0.02f, -100 }, { 0.1f, -7, 0.05f, 50 }, { 0.5f, 0, 0.1f, 127 }, { 1f, 127, 0.25f, 0 },
    };

    [Theory]
    [MemberData(nameof(EluScales))]
    public void EluInt8EveryInput(float inputScale, int inputZero, float outputScale, int outputZero)
    {
        sbyte[] input = EveryInt8();
        int[] expected = [.. EluInt8(input, inputScale, inputZero, outputScale, outputZero).Select(v => (int)v)];
        AssertBothKernelSets<sbyte>(BuiltinOperator.Elu, I8(inputScale, inputZero, 256), I8(outputScale, outputZero, 256), input, null, expected,
            $"input scale {inputScale} zero {inputZero}, output scale {outputScale} zero {outputZero}");
    }

    public static TheoryData<float, int, float, int> HardSwishScales => new()
    {
        { 0.01f, 0, 0.01f, 0 }, { 0.05f, -20, 0.03f, -100 }, { 0.1f, 5, 0.05f, -128 }, { 0.2f, 0, 0.02f, 0 }, { 0.5f, -128, 0.01f, 3 },
        { 1f, 127, 0.5f, -60 },
    };

    [Theory]
    [MemberData(nameof(HardSwishScales))]
    public void HardSwishInt8EveryInput(float inputScale, int inputZero, float outputScale, int outputZero)
    {
        sbyte[] input = EveryInt8();
        int[] expected = [.. HardSwishInt8(input, inputScale, inputZero, outputScale, outputZero).Select(v => (int)v)];
        AssertBothKernelSets<sbyte>(BuiltinOperator.HardSwish, I8(inputScale, inputZero, 256), I8(outputScale, outputZero, 256), input, null, expected,
            $"input scale {inputScale} zero {inputZero}, output scale {outputScale} zero {outputZero}");
    }

    public static TheoryData<float, float, int, float, int> LeakyReluCases => new()
    {
        { 0.2f, 0.05f, 0, 0.05f, 0 }, { 0.2f, 0.1f, -10, 0.02f, 30 }, { -0.5f, 0.1f, 3, 0.1f, -4 }, { 1.5f, 0.5f, 0, 0.25f, 0 },
        { 0.01f, 1f, 100, 0.01f, -128 },
    };

    [Theory]
    [MemberData(nameof(LeakyReluCases))]
    public void LeakyReluInt8EveryInput(float alpha, float inputScale, int inputZero, float outputScale, int outputZero)
    {
        sbyte[] input = EveryInt8();
        int[] expected = LeakyRelu([.. input.Select(v => (int)v)], alpha, inputScale, inputZero, outputScale, outputZero, sbyte.MinValue, sbyte.MaxValue);
        AssertBothKernelSets<sbyte>(BuiltinOperator.LeakyRelu, I8(inputScale, inputZero, 256), I8(outputScale, outputZero, 256), input,
            OperatorOptions.LeakyRelu(alpha), expected, $"alpha {alpha}, input scale {inputScale} zero {inputZero}, output scale {outputScale} zero {outputZero}");
    }

    [Theory]
    [MemberData(nameof(LeakyReluCases))]
    public void LeakyReluInt16EveryInput(float alpha, float inputScale, int inputZero, float outputScale, int outputZero)
    {
        var input = new short[65536];
        for (int i = 0; i < input.Length; i++) input[i] = (short)(i - 32768);
        // int16 scales a step finer, so the same real range spans the int16 inputs.
        float inScale = inputScale / 256, outScale = outputScale / 256;
        int[] expected = LeakyRelu([.. input.Select(v => (int)v)], alpha, inScale, inputZero, outScale, outputZero, short.MinValue, short.MaxValue);
        AssertBothKernelSets<short>(BuiltinOperator.LeakyRelu, I16(inScale, inputZero, input.Length), I16(outScale, outputZero, input.Length), input,
            OperatorOptions.LeakyRelu(alpha), expected, $"alpha {alpha}, input scale {inScale} zero {inputZero}, output scale {outScale} zero {outputZero}");
    }

    public static TheoryData<float> SoftmaxScales => new() { 0.01f, 0.1f, 0.25f, 1f, 4f, 40f };

    [Theory]
    [MemberData(nameof(SoftmaxScales))]
    public void LogSoftmaxInt8EveryInput(float inputScale)
    {
        foreach ((sbyte[] input, int depth) in new[] { (EveryInt8(), 256), (EveryInt8InPairs(), 2), (EveryInt8(), 1) })
        {
            int[] expected = [.. LogSoftmaxInt8(input, depth, inputScale).Select(v => (int)v)];
            AssertBothKernelSets<sbyte>(BuiltinOperator.LogSoftmax, I8(inputScale, 0, input.Length / depth, depth), I8(16f / 256, 127, input.Length / depth, depth),
                input, null, expected, $"input scale {inputScale}, rows of {depth}");
        }
    }

    [Theory]
    [MemberData(nameof(SoftmaxScales))]
    public void SoftmaxInt8EveryInput(float inputScale)
    {
        foreach (float beta in new[] { 1f, 0.5f, 3f })
            foreach ((sbyte[] input, int depth) in new[] { (EveryInt8(), 256), (EveryInt8InPairs(), 2), (EveryInt8(), 1) })
            {
                int rows = input.Length / depth;
                int[] to8 = SoftmaxInt8(input, depth, inputScale, beta, 8);
                AssertBothKernelSets<sbyte>(BuiltinOperator.Softmax, I8(inputScale, 3, rows, depth), I8(1f / 256, -128, rows, depth), input,
                    OperatorOptions.Softmax(beta), to8, $"int8 output, input scale {inputScale}, beta {beta}, rows of {depth}");
                int[] to16 = SoftmaxInt8(input, depth, inputScale, beta, 16);
                AssertBothKernelSets<short>(BuiltinOperator.Softmax, I8(inputScale, 3, rows, depth), I16(1f / 65536, -32768, rows, depth), input,
                    OperatorOptions.Softmax(beta), to16, $"int16 output, input scale {inputScale}, beta {beta}, rows of {depth}");
            }
    }

    [Theory]
    [InlineData(1f / 32768, 1f)]
    [InlineData(1f / 4096, 1f)]
    [InlineData(0.001f, 0.5f)]
    [InlineData(0.01f, 1f)]
    public void SoftmaxInt16Inputs(float inputScale, float beta)
    {
        // Every 7th int16 value, each in a row of two beside a few partners, and one long row of them.
        const int stride = 7;
        short[] partners = [short.MinValue, -1000, 0, 20000, short.MaxValue];
        var pairs = new List<short>();
        var longRow = new List<short>();
        foreach (short partner in partners)
            for (int v = short.MinValue; v <= short.MaxValue; v += stride)
            {
                pairs.Add((short)v);
                pairs.Add(partner);
            }
        for (int v = short.MinValue; v <= short.MaxValue; v += stride * 16) longRow.Add((short)v);
        foreach ((short[] input, int depth) in new[] { (pairs.ToArray(), 2), (longRow.ToArray(), longRow.Count) })
        {
            int rows = input.Length / depth;
            int[] expected = [.. SoftmaxInt16(input, depth, inputScale, beta).Select(v => (int)v)];
            AssertBothKernelSets<short>(BuiltinOperator.Softmax, I16(inputScale, 0, rows, depth), I16(1f / 32768, 0, rows, depth), input,
                OperatorOptions.Softmax(beta), expected, $"int16, input scale {inputScale}, beta {beta}, rows of {depth}");
        }
    }
}
