namespace TfLiteMicro.Tests.Kernels.Elementwise;

internal static class ElementwiseAssert
{
    public static void Near(float[] expected, float[] actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: {actual[i]}, expected {expected[i]} (±{tolerance})");
    }

    public static void Near<T>(T[] expected, T[] actual, int tolerance) where T : System.Numerics.IBinaryInteger<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(int.Abs(int.CreateTruncating(expected[i]) - int.CreateTruncating(actual[i])) <= tolerance, $"element {i}: {actual[i]}, expected {expected[i]} (±{tolerance})");
    }

    public static void Dequantized(float[] expected, sbyte[] actual, float scale, int zeroPoint, float tolerance)
        => Near(expected, [.. actual.Select(q => scale * (q - zeroPoint))], tolerance);

    public static void Dequantized(float[] expected, short[] actual, float scale, int zeroPoint, float tolerance)
        => Near(expected, [.. actual.Select(q => scale * (q - zeroPoint))], tolerance);
}
