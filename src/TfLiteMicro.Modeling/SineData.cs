namespace TfLiteMicro.Modeling;

/// <summary>The data of TFLM's hello_world example: x uniform in [0, 2π], y = sin(x) plus Gaussian noise.</summary>
public static class SineData
{
    /// <summary>Draws <paramref name="count"/> samples from <paramref name="seed"/>; <paramref name="noise"/> is the noise's standard deviation.</summary>
    public static (float[] X, float[] Y) Generate(int count, ulong seed, float noise = 0.1f)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var random = new SeededRandom(seed);
        var x = new float[count];
        var y = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = (float)random.NextDouble(0, 2 * Math.PI);
            y[i] = (float)(Math.Sin(x[i]) + noise * random.NextGaussian());
        }
        return (x, y);
    }
}
