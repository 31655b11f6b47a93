using System.Runtime.InteropServices;

namespace TfLiteMicro.Signal;

/// <summary>
/// SignalRfft: real FFT of each row (innermost dimension) of an int16, int32 or float32 tensor, zero-padded
/// to "fft_length"; each output row holds fft_length/2+1 complex bins as (real, imaginary) pairs.
/// The integer variants are KISS FFT's fixed-point transforms, which scale the result down by fft_length.
/// int16 rows of a power-of-two length run on vectors (<see cref="Q15RealFft"/>) unless the reference kernels are asked for.
/// </summary>
public sealed class SignalRfft : IKernel, IRealFftRun
{
    private TensorType _type;
    private int _fftLength;
    private int _inputLength;
    private int _inputSize;
    private int _outputLength;
    private int _paddedHandle;
    private int _workHandle;
    private KissFftTables _tables;
    private SimdLevel _level;
    private Q15RealFft? _fast;

    public void Prepare(PrepareContext context)
    {
        (_type, _fftLength) = RealFftOptions.Read(context);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        _inputLength = input.Dim(input.Rank - 1);
        _inputSize = checked((int)input.ElementCount);
        _outputLength = output.Dim(output.Rank - 1) / 2;
        if (_inputLength <= 0) throw context.Error("input rows are empty");
        if (_inputLength > _fftLength) throw context.Error($"input rows of {_inputLength} samples are longer than fft_length {_fftLength}");
        if (_outputLength < _fftLength / 2 + 1)
            throw context.Error($"output rows hold {_outputLength} complex bins but fft_length {_fftLength} gives {_fftLength / 2 + 1}");
        long rows = _inputSize / _inputLength;
        if (output.ElementCount < rows * _outputLength * 2)
            throw context.Error($"output has {output.ElementCount} elements, too few for {rows} rows of {_outputLength} complex bins");
        int elementSize = _type == TensorType.Int16 ? 2 : 4;
        _paddedHandle = context.RequestScratch(_fftLength * elementSize);
        _workHandle = context.RequestScratch(_fftLength * elementSize);
        _level = context.SimdLevel;
        _fast = _type == TensorType.Int16 ? Q15RealFft.TryAllocate(context, _level, _fftLength) : null;
        // The fast path keeps its own tables; the reference's are only made when it runs.
        if (_fast is null) _tables = KissFftTables.Allocate(context, _type, _fftLength, inverse: false);
    }

    public void Invoke(InvokeContext context) => RealFftOptions.Run(_type, this, context);

    void IRealFftRun.Run<T, TMath>(InvokeContext context)
    {
        KissFft<T, TMath> reference = _fast is null ? _tables.Open<T, TMath>(context) : default;
        ReadOnlySpan<T> input = context.Input<T>(0);
        Span<Complex<T>> output = context.Output<Complex<T>>(0);
        Span<T> padded = context.Scratch<T>(_paddedHandle).Slice(0, _fftLength);
        Span<Complex<T>> work = context.Scratch<Complex<T>>(_workHandle);
        int bins = _fftLength / 2 + 1;
        for (int i = 0, o = 0; i < _inputSize; i += _inputLength, o += _outputLength)
        {
            ReadOnlySpan<T> row = input.Slice(i, _inputLength);
            row.CopyTo(padded);
            padded.Slice(row.Length).Clear();
            Span<Complex<T>> spectrum = output.Slice(o, bins);
            // Only int16 has a fast path, so T is short there.
            if (_fast is { } fast)
                fast.Forward(context, _level, MemoryMarshal.Cast<T, short>(padded), MemoryMarshal.Cast<Complex<T>, Complex<short>>(spectrum), MemoryMarshal.Cast<Complex<T>, Complex<short>>(work));
            else
                reference.Forward(padded, spectrum, work);
        }
    }
}
