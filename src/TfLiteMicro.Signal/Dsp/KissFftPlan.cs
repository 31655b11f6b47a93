namespace TfLiteMicro.Signal;

/// <summary>
/// The factorisation and twiddle phases of the mixed-radix FFT TFLM's signal library uses (KISS FFT 1.3.0):
/// radix 4 first, then 2, then odd primes. TFLM's build has no memory for radices above 5, so those lengths
/// are rejected.
/// </summary>
internal static class KissFftPlan
{
    private const int MaxFactors = 32;

    /// <summary>Pairs (radix, remaining length) for a complex FFT of <paramref name="n"/> points.</summary>
    public static int[] Factor(int n)
    {
        var factors = new List<int>(2 * MaxFactors);
        int p = 4;
        double floorSqrt = Math.Floor(Math.Sqrt(n));
        do
        {
            while (n % p != 0)
            {
                p = p switch { 4 => 2, 2 => 3, _ => p + 2 };
                if (p > floorSqrt) p = n;
            }
            n /= p;
            factors.Add(p);
            factors.Add(n);
        } while (n > 1);
        return [.. factors];
    }

    /// <summary>Whether a real FFT of <paramref name="fftLength"/> points is one TFLM can run; null when it is, else why not.</summary>
    public static string? CheckRealLength(int fftLength)
    {
        // Two points would leave a one-point complex FFT, a radix-1 stage KISS FFT has no butterfly for.
        if (fftLength < 4 || fftLength > (1 << 24))
            return $"fft_length {fftLength} is out of range (4 to {1 << 24})";
        if ((fftLength & 1) != 0)
            return $"fft_length {fftLength} must be even (the real FFT packs two real samples per complex point)";
        int[] factors = Factor(fftLength / 2);
        for (int i = 0; i < factors.Length; i += 2)
        {
            if (factors[i] > 5)
                return $"fft_length {fftLength}: radix {factors[i]} is not supported (only lengths whose half factors into 2, 3, 4 and 5)";
        }
        return null;
    }

    /// <summary>Phase of twiddle <paramref name="i"/> of an <paramref name="nfft"/>-point complex FFT.</summary>
    public static double TwiddlePhase(int i, int nfft, bool inverse)
    {
        double phase = -2 * Math.PI * i / nfft;
        return inverse ? -phase : phase;
    }

    /// <summary>Phase of the real-FFT post-processing twiddle <paramref name="i"/> (ncfft = half the real length).</summary>
    public static double SuperTwiddlePhase(int i, int ncfft, bool inverse)
    {
        double phase = -Math.PI * ((double)(i + 1) / ncfft + .5);
        return inverse ? -phase : phase;
    }
}
