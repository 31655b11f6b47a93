using TfLiteMicro.Modeling;
using static TfLiteMicro.Tests.Support.ElementwiseTestModels;
using static TfLiteMicro.Tests.Support.TensorSpec;

namespace TfLiteMicro.Tests.Kernels.Elementwise;

/// <summary>
/// Every int8 input value of TANH and LOGISTIC, at input scales from small to large enough that the outputs saturate
/// (|x| up to 16), against the functions themselves: within one output step everywhere, and exactly the saturated
/// value where the function is within half a step of its limit (TFLM saturates there).
/// </summary>
public class ActivationSweepTests
{
    public static TheoryData<float, int> Scales => new()
    {
        { 0.01f, 0 }, { 0.05f, 3 }, { 0.1f, -7 }, { 0.125f, 0 }, { 0.125f, -128 }, { 0.125f, 127 },
    };

    private static sbyte[] EveryInt8()
    {
        var values = new sbyte[256];
        for (int i = 0; i < 256; i++) values[i] = (sbyte)(i - 128);
        return values;
    }

    [Theory]
    [MemberData(nameof(Scales))]
    public void TanhInt8EveryInput(float scale, int zeroPoint)
    {
        sbyte[] input = EveryInt8();
        sbyte[] output = Run<sbyte>(BuiltinOperator.Tanh, [I8(scale, zeroPoint, 1, 256)], I8(1f / 128, 0, 1, 256), [input]);
        for (int i = 0; i < 256; i++)
        {
            double x = scale * (input[i] - zeroPoint);
            double exact = Math.Tanh(x) * 128;
            int expected = (int)Math.Clamp(Math.Round(exact), -128, 127);
            string where = $"x = {x} (input {input[i]}, scale {scale}, zero point {zeroPoint})";
            if (Math.Abs(x) >= 6) Assert.True(expected == output[i], $"{where}: {output[i]}, saturated {expected} expected");
            else Assert.True(Math.Abs(output[i] - exact) <= 1, $"{where}: {output[i]}, tanh gives {exact:F3}");
        }
    }

    [Theory]
    [MemberData(nameof(Scales))]
    public void LogisticInt8EveryInput(float scale, int zeroPoint)
    {
        sbyte[] input = EveryInt8();
        sbyte[] output = Run<sbyte>(BuiltinOperator.Logistic, [I8(scale, zeroPoint, 1, 256)], I8(1f / 256, -128, 1, 256), [input]);
        for (int i = 0; i < 256; i++)
        {
            double x = scale * (input[i] - zeroPoint);
            double exact = 256 / (1 + Math.Exp(-x)) - 128;
            int expected = (int)Math.Clamp(Math.Round(exact), -128, 127);
            string where = $"x = {x} (input {input[i]}, scale {scale}, zero point {zeroPoint})";
            if (Math.Abs(x) >= 7) Assert.True(expected == output[i], $"{where}: {output[i]}, saturated {expected} expected");
            else Assert.True(Math.Abs(output[i] - exact) <= 1, $"{where}: {output[i]}, the logistic gives {exact:F3}");
        }
    }

    [Theory]
    [InlineData(1f / 4096)]
    [InlineData(1f / 2048)]
    [InlineData(0.0005f)]
    public void TanhInt16EveryInput(float scale)
    {
        const int chunk = 4096;
        for (int start = -32768; start < 32768; start += chunk)
        {
            var input = new short[chunk];
            for (int i = 0; i < chunk; i++) input[i] = (short)(start + i);
            short[] output = Run<short>(BuiltinOperator.Tanh, [I16(scale, 0, 1, chunk)], I16(1f / 32768, 0, 1, chunk), [input]);
            for (int i = 0; i < chunk; i++)
            {
                double x = scale * input[i];
                double exact = Math.Clamp(Math.Tanh(x) * 32768, -32768, 32767);
                // The interpolated table is accurate to a few output steps.
                Assert.True(Math.Abs(output[i] - exact) <= 4, $"x = {x} (input {input[i]}, scale {scale}): {output[i]}, tanh gives {exact:F2}");
            }
        }
    }
}
