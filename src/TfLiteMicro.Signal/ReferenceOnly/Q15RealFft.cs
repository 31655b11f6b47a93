namespace TfLiteMicro.Signal;

/// <summary>
/// netstandard2.1 (Mono, Unity) has no System.Runtime.Intrinsics, so the project file leaves the vector FFT (Dsp/Q15RealFft.cs,
/// Dsp/Q15Lanes.cs) out of that build; this stand-in never allocates, so SignalRfft always runs the reference KISS FFT.
/// </summary>
internal readonly struct Q15RealFft
{
    public static Q15RealFft? TryAllocate(PrepareContext context, SimdLevel level, int fftLength) => null;

    public void Forward(InvokeContext context, SimdLevel level, ReadOnlySpan<short> time, Span<Complex<short>> freq, Span<Complex<short>> work)
        => throw new InvalidOperationException("no vector FFT in the netstandard2.1 build");
}
