using System.Runtime.InteropServices;
using TfLiteMicro.Kernels;

namespace TfLiteMicro.Tests.Kernels;

/// <summary>
/// Random parameters and data for property tests of fast paths (run through <see cref="FastPath"/>): quantization
/// scales, biases, weights, activations and window geometry.
/// </summary>
internal static class PropertyTestSupport
{
    private static readonly FusedActivation[] s_activations = [FusedActivation.None, FusedActivation.Relu, FusedActivation.ReluN1To1, FusedActivation.Relu6];

    /// <summary>One of the activations quantized kernels fuse: none, RELU, RELU_N1_TO_1, RELU6.</summary>
    public static FusedActivation RandomActivation(Random random) => s_activations[random.Next(s_activations.Length)];

    public static PaddingKind RandomPadding(Random random) => random.Next(2) == 0 ? PaddingKind.Same : PaddingKind.Valid;

    /// <summary>The output extent of a window sliding over <paramref name="size"/> (zero or less: no output).</summary>
    public static int OutputSize(PaddingKind padding, int size, int filter, int stride, int dilation)
    {
        int effective = (filter - 1) * dilation + 1;
        return padding == PaddingKind.Same ? (size + stride - 1) / stride : (size - effective + stride) / stride;
    }

    /// <summary>Log-uniform in [<paramref name="min"/>, <paramref name="max"/>).</summary>
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

    /// <summary>int32 biases of about 2^10 or 2^20.</summary>
    public static int[] Bias(Random random, int count)
    {
        var values = new int[count];
        int range = random.Next(2) == 0 ? 1 << 10 : 1 << 20;
        for (int i = 0; i < count; i++) values[i] = random.Next(-range, range);
        return values;
    }

    /// <summary>int64 biases of about 2^10, 2^30 or 2^40.</summary>
    public static long[] Bias64(Random random, int count)
    {
        var values = new long[count];
        long range = random.Next(3) switch { 0 => 1L << 10, 1 => 1L << 30, _ => 1L << 40 };
        for (int k = 0; k < count; k++) values[k] = random.NextInt64(-range, range);
        return values;
    }

    /// <summary>float32 values uniform in [-1, 1).</summary>
    public static float[] Floats(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = random.NextSingle() * 2 - 1;
        return values;
    }

    public static byte[] AsBytes<T>(T[] values) where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
