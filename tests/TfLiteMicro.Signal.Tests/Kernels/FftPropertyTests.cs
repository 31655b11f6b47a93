using System.Runtime.InteropServices;
using TfLiteMicro.Kernels;

namespace TfLiteMicro.Signal.Tests.Kernels;

/// <summary>The vectorized int16 real FFT gives the reference KISS FFT's integers on every instruction-set level.</summary>
public class FftPropertyTests
{
    public static TheoryData<int> Lengths => new() { 32, 64, 128, 256, 512, 1024, 2048, 4096 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Q15RealFftGivesTheReferenceIntegers(int fftLength)
    {
        var random = new Random(fftLength);
        int ncfft = fftLength / 2;
        Complex<short>[] referenceTwiddles = KissFft<short, Q15FftArithmetic>.Twiddles(fftLength, inverse: false);
        int[] factors = KissFftPlan.Factor(ncfft);
        var work = new Complex<short>[ncfft];
        for (int c = 0; c < FastPaths.Cases(40); c++)
        {
            short[] time = Samples(random, fftLength, c);
            FastPaths.AssertLoop<Complex<short>>(ncfft + 1,
                freq => new KissFft<short, Q15FftArithmetic>(factors, referenceTwiddles, fftLength, inverse: false).Forward(time, freq, work),
                (level, freq) =>
                {
                    work.AsSpan().Fill(new Complex<short>(0x5A5A, 0x5A5A));
                    int lanes = Q15RealFft.LanesFor(level, fftLength);
                    if (lanes == 0)
                    {
                        new KissFft<short, Q15FftArithmetic>(factors, referenceTwiddles, fftLength, inverse: false).Forward(time, freq, work);
                        return;
                    }
                    (int[] plan, Complex<short>[] twiddles) = Q15RealFft.Build(fftLength, lanes);
                    Q15RealFft.Forward(level, plan, twiddles, fftLength, time, freq, work);
                },
                $"fft_length {fftLength}, case {c}");
        }
    }

    /// <summary>Full-scale noise, quiet noise, the extremes, impulses and constants: every kind of case the int16 wrap-arounds meet.</summary>
    internal static short[] Samples(Random random, int length, int kind)
    {
        var samples = new short[length];
        switch (kind % 6)
        {
            case 0:
                random.NextBytes(MemoryMarshal.AsBytes(samples.AsSpan()));
                break;
            case 1:
                int amplitude = 1 << random.Next(1, 15);
                for (int i = 0; i < length; i++) samples[i] = (short)random.Next(-amplitude, amplitude);
                break;
            case 2:
                for (int i = 0; i < length; i++) samples[i] = random.Next(2) == 0 ? short.MinValue : short.MaxValue;
                break;
            case 3:
                samples.AsSpan().Fill(random.Next(2) == 0 ? short.MinValue : (short)random.Next(short.MinValue, short.MaxValue + 1));
                break;
            case 4:
                samples[random.Next(length)] = (short)random.Next(short.MinValue, short.MaxValue + 1);
                break;
            default:
                for (int i = 0; i < length; i++)
                    samples[i] = (short)Math.Clamp(Math.Round(32767 * Math.Sin(i * random.NextDouble()) * random.NextDouble() * 1.2), short.MinValue, short.MaxValue);
                break;
        }
        return samples;
    }
}
