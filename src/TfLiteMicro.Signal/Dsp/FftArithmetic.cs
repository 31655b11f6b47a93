namespace TfLiteMicro.Signal;

/// <summary>
/// The arithmetic of one KISS FFT build (FIXED_POINT=16, FIXED_POINT=32 or float), as members of an empty struct so
/// <see cref="KissFft{T, TMath}"/> is compiled once per implementing struct with every operation inlined (instance
/// members rather than static abstract ones, which netstandard2.1 runtimes cannot load).
/// Integer sums wrap where the C code stores them in the sample type.
/// </summary>
internal interface IFftArithmetic<T> where T : unmanaged
{
    /// <summary>A twiddle component from its cosine or sine.</summary>
    T FromUnit(double value);

    T Add(T a, T b);

    T Subtract(T a, T b);

    T Negate(T a);

    /// <summary>A product of a sample and a twiddle component (S_MUL: rounded back to the sample scale).</summary>
    T Multiply(T a, T b);

    /// <summary>A complex product (C_MUL): each part is rounded once, after its two products are combined.</summary>
    Complex<T> Multiply(Complex<T> a, Complex<T> b);

    /// <summary>Half of a value (HALF_OF).</summary>
    T Half(T a);

    /// <summary>HALF_OF(a + b), the sum taken at the width the C code computes it.</summary>
    T HalfOfSum(T a, T b);

    /// <summary>HALF_OF(a - b), the difference taken at the width the C code computes it.</summary>
    T HalfOfDifference(T a, T b);

    /// <summary>The per-stage scaling of fixed point (C_FIXDIV); float leaves the value alone.</summary>
    Complex<T> DivideByRadix(Complex<T> c, int radix);

    /// <summary>
    /// What TFLM's inverse real FFT kernel does to a row after the transform: the float kernel divides by the
    /// length (KISS FFT's inverse leaves it multiplied by it); fixed point has already scaled per stage.
    /// </summary>
    void FinishInverse(Span<T> row, int fftLength);
}

/// <summary>Q15 samples: products round to nearest at bit 15, sums are truncated to 16 bits.</summary>
internal readonly struct Q15FftArithmetic : IFftArithmetic<short>
{
    private const int SampleMax = short.MaxValue;

    private static short Round(int product) => unchecked((short)((product + (1 << 14)) >> 15));

    public short FromUnit(double value) => (short)Math.Floor(.5 + SampleMax * value);

    public short Add(short a, short b) => unchecked((short)(a + b));

    public short Subtract(short a, short b) => unchecked((short)(a - b));

    public short Negate(short a) => unchecked((short)-a);

    public short Multiply(short a, short b) => Round(a * b);

    public Complex<short> Multiply(Complex<short> a, Complex<short> b) => new(
        Round(unchecked(a.Real * b.Real - a.Imag * b.Imag)),
        Round(unchecked(a.Real * b.Imag + a.Imag * b.Real)));

    public short Half(short a) => (short)(a >> 1);

    public short HalfOfSum(short a, short b) => unchecked((short)((a + b) >> 1));

    public short HalfOfDifference(short a, short b) => unchecked((short)((a - b) >> 1));

    public Complex<short> DivideByRadix(Complex<short> c, int radix)
    {
        int scale = SampleMax / radix;
        return new(Round(c.Real * scale), Round(c.Imag * scale));
    }

    public void FinishInverse(Span<short> row, int fftLength)
    {
    }
}

/// <summary>Q31 samples: products round to nearest at bit 31 in 64 bits, sums wrap at 32 bits.</summary>
internal readonly struct Q31FftArithmetic : IFftArithmetic<int>
{
    private const int SampleMax = int.MaxValue;

    private static int Round(long product) => unchecked((int)((product + (1L << 30)) >> 31));

    public int FromUnit(double value) => (int)Math.Floor(.5 + SampleMax * value);

    public int Add(int a, int b) => unchecked(a + b);

    public int Subtract(int a, int b) => unchecked(a - b);

    public int Negate(int a) => unchecked(-a);

    public int Multiply(int a, int b) => Round((long)a * b);

    public Complex<int> Multiply(Complex<int> a, Complex<int> b) => new(
        Round(unchecked((long)a.Real * b.Real - (long)a.Imag * b.Imag)),
        Round(unchecked((long)a.Real * b.Imag + (long)a.Imag * b.Real)));

    public int Half(int a) => a >> 1;

    public int HalfOfSum(int a, int b) => unchecked(a + b) >> 1;

    public int HalfOfDifference(int a, int b) => unchecked(a - b) >> 1;

    public Complex<int> DivideByRadix(Complex<int> c, int radix)
    {
        long scale = SampleMax / radix;
        return new(Round(c.Real * scale), Round(c.Imag * scale));
    }

    public void FinishInverse(Span<int> row, int fftLength)
    {
    }
}

/// <summary>Single precision, each operation rounded to float in the C code's order (no fused multiply-add).</summary>
internal readonly struct FloatFftArithmetic : IFftArithmetic<float>
{
    public float FromUnit(double value) => (float)value;

    public float Add(float a, float b) => a + b;

    public float Subtract(float a, float b) => a - b;

    public float Negate(float a) => -a;

    public float Multiply(float a, float b) => a * b;

    public Complex<float> Multiply(Complex<float> a, Complex<float> b) => new(
        a.Real * b.Real - a.Imag * b.Imag,
        a.Real * b.Imag + a.Imag * b.Real);

    public float Half(float a) => a * 0.5f;

    public float HalfOfSum(float a, float b) => (a + b) * 0.5f;

    public float HalfOfDifference(float a, float b) => (a - b) * 0.5f;

    public Complex<float> DivideByRadix(Complex<float> c, int radix) => c;

    public void FinishInverse(Span<float> row, int fftLength)
    {
        for (int k = 0; k < row.Length; k++) row[k] /= fftLength;
    }
}
