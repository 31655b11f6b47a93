using System.Runtime.InteropServices;
#if NET8_0_OR_GREATER
using System.Runtime.CompilerServices;
#endif

namespace TfLiteMicro.Signal;

/// <summary>
/// KISS FFT's real transform (kiss_fftr over a mixed-radix kiss_fft of half the length) for one arithmetic
/// <typeparamref name="TMath"/>. A stack-only view over tables that live in the arena: the factors of
/// <see cref="KissFftPlan.Factor"/> and the twiddles of <see cref="Twiddles"/>.
/// </summary>
internal readonly ref struct KissFft<T, TMath>
    where T : unmanaged
    where TMath : struct, IFftArithmetic<T>
{
    /// <summary>The arithmetic of this build (an empty struct: its members inline).</summary>
    private static TMath Arithmetic => default;

    private readonly ReadOnlySpan<int> _factors;
    private readonly ReadOnlySpan<Complex<T>> _twiddles;
    private readonly ReadOnlySpan<Complex<T>> _superTwiddles;
    private readonly int _ncfft;
    private readonly bool _inverse;

    /// <summary>A transform of <paramref name="fftLength"/> real points over tables built for the same length and direction.</summary>
    public KissFft(ReadOnlySpan<int> factors, ReadOnlySpan<Complex<T>> twiddles, int fftLength, bool inverse)
    {
        _ncfft = fftLength / 2;
        _factors = factors;
        _twiddles = twiddles.Slice(0, _ncfft);
        _superTwiddles = twiddles.Slice(_ncfft, _ncfft / 2);
        _inverse = inverse;
    }

    /// <summary>
    /// The twiddles of the inner complex FFT (fftLength/2 of them) followed by the real transform's
    /// post-processing twiddles (fftLength/4), in one table.
    /// </summary>
    public static Complex<T>[] Twiddles(int fftLength, bool inverse)
    {
        int n = fftLength / 2;
        var table = new Complex<T>[n + n / 2];
        for (int i = 0; i < n; i++)
            table[i] = Cexp(KissFftPlan.TwiddlePhase(i, n, inverse));
        for (int i = 0; i < n / 2; i++)
            table[n + i] = Cexp(KissFftPlan.SuperTwiddlePhase(i, n, inverse));
        return table;
    }

    private static Complex<T> Cexp(double phase) => new(Arithmetic.FromUnit(Math.Cos(phase)), Arithmetic.FromUnit(Math.Sin(phase)));

    private static Complex<T> Add(Complex<T> a, Complex<T> b) => new(Arithmetic.Add(a.Real, b.Real), Arithmetic.Add(a.Imag, b.Imag));

    private static Complex<T> Sub(Complex<T> a, Complex<T> b) => new(Arithmetic.Subtract(a.Real, b.Real), Arithmetic.Subtract(a.Imag, b.Imag));

    private static Complex<T> Conjugate(Complex<T> c) => new(c.Real, Arithmetic.Negate(c.Imag));

    /// <summary>Forward real FFT: <paramref name="time"/> holds fftLength samples, <paramref name="freq"/> receives fftLength/2+1 bins.</summary>
    public void Forward(ReadOnlySpan<T> time, Span<Complex<T>> freq, Span<Complex<T>> work)
    {
        int ncfft = _ncfft;
        Transform(MemoryMarshal.Cast<T, Complex<T>>(time), work, 0, 0, 1, 0);
        Complex<T> tdc = Arithmetic.DivideByRadix(work[0], 2);
        freq[0] = new(Arithmetic.Add(tdc.Real, tdc.Imag), default);
        freq[ncfft] = new(Arithmetic.Subtract(tdc.Real, tdc.Imag), default);
        for (int k = 1; k <= ncfft / 2; k++)
        {
            (Complex<T> f1k, Complex<T> tw) = Pair(work, k);
            freq[k] = new(Arithmetic.HalfOfSum(f1k.Real, tw.Real), Arithmetic.HalfOfSum(f1k.Imag, tw.Imag));
            freq[ncfft - k] = new(Arithmetic.HalfOfDifference(f1k.Real, tw.Real), Arithmetic.HalfOfDifference(tw.Imag, f1k.Imag));
        }
    }

    /// <summary>Inverse real FFT: <paramref name="freq"/> holds fftLength/2+1 bins, <paramref name="time"/> receives fftLength samples.</summary>
    public void Inverse(ReadOnlySpan<Complex<T>> freq, Span<T> time, Span<Complex<T>> work)
    {
        int ncfft = _ncfft;
        work[0] = Arithmetic.DivideByRadix(new(Arithmetic.Add(freq[0].Real, freq[ncfft].Real), Arithmetic.Subtract(freq[0].Real, freq[ncfft].Real)), 2);
        for (int k = 1; k <= ncfft / 2; k++)
        {
            (Complex<T> fek, Complex<T> fok) = Pair(freq, k);
            work[k] = Add(fek, fok);
            work[ncfft - k] = Conjugate(Sub(fek, fok));
        }
        Transform(work, MemoryMarshal.Cast<T, Complex<T>>(time), 0, 0, 1, 0);
    }

    /// <summary>
    /// The step both directions of the real transform share: bin <paramref name="k"/> and the conjugate of bin
    /// ncfft-k, each halved, give their sum and their difference times the post-processing twiddle.
    /// </summary>
    private (Complex<T> Sum, Complex<T> TwiddledDifference) Pair(ReadOnlySpan<Complex<T>> bins, int k)
    {
        Complex<T> a = Arithmetic.DivideByRadix(bins[k], 2);
        Complex<T> b = Arithmetic.DivideByRadix(Conjugate(bins[_ncfft - k]), 2);
        return (Add(a, b), Arithmetic.Multiply(Sub(a, b), _superTwiddles[k - 1]));
    }

    private void Transform(ReadOnlySpan<Complex<T>> f, Span<Complex<T>> fout, int outOffset, int inOffset, int fstride, int factor)
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
        Span<Complex<T>> s = fout.Slice(outOffset, p * m);
        switch (p)
        {
            case 2: Butterfly2(s, fstride, m); break;
            case 3: Butterfly3(s, fstride, m); break;
            case 4: Butterfly4(s, fstride, m); break;
            default: Butterfly5(s, fstride, m); break;
        }
    }

    private void Butterfly2(Span<Complex<T>> f, int fstride, int m)
    {
        ReadOnlySpan<Complex<T>> twiddles = _twiddles;
        for (int k = 0; k < m; k++)
        {
            Complex<T> a = Arithmetic.DivideByRadix(f[k], 2);
            Complex<T> b = Arithmetic.DivideByRadix(f[k + m], 2);
            Complex<T> t = Arithmetic.Multiply(b, twiddles[k * fstride]);
            f[k + m] = Sub(a, t);
            f[k] = Add(a, t);
        }
    }

    private void Butterfly3(Span<Complex<T>> f, int fstride, int m)
    {
        ReadOnlySpan<Complex<T>> twiddles = _twiddles;
        T epi3 = twiddles[fstride * m].Imag;
        for (int k = 0; k < m; k++)
        {
            Complex<T> f0 = Arithmetic.DivideByRadix(f[k], 3);
            Complex<T> f1 = Arithmetic.DivideByRadix(f[k + m], 3);
            Complex<T> f2 = Arithmetic.DivideByRadix(f[k + 2 * m], 3);
            Complex<T> s1 = Arithmetic.Multiply(f1, twiddles[k * fstride]);
            Complex<T> s2 = Arithmetic.Multiply(f2, twiddles[2 * k * fstride]);
            Complex<T> s3 = Add(s1, s2);
            Complex<T> s0 = Sub(s1, s2);
            f1 = new(Arithmetic.Subtract(f0.Real, Arithmetic.Half(s3.Real)), Arithmetic.Subtract(f0.Imag, Arithmetic.Half(s3.Imag)));
            s0 = new(Arithmetic.Multiply(s0.Real, epi3), Arithmetic.Multiply(s0.Imag, epi3));
            f[k] = Add(f0, s3);
            f[k + m] = new(Arithmetic.Subtract(f1.Real, s0.Imag), Arithmetic.Add(f1.Imag, s0.Real));
            f[k + 2 * m] = new(Arithmetic.Add(f1.Real, s0.Imag), Arithmetic.Subtract(f1.Imag, s0.Real));
        }
    }

    private void Butterfly4(Span<Complex<T>> f, int fstride, int m)
    {
        ReadOnlySpan<Complex<T>> twiddles = _twiddles;
        bool inverse = _inverse;
        // The hottest loop (lengths that are powers of 4 are all radix 4): one length check instead of one per access.
        if (f.Length < 4 * m) throw new ArgumentException("butterfly span shorter than its four columns", nameof(f));
#if NET8_0_OR_GREATER
        ref Complex<T> column0 = ref MemoryMarshal.GetReference(f);
        ref Complex<T> column1 = ref Unsafe.Add(ref column0, m);
        ref Complex<T> column2 = ref Unsafe.Add(ref column1, m);
        ref Complex<T> column3 = ref Unsafe.Add(ref column2, m);
#endif
        for (int k = 0; k < m; k++)
        {
#if NET8_0_OR_GREATER
            ref Complex<T> x0 = ref Unsafe.Add(ref column0, k);
            ref Complex<T> x1 = ref Unsafe.Add(ref column1, k);
            ref Complex<T> x2 = ref Unsafe.Add(ref column2, k);
            ref Complex<T> x3 = ref Unsafe.Add(ref column3, k);
#else
            // netstandard2.1 has no Unsafe: checked indexing, same elements.
            ref Complex<T> x0 = ref f[k];
            ref Complex<T> x1 = ref f[k + m];
            ref Complex<T> x2 = ref f[k + 2 * m];
            ref Complex<T> x3 = ref f[k + 3 * m];
#endif
            Complex<T> f0 = Arithmetic.DivideByRadix(x0, 4);
            Complex<T> s0 = Arithmetic.Multiply(Arithmetic.DivideByRadix(x1, 4), twiddles[k * fstride]);
            Complex<T> s1 = Arithmetic.Multiply(Arithmetic.DivideByRadix(x2, 4), twiddles[2 * k * fstride]);
            Complex<T> s2 = Arithmetic.Multiply(Arithmetic.DivideByRadix(x3, 4), twiddles[3 * k * fstride]);
            Complex<T> s5 = Sub(f0, s1);
            f0 = Add(f0, s1);
            Complex<T> s3 = Add(s0, s2);
            Complex<T> s4 = Sub(s0, s2);
            x2 = Sub(f0, s3);
            x0 = Add(f0, s3);
            // s4 times -i (forward) or +i (inverse), added to and taken from s5.
            if (inverse)
            {
                x1 = new(Arithmetic.Subtract(s5.Real, s4.Imag), Arithmetic.Add(s5.Imag, s4.Real));
                x3 = new(Arithmetic.Add(s5.Real, s4.Imag), Arithmetic.Subtract(s5.Imag, s4.Real));
            }
            else
            {
                x1 = new(Arithmetic.Add(s5.Real, s4.Imag), Arithmetic.Subtract(s5.Imag, s4.Real));
                x3 = new(Arithmetic.Subtract(s5.Real, s4.Imag), Arithmetic.Add(s5.Imag, s4.Real));
            }
        }
    }

    private void Butterfly5(Span<Complex<T>> f, int fstride, int m)
    {
        ReadOnlySpan<Complex<T>> twiddles = _twiddles;
        Complex<T> ya = twiddles[fstride * m];
        Complex<T> yb = twiddles[fstride * 2 * m];
        for (int u = 0; u < m; u++)
        {
            Complex<T> s0 = Arithmetic.DivideByRadix(f[u], 5);
            Complex<T> s1 = Arithmetic.Multiply(Arithmetic.DivideByRadix(f[u + m], 5), twiddles[u * fstride]);
            Complex<T> s2 = Arithmetic.Multiply(Arithmetic.DivideByRadix(f[u + 2 * m], 5), twiddles[2 * u * fstride]);
            Complex<T> s3 = Arithmetic.Multiply(Arithmetic.DivideByRadix(f[u + 3 * m], 5), twiddles[3 * u * fstride]);
            Complex<T> s4 = Arithmetic.Multiply(Arithmetic.DivideByRadix(f[u + 4 * m], 5), twiddles[4 * u * fstride]);
            Complex<T> s7 = Add(s1, s4);
            Complex<T> s10 = Sub(s1, s4);
            Complex<T> s8 = Add(s2, s3);
            Complex<T> s9 = Sub(s2, s3);
            f[u] = new(Arithmetic.Add(s0.Real, Arithmetic.Add(s7.Real, s8.Real)), Arithmetic.Add(s0.Imag, Arithmetic.Add(s7.Imag, s8.Imag)));
            Complex<T> s5 = new(
                Arithmetic.Add(Arithmetic.Add(s0.Real, Arithmetic.Multiply(s7.Real, ya.Real)), Arithmetic.Multiply(s8.Real, yb.Real)),
                Arithmetic.Add(Arithmetic.Add(s0.Imag, Arithmetic.Multiply(s7.Imag, ya.Real)), Arithmetic.Multiply(s8.Imag, yb.Real)));
            Complex<T> s6 = new(
                Arithmetic.Add(Arithmetic.Multiply(s10.Imag, ya.Imag), Arithmetic.Multiply(s9.Imag, yb.Imag)),
                Arithmetic.Subtract(Arithmetic.Negate(Arithmetic.Multiply(s10.Real, ya.Imag)), Arithmetic.Multiply(s9.Real, yb.Imag)));
            f[u + m] = Sub(s5, s6);
            f[u + 4 * m] = Add(s5, s6);
            Complex<T> s11 = new(
                Arithmetic.Add(Arithmetic.Add(s0.Real, Arithmetic.Multiply(s7.Real, yb.Real)), Arithmetic.Multiply(s8.Real, ya.Real)),
                Arithmetic.Add(Arithmetic.Add(s0.Imag, Arithmetic.Multiply(s7.Imag, yb.Real)), Arithmetic.Multiply(s8.Imag, ya.Real)));
            Complex<T> s12 = new(
                Arithmetic.Add(Arithmetic.Negate(Arithmetic.Multiply(s10.Imag, yb.Imag)), Arithmetic.Multiply(s9.Imag, ya.Imag)),
                Arithmetic.Subtract(Arithmetic.Multiply(s10.Real, yb.Imag), Arithmetic.Multiply(s9.Real, ya.Imag)));
            f[u + 2 * m] = Add(s11, s12);
            f[u + 3 * m] = Sub(s11, s12);
        }
    }
}
