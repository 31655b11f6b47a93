using System.Runtime.InteropServices;

namespace TfLiteMicro.Signal;

/// <summary>A complex number of two floats, laid out as TFLM's Complex&lt;float&gt;.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct ComplexFloat
{
    public float Real;
    public float Imag;

    public ComplexFloat(float real, float imag)
    {
        Real = real;
        Imag = imag;
    }

    public override readonly string ToString() => $"({Real}, {Imag})";
}

/// <summary>
/// KISS FFT in single precision, as TFLM builds it: the operations in the C code's order, each rounded to
/// float (no fused multiply-add), so results match TFLM's x86 build.
/// </summary>
internal sealed class KissFftFloat
{
    private readonly int[] _factors;
    private readonly ComplexFloat[] _twiddles;
    private readonly ComplexFloat[] _superTwiddles;
    private readonly bool _inverse;

    /// <summary>A real FFT (or inverse) of <paramref name="fftLength"/> points (checked by the caller).</summary>
    public KissFftFloat(int fftLength, bool inverse)
    {
        FftLength = fftLength;
        int n = fftLength / 2;
        ComplexLength = n;
        _inverse = inverse;
        _factors = KissFftPlan.Factor(n);
        _twiddles = new ComplexFloat[n];
        for (int i = 0; i < n; i++)
            _twiddles[i] = Cexp(KissFftPlan.TwiddlePhase(i, n, inverse));
        _superTwiddles = new ComplexFloat[n / 2];
        for (int i = 0; i < n / 2; i++)
            _superTwiddles[i] = Cexp(KissFftPlan.SuperTwiddlePhase(i, n, inverse));
    }

    public int FftLength { get; }

    /// <summary>Points of the inner complex FFT (half the real length); the size of the work buffer.</summary>
    public int ComplexLength { get; }

    private static ComplexFloat Cexp(double phase) => new((float)Math.Cos(phase), (float)Math.Sin(phase));

    private static ComplexFloat Mul(ComplexFloat a, ComplexFloat b) => new(
        a.Real * b.Real - a.Imag * b.Imag,
        a.Real * b.Imag + a.Imag * b.Real);

    private static ComplexFloat Add(ComplexFloat a, ComplexFloat b) => new(a.Real + b.Real, a.Imag + b.Imag);

    private static ComplexFloat Sub(ComplexFloat a, ComplexFloat b) => new(a.Real - b.Real, a.Imag - b.Imag);

    /// <summary>Forward real FFT: <paramref name="time"/> holds FftLength samples, <paramref name="freq"/> receives FftLength/2+1 bins.</summary>
    public void Forward(ReadOnlySpan<float> time, Span<ComplexFloat> freq, Span<ComplexFloat> work)
    {
        int ncfft = ComplexLength;
        Transform(MemoryMarshal.Cast<float, ComplexFloat>(time), work, 0, 0, 1, 0);
        ComplexFloat tdc = (work[0]);
        freq[0] = new ComplexFloat(((tdc.Real + tdc.Imag)), 0);
        freq[ncfft] = new ComplexFloat(((tdc.Real - tdc.Imag)), 0);
        for (int k = 1; k <= ncfft / 2; k++)
        {
            ComplexFloat fpk = (work[k]);
            ComplexFloat fpnk = (new ComplexFloat(work[ncfft - k].Real, (-work[ncfft - k].Imag)));
            ComplexFloat f1k = Add(fpk, fpnk);
            ComplexFloat f2k = Sub(fpk, fpnk);
            ComplexFloat tw = Mul(f2k, _superTwiddles[k - 1]);
            freq[k] = new ComplexFloat((((f1k.Real + tw.Real) * 0.5f)), (((f1k.Imag + tw.Imag) * 0.5f)));
            freq[ncfft - k] = new ComplexFloat((((f1k.Real - tw.Real) * 0.5f)), (((tw.Imag - f1k.Imag) * 0.5f)));
        }
    }

    /// <summary>Inverse real FFT: <paramref name="freq"/> holds FftLength/2+1 bins, <paramref name="time"/> receives FftLength samples.</summary>
    public void Inverse(ReadOnlySpan<ComplexFloat> freq, Span<float> time, Span<ComplexFloat> work)
    {
        int ncfft = ComplexLength;
        work[0] = (new ComplexFloat(((freq[0].Real + freq[ncfft].Real)), ((freq[0].Real - freq[ncfft].Real))));
        for (int k = 1; k <= ncfft / 2; k++)
        {
            ComplexFloat fk = (freq[k]);
            ComplexFloat fnkc = (new ComplexFloat(freq[ncfft - k].Real, (-freq[ncfft - k].Imag)));
            ComplexFloat fek = Add(fk, fnkc);
            ComplexFloat tmp = Sub(fk, fnkc);
            ComplexFloat fok = Mul(tmp, _superTwiddles[k - 1]);
            work[k] = Add(fek, fok);
            ComplexFloat back = Sub(fek, fok);
            work[ncfft - k] = new ComplexFloat(back.Real, (-back.Imag));
        }
        Transform(work, MemoryMarshal.Cast<float, ComplexFloat>(time), 0, 0, 1, 0);
    }

    private void Transform(ReadOnlySpan<ComplexFloat> f, Span<ComplexFloat> fout, int outOffset, int inOffset, int fstride, int factor)
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
        Span<ComplexFloat> s = fout.Slice(outOffset, p * m);
        switch (p)
        {
            case 2: Butterfly2(s, fstride, m); break;
            case 3: Butterfly3(s, fstride, m); break;
            case 4: Butterfly4(s, fstride, m); break;
            default: Butterfly5(s, fstride, m); break;
        }
    }

    private void Butterfly2(Span<ComplexFloat> f, int fstride, int m)
    {
        for (int k = 0; k < m; k++)
        {
            ComplexFloat a = (f[k]);
            ComplexFloat b = (f[k + m]);
            ComplexFloat t = Mul(b, _twiddles[k * fstride]);
            f[k + m] = Sub(a, t);
            f[k] = Add(a, t);
        }
    }

    private void Butterfly3(Span<ComplexFloat> f, int fstride, int m)
    {
        ComplexFloat epi3 = _twiddles[fstride * m];
        for (int k = 0; k < m; k++)
        {
            ComplexFloat f0 = (f[k]);
            ComplexFloat f1 = (f[k + m]);
            ComplexFloat f2 = (f[k + 2 * m]);
            ComplexFloat s1 = Mul(f1, _twiddles[k * fstride]);
            ComplexFloat s2 = Mul(f2, _twiddles[2 * k * fstride]);
            ComplexFloat s3 = Add(s1, s2);
            ComplexFloat s0 = Sub(s1, s2);
            f1 = new ComplexFloat(((f0.Real - (s3.Real * 0.5f))), ((f0.Imag - (s3.Imag * 0.5f))));
            s0 = new ComplexFloat((s0.Real * epi3.Imag), (s0.Imag * epi3.Imag));
            f0 = Add(f0, s3);
            f2 = new ComplexFloat(((f1.Real + s0.Imag)), ((f1.Imag - s0.Real)));
            f1 = new ComplexFloat(((f1.Real - s0.Imag)), ((f1.Imag + s0.Real)));
            f[k] = f0;
            f[k + m] = f1;
            f[k + 2 * m] = f2;
        }
    }

    private void Butterfly4(Span<ComplexFloat> f, int fstride, int m)
    {
        for (int k = 0; k < m; k++)
        {
            ComplexFloat f0 = (f[k]);
            ComplexFloat f1 = (f[k + m]);
            ComplexFloat f2 = (f[k + 2 * m]);
            ComplexFloat f3 = (f[k + 3 * m]);
            ComplexFloat s0 = Mul(f1, _twiddles[k * fstride]);
            ComplexFloat s1 = Mul(f2, _twiddles[2 * k * fstride]);
            ComplexFloat s2 = Mul(f3, _twiddles[3 * k * fstride]);
            ComplexFloat s5 = Sub(f0, s1);
            f0 = Add(f0, s1);
            ComplexFloat s3 = Add(s0, s2);
            ComplexFloat s4 = Sub(s0, s2);
            f2 = Sub(f0, s3);
            f0 = Add(f0, s3);
            if (_inverse)
            {
                f1 = new ComplexFloat(((s5.Real - s4.Imag)), ((s5.Imag + s4.Real)));
                f3 = new ComplexFloat(((s5.Real + s4.Imag)), ((s5.Imag - s4.Real)));
            }
            else
            {
                f1 = new ComplexFloat(((s5.Real + s4.Imag)), ((s5.Imag - s4.Real)));
                f3 = new ComplexFloat(((s5.Real - s4.Imag)), ((s5.Imag + s4.Real)));
            }
            f[k] = f0;
            f[k + m] = f1;
            f[k + 2 * m] = f2;
            f[k + 3 * m] = f3;
        }
    }

    private void Butterfly5(Span<ComplexFloat> f, int fstride, int m)
    {
        ComplexFloat ya = _twiddles[fstride * m];
        ComplexFloat yb = _twiddles[fstride * 2 * m];
        for (int u = 0; u < m; u++)
        {
            ComplexFloat f0 = (f[u]);
            ComplexFloat f1 = (f[u + m]);
            ComplexFloat f2 = (f[u + 2 * m]);
            ComplexFloat f3 = (f[u + 3 * m]);
            ComplexFloat f4 = (f[u + 4 * m]);
            ComplexFloat s0 = f0;
            ComplexFloat s1 = Mul(f1, _twiddles[u * fstride]);
            ComplexFloat s2 = Mul(f2, _twiddles[2 * u * fstride]);
            ComplexFloat s3 = Mul(f3, _twiddles[3 * u * fstride]);
            ComplexFloat s4 = Mul(f4, _twiddles[4 * u * fstride]);
            ComplexFloat s7 = Add(s1, s4);
            ComplexFloat s10 = Sub(s1, s4);
            ComplexFloat s8 = Add(s2, s3);
            ComplexFloat s9 = Sub(s2, s3);
            {
                f0 = new ComplexFloat((f0.Real + (s7.Real + s8.Real)), (f0.Imag + (s7.Imag + s8.Imag)));
                var s5 = new ComplexFloat(
                    (s0.Real + (s7.Real * ya.Real) + (s8.Real * yb.Real)),
                    (s0.Imag + (s7.Imag * ya.Real) + (s8.Imag * yb.Real)));
                var s6 = new ComplexFloat(
                    ((s10.Imag * ya.Imag) + (s9.Imag * yb.Imag)),
                    (-(s10.Real * ya.Imag) - (s9.Real * yb.Imag)));
                f1 = Sub(s5, s6);
                f4 = Add(s5, s6);
                var s11 = new ComplexFloat(
                    (s0.Real + (s7.Real * yb.Real) + (s8.Real * ya.Real)),
                    (s0.Imag + (s7.Imag * yb.Real) + (s8.Imag * ya.Real)));
                var s12 = new ComplexFloat(
                    (-(s10.Imag * yb.Imag) + (s9.Imag * ya.Imag)),
                    ((s10.Real * yb.Imag) - (s9.Real * ya.Imag)));
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
