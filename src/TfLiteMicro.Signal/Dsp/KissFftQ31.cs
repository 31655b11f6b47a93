using System.Runtime.InteropServices;

namespace TfLiteMicro.Signal;

/// <summary>A complex number of two Q31 values, laid out as TFLM's Complex&lt;int32_t&gt;.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ComplexInt32
{
    public int Real;
    public int Imag;

    public ComplexInt32(int real, int imag)
    {
        Real = real;
        Imag = imag;
    }

    public override readonly string ToString() => $"({Real}, {Imag})";
}

/// <summary>
/// KISS FFT in Q31 fixed point, as TFLM builds it (FIXED_POINT=32): every stage divides by its radix with
/// rounding, products round to nearest, and sums are wrap at 32 bits where the C code stores them.
/// </summary>
internal sealed class KissFftQ31
{
    private const int SampMax = 2147483647;
    private readonly int[] _factors;
    private readonly ComplexInt32[] _twiddles;
    private readonly ComplexInt32[] _superTwiddles;
    private readonly bool _inverse;

    /// <summary>A real FFT (or inverse) of <paramref name="fftLength"/> points (checked by the caller).</summary>
    public KissFftQ31(int fftLength, bool inverse)
    {
        FftLength = fftLength;
        int n = fftLength / 2;
        ComplexLength = n;
        _inverse = inverse;
        _factors = KissFftPlan.Factor(n);
        _twiddles = new ComplexInt32[n];
        for (int i = 0; i < n; i++)
            _twiddles[i] = Cexp(KissFftPlan.TwiddlePhase(i, n, inverse));
        _superTwiddles = new ComplexInt32[n / 2];
        for (int i = 0; i < n / 2; i++)
            _superTwiddles[i] = Cexp(KissFftPlan.SuperTwiddlePhase(i, n, inverse));
    }

    public int FftLength { get; }

    /// <summary>Points of the inner complex FFT (half the real length); the size of the work buffer.</summary>
    public int ComplexLength { get; }

    private static ComplexInt32 Cexp(double phase)
        => new((int)Math.Floor(.5 + SampMax * Math.Cos(phase)), (int)Math.Floor(.5 + SampMax * Math.Sin(phase)));

    private static int Round(long x) => unchecked((int)((x + (1L << 30)) >> 31));

    private static ComplexInt32 Mul(ComplexInt32 a, ComplexInt32 b) => new(
        Round(unchecked((long)a.Real * b.Real - (long)a.Imag * b.Imag)),
        Round(unchecked((long)a.Real * b.Imag + (long)a.Imag * b.Real)));

    private static ComplexInt32 Div(ComplexInt32 c, int k)
        => new(Round((long)c.Real * (SampMax / k)), Round((long)c.Imag * (SampMax / k)));

    private static ComplexInt32 Add(ComplexInt32 a, ComplexInt32 b) => new(unchecked((int)(a.Real + b.Real)), unchecked((int)(a.Imag + b.Imag)));

    private static ComplexInt32 Sub(ComplexInt32 a, ComplexInt32 b) => new(unchecked((int)(a.Real - b.Real)), unchecked((int)(a.Imag - b.Imag)));

    /// <summary>Forward real FFT: <paramref name="time"/> holds FftLength samples, <paramref name="freq"/> receives FftLength/2+1 bins.</summary>
    public void Forward(ReadOnlySpan<int> time, Span<ComplexInt32> freq, Span<ComplexInt32> work)
    {
        int ncfft = ComplexLength;
        Transform(MemoryMarshal.Cast<int, ComplexInt32>(time), work, 0, 0, 1, 0);
        ComplexInt32 tdc = Div(work[0], 2);
        freq[0] = new ComplexInt32(unchecked((int)(tdc.Real + tdc.Imag)), 0);
        freq[ncfft] = new ComplexInt32(unchecked((int)(tdc.Real - tdc.Imag)), 0);
        for (int k = 1; k <= ncfft / 2; k++)
        {
            ComplexInt32 fpk = Div(work[k], 2);
            ComplexInt32 fpnk = Div(new ComplexInt32(work[ncfft - k].Real, unchecked((int)-work[ncfft - k].Imag)), 2);
            ComplexInt32 f1k = Add(fpk, fpnk);
            ComplexInt32 f2k = Sub(fpk, fpnk);
            ComplexInt32 tw = Mul(f2k, _superTwiddles[k - 1]);
            freq[k] = new ComplexInt32(unchecked((int)((f1k.Real + tw.Real) >> 1)), unchecked((int)((f1k.Imag + tw.Imag) >> 1)));
            freq[ncfft - k] = new ComplexInt32(unchecked((int)((f1k.Real - tw.Real) >> 1)), unchecked((int)((tw.Imag - f1k.Imag) >> 1)));
        }
    }

    /// <summary>Inverse real FFT: <paramref name="freq"/> holds FftLength/2+1 bins, <paramref name="time"/> receives FftLength samples.</summary>
    public void Inverse(ReadOnlySpan<ComplexInt32> freq, Span<int> time, Span<ComplexInt32> work)
    {
        int ncfft = ComplexLength;
        work[0] = Div(new ComplexInt32(unchecked((int)(freq[0].Real + freq[ncfft].Real)), unchecked((int)(freq[0].Real - freq[ncfft].Real))), 2);
        for (int k = 1; k <= ncfft / 2; k++)
        {
            ComplexInt32 fk = Div(freq[k], 2);
            ComplexInt32 fnkc = Div(new ComplexInt32(freq[ncfft - k].Real, unchecked((int)-freq[ncfft - k].Imag)), 2);
            ComplexInt32 fek = Add(fk, fnkc);
            ComplexInt32 tmp = Sub(fk, fnkc);
            ComplexInt32 fok = Mul(tmp, _superTwiddles[k - 1]);
            work[k] = Add(fek, fok);
            ComplexInt32 back = Sub(fek, fok);
            work[ncfft - k] = new ComplexInt32(back.Real, unchecked((int)-back.Imag));
        }
        Transform(work, MemoryMarshal.Cast<int, ComplexInt32>(time), 0, 0, 1, 0);
    }

    private void Transform(ReadOnlySpan<ComplexInt32> f, Span<ComplexInt32> fout, int outOffset, int inOffset, int fstride, int factor)
    {
        int p = _factors[factor];
        int m = _factors[factor + 1];
        if (m == 1)
        {
            for (int j = 0; j < p; j++)
                fout[outOffset + j] = f[inOffset + j * fstride];
        }
        else
        {
            for (int j = 0; j < p; j++)
                Transform(f, fout, outOffset + j * m, inOffset + j * fstride, fstride * p, factor + 2);
        }
        Span<ComplexInt32> s = fout.Slice(outOffset, p * m);
        switch (p)
        {
            case 2: Butterfly2(s, fstride, m); break;
            case 3: Butterfly3(s, fstride, m); break;
            case 4: Butterfly4(s, fstride, m); break;
            default: Butterfly5(s, fstride, m); break;
        }
    }

    private void Butterfly2(Span<ComplexInt32> f, int fstride, int m)
    {
        for (int k = 0; k < m; k++)
        {
            ComplexInt32 a = Div(f[k], 2);
            ComplexInt32 b = Div(f[k + m], 2);
            ComplexInt32 t = Mul(b, _twiddles[k * fstride]);
            f[k + m] = Sub(a, t);
            f[k] = Add(a, t);
        }
    }

    private void Butterfly3(Span<ComplexInt32> f, int fstride, int m)
    {
        ComplexInt32 epi3 = _twiddles[fstride * m];
        for (int k = 0; k < m; k++)
        {
            ComplexInt32 f0 = Div(f[k], 3);
            ComplexInt32 f1 = Div(f[k + m], 3);
            ComplexInt32 f2 = Div(f[k + 2 * m], 3);
            ComplexInt32 s1 = Mul(f1, _twiddles[k * fstride]);
            ComplexInt32 s2 = Mul(f2, _twiddles[2 * k * fstride]);
            ComplexInt32 s3 = Add(s1, s2);
            ComplexInt32 s0 = Sub(s1, s2);
            f1 = new ComplexInt32(unchecked((int)(f0.Real - (s3.Real >> 1))), unchecked((int)(f0.Imag - (s3.Imag >> 1))));
            s0 = new ComplexInt32(Round((long)s0.Real * epi3.Imag), Round((long)s0.Imag * epi3.Imag));
            f0 = Add(f0, s3);
            f2 = new ComplexInt32(unchecked((int)(f1.Real + s0.Imag)), unchecked((int)(f1.Imag - s0.Real)));
            f1 = new ComplexInt32(unchecked((int)(f1.Real - s0.Imag)), unchecked((int)(f1.Imag + s0.Real)));
            f[k] = f0;
            f[k + m] = f1;
            f[k + 2 * m] = f2;
        }
    }

    private void Butterfly4(Span<ComplexInt32> f, int fstride, int m)
    {
        for (int k = 0; k < m; k++)
        {
            ComplexInt32 f0 = Div(f[k], 4);
            ComplexInt32 f1 = Div(f[k + m], 4);
            ComplexInt32 f2 = Div(f[k + 2 * m], 4);
            ComplexInt32 f3 = Div(f[k + 3 * m], 4);
            ComplexInt32 s0 = Mul(f1, _twiddles[k * fstride]);
            ComplexInt32 s1 = Mul(f2, _twiddles[2 * k * fstride]);
            ComplexInt32 s2 = Mul(f3, _twiddles[3 * k * fstride]);
            ComplexInt32 s5 = Sub(f0, s1);
            f0 = Add(f0, s1);
            ComplexInt32 s3 = Add(s0, s2);
            ComplexInt32 s4 = Sub(s0, s2);
            f2 = Sub(f0, s3);
            f0 = Add(f0, s3);
            if (_inverse)
            {
                f1 = new ComplexInt32(unchecked((int)(s5.Real - s4.Imag)), unchecked((int)(s5.Imag + s4.Real)));
                f3 = new ComplexInt32(unchecked((int)(s5.Real + s4.Imag)), unchecked((int)(s5.Imag - s4.Real)));
            }
            else
            {
                f1 = new ComplexInt32(unchecked((int)(s5.Real + s4.Imag)), unchecked((int)(s5.Imag - s4.Real)));
                f3 = new ComplexInt32(unchecked((int)(s5.Real - s4.Imag)), unchecked((int)(s5.Imag + s4.Real)));
            }
            f[k] = f0;
            f[k + m] = f1;
            f[k + 2 * m] = f2;
            f[k + 3 * m] = f3;
        }
    }

    private void Butterfly5(Span<ComplexInt32> f, int fstride, int m)
    {
        ComplexInt32 ya = _twiddles[fstride * m];
        ComplexInt32 yb = _twiddles[fstride * 2 * m];
        for (int u = 0; u < m; u++)
        {
            ComplexInt32 f0 = Div(f[u], 5);
            ComplexInt32 f1 = Div(f[u + m], 5);
            ComplexInt32 f2 = Div(f[u + 2 * m], 5);
            ComplexInt32 f3 = Div(f[u + 3 * m], 5);
            ComplexInt32 f4 = Div(f[u + 4 * m], 5);
            ComplexInt32 s0 = f0;
            ComplexInt32 s1 = Mul(f1, _twiddles[u * fstride]);
            ComplexInt32 s2 = Mul(f2, _twiddles[2 * u * fstride]);
            ComplexInt32 s3 = Mul(f3, _twiddles[3 * u * fstride]);
            ComplexInt32 s4 = Mul(f4, _twiddles[4 * u * fstride]);
            ComplexInt32 s7 = Add(s1, s4);
            ComplexInt32 s10 = Sub(s1, s4);
            ComplexInt32 s8 = Add(s2, s3);
            ComplexInt32 s9 = Sub(s2, s3);
            unchecked
            {
                f0 = new ComplexInt32((int)(f0.Real + (s7.Real + s8.Real)), (int)(f0.Imag + (s7.Imag + s8.Imag)));
                var s5 = new ComplexInt32(
                    (int)(s0.Real + Round((long)s7.Real * ya.Real) + Round((long)s8.Real * yb.Real)),
                    (int)(s0.Imag + Round((long)s7.Imag * ya.Real) + Round((long)s8.Imag * yb.Real)));
                var s6 = new ComplexInt32(
                    (int)(Round((long)s10.Imag * ya.Imag) + Round((long)s9.Imag * yb.Imag)),
                    (int)(-Round((long)s10.Real * ya.Imag) - Round((long)s9.Real * yb.Imag)));
                f1 = Sub(s5, s6);
                f4 = Add(s5, s6);
                var s11 = new ComplexInt32(
                    (int)(s0.Real + Round((long)s7.Real * yb.Real) + Round((long)s8.Real * ya.Real)),
                    (int)(s0.Imag + Round((long)s7.Imag * yb.Real) + Round((long)s8.Imag * ya.Real)));
                var s12 = new ComplexInt32(
                    (int)(-Round((long)s10.Imag * yb.Imag) + Round((long)s9.Imag * ya.Imag)),
                    (int)(Round((long)s10.Real * yb.Imag) - Round((long)s9.Real * ya.Imag)));
                f2 = Add(s11, s12);
                f3 = Sub(s11, s12);
            }
            f[u] = f0;
            f[u + m] = f1;
            f[u + 2 * m] = f2;
            f[u + 3 * m] = f3;
            f[u + 4 * m] = f4;
        }
    }
}
