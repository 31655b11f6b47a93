using System.Runtime.InteropServices;
using TfLiteMicro.Kernels;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// Shared pieces of the optimized-versus-reference property tests: case counts (TFLM_PROPERTY_CASES), the instruction-set
/// levels to force, random quantization parameters, and the comparison itself (random bytes into every graph input,
/// the reference kernels' output against every level's output).
/// </summary>
internal static class PropertyTestSupport
{
    public static int Cases(int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable("TFLM_PROPERTY_CASES"), out int n) && n > 0 ? n : fallback;

    /// <summary>Every optimized level this processor has, from the portable one up.</summary>
    public static IEnumerable<SimdLevel> Levels()
    {
        for (var level = SimdLevel.Vector128; level <= Simd.Supported; level++)
            if (Simd.IsAvailable(level)) yield return level;
    }

    [ThreadStatic] private static byte[]? t_arena;

    /// <summary>
    /// Runs the model with the reference kernels and with every optimized level on the same inputs: random bytes (floats
    /// in [-1, 1) when a tolerance is given), or what <paramref name="fillInput"/> writes for input k.
    /// </summary>
    public static void CompareWithReference(byte[] modelBytes, Random random, string description, double? floatTolerance = null,
        Action<int, byte[]>? fillInput = null)
    {
        // One arena per thread, reused by each interpreter in turn (a fresh 1 MiB array per run would keep the GC busy).
        byte[] arena = t_arena ??= new byte[1 << 20];
        Model model = Model.Load(modelBytes);
        OpResolver resolver = OpResolver.WithAllBuiltins();
        using var reference = new MicroInterpreter(model, resolver, arena, new InterpreterOptions { UseReferenceKernels = true });
        reference.AllocateTensors();
        var inputs = new byte[reference.InputCount][];
        for (int k = 0; k < inputs.Length; k++)
        {
            byte[] input = inputs[k] = new byte[reference.Input(k).ByteCount];
            if (fillInput is not null) fillInput(k, input);
            else if (floatTolerance is null) random.NextBytes(input);
            else
            {
                Span<float> values = MemoryMarshal.Cast<byte, float>(input.AsSpan());
                for (int i = 0; i < values.Length; i++) values[i] = random.NextSingle() * 2 - 1;
            }
            reference.Input(k).CopyFrom(input);
        }
        reference.Invoke();
        byte[] expected = reference.Output(0).AsReadOnlySpan<byte>().ToArray();

        foreach (SimdLevel level in Levels())
        {
            Simd.Limit = level;
            try
            {
                using var optimized = new MicroInterpreter(model, resolver, arena);
                optimized.AllocateTensors();
                for (int k = 0; k < inputs.Length; k++) optimized.Input(k).CopyFrom(inputs[k]);
                optimized.Invoke();
                ReadOnlySpan<byte> actual = optimized.Output(0).AsReadOnlySpan<byte>();
                if (floatTolerance is { } tolerance)
                {
                    ReadOnlySpan<float> got = MemoryMarshal.Cast<byte, float>(actual);
                    ReadOnlySpan<float> want = MemoryMarshal.Cast<byte, float>(expected.AsSpan());
                    for (int at = 0; at < want.Length; at++)
                        if (!(got[at].Equals(want[at]) || Math.Abs(got[at] - want[at]) <= tolerance * Math.Max(1.0, Math.Abs(want[at]))))
                            Assert.Fail($"{description}, level {level}: value {at} is {got[at]}, the reference gives {want[at]}");
                }
                else if (!actual.SequenceEqual(expected))
                {
                    int at = 0;
                    while (actual[at] == expected[at]) at++;
                    if (optimized.Output(0).Type == TensorType.Int16)
                        Assert.Fail($"{description}, level {level}: value {at / 2} is {MemoryMarshal.Cast<byte, short>(actual)[at / 2]}, " +
                            $"the reference gives {MemoryMarshal.Cast<byte, short>(expected.AsSpan())[at / 2]}");
                    Assert.Fail($"{description}, level {level}: byte {at} is {(sbyte)actual[at]}, the reference gives {(sbyte)expected[at]}");
                }
            }
            finally
            {
                Simd.Limit = null;
            }
        }
    }

    public static int OutputSize(byte padding, int size, int filter, int stride, int dilation)
    {
        int effective = (filter - 1) * dilation + 1;
        return padding == 0 ? (size + stride - 1) / stride : (size - effective + stride) / stride;
    }

    public static float Scale(Random random, float min, float max) => min * MathF.Pow(max / min, random.NextSingle());

    public static float[] Scales(Random random, int count, float min, float max)
    {
        var scales = new float[count];
        for (int i = 0; i < count; i++) scales[i] = Scale(random, min, max);
        return scales;
    }

    /// <summary>An output scale around the sums' typical spread, sometimes much smaller (saturating, multipliers above one).</summary>
    public static float OutputScale(Random random, float inputScale, float weightScale, int depth)
        => inputScale * weightScale * MathF.Sqrt(depth) * 128f * Scale(random, 0.02f, 4f);

    public static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    public static byte[] Bias(Random random, int count)
    {
        var values = new int[count];
        int range = random.Next(2) == 0 ? 1 << 10 : 1 << 20;
        for (int i = 0; i < count; i++) values[i] = random.Next(-range, range);
        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }
}
