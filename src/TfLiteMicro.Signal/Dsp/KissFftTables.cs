namespace TfLiteMicro.Signal;

/// <summary>
/// A real FFT's factors and twiddles, computed while preparing and kept in the arena's persistent part (so the
/// arena report counts them, as TFLM's does), and the handles that find them again while invoking.
/// </summary>
internal readonly struct KissFftTables
{
    private readonly int _factorsHandle;
    private readonly int _twiddlesHandle;
    private readonly int _fftLength;
    private readonly bool _inverse;

    private KissFftTables(int factorsHandle, int twiddlesHandle, int fftLength, bool inverse)
    {
        _factorsHandle = factorsHandle;
        _twiddlesHandle = twiddlesHandle;
        _fftLength = fftLength;
        _inverse = inverse;
    }

    /// <summary>Tables for a real FFT (or inverse) of <paramref name="fftLength"/> points in <paramref name="type"/> (Int16, Int32 or Float32, checked by the caller).</summary>
    public static KissFftTables Allocate(PrepareContext context, TensorType type, int fftLength, bool inverse)
    {
        int factors = context.AllocatePersistent<int>(KissFftPlan.Factor(fftLength / 2));
        int twiddles = type switch
        {
            TensorType.Int16 => context.AllocatePersistent<Complex<short>>(KissFft<short, Q15FftArithmetic>.Twiddles(fftLength, inverse)),
            TensorType.Int32 => context.AllocatePersistent<Complex<int>>(KissFft<int, Q31FftArithmetic>.Twiddles(fftLength, inverse)),
            _ => context.AllocatePersistent<Complex<float>>(KissFft<float, FloatFftArithmetic>.Twiddles(fftLength, inverse)),
        };
        return new KissFftTables(factors, twiddles, fftLength, inverse);
    }

    /// <summary>The transform over the tables, for the arithmetic they were built with.</summary>
    public KissFft<T, TMath> Open<T, TMath>(InvokeContext context)
        where T : unmanaged
        where TMath : struct, IFftArithmetic<T>
        => new(context.Persistent<int>(_factorsHandle), context.Persistent<Complex<T>>(_twiddlesHandle), _fftLength, _inverse);
}
