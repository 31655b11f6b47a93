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

    /// <summary>
    /// The vector halved sums and differences against the scalar HALF_OF of the int sum: every int16 a against b at the
    /// extremes, around zero and spread over the range, at each width this machine runs.
    /// </summary>
    [Fact]
    public void Q15HalvesGiveTheScalarHalves()
    {
        var others = new List<short> { short.MinValue, short.MinValue + 1, -2, -1, 0, 1, 2, short.MaxValue - 1, short.MaxValue };
        for (int b = short.MinValue; b <= short.MaxValue; b += 257) others.Add((short)b);
        var a = new short[16];
        var b16 = new short[16];
        var sum = new short[16];
        var difference = new short[16];
        for (int start = short.MinValue; start <= short.MaxValue; start += 16)
        {
            for (int l = 0; l < 16; l++) a[l] = (short)(start + l);
            foreach (short b in others)
            {
                Array.Fill(b16, b);
                if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
                {
                    Halves<Q15Lanes256<Avx2PairMultiplyAdd>, System.Runtime.Intrinsics.Vector256<short>>(a, b16, sum, difference);
                    AssertHalves(a, b, sum, difference, 16);
                }
                Halves<Q15Lanes128, System.Runtime.Intrinsics.Vector128<short>>(a, b16, sum, difference);
                AssertHalves(a, b, sum, difference, 8);
            }
        }
    }

    private static void Halves<TOps, TV>(short[] a, short[] b, short[] sum, short[] difference)
        where TOps : struct, IQ15Lanes<TV> where TV : struct
    {
        sum.AsSpan().Fill(0x5A5A);
        difference.AsSpan().Fill(0x5A5A);
        TV x = MemoryMarshal.Read<TV>(MemoryMarshal.AsBytes(a.AsSpan())), y = MemoryMarshal.Read<TV>(MemoryMarshal.AsBytes(b.AsSpan()));
        TV s = Q15Halves.OfSum<TOps, TV>(x, y), d = Q15Halves.OfDifference<TOps, TV>(x, y);
        MemoryMarshal.Write(MemoryMarshal.AsBytes(sum.AsSpan()), in s);
        MemoryMarshal.Write(MemoryMarshal.AsBytes(difference.AsSpan()), in d);
    }

    private static void AssertHalves(short[] a, short b, short[] sum, short[] difference, int lanes)
    {
        for (int l = 0; l < lanes; l++)
        {
            if (sum[l] != (short)((a[l] + b) >> 1)) Assert.Fail($"HALF_OF({a[l]} + {b}) gave {sum[l]} in {lanes} lanes");
            if (difference[l] != (short)((a[l] - b) >> 1)) Assert.Fail($"HALF_OF({a[l]} - {b}) gave {difference[l]} in {lanes} lanes");
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
