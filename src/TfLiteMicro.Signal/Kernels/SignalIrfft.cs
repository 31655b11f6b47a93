namespace TfLiteMicro.Signal;

/// <summary>
/// SignalIrfft: inverse real FFT of each row of fft_length/2+1 complex bins (int16, int32 or float32 pairs)
/// into fft_length samples. The float variant divides by fft_length; the fixed-point ones scale per stage.
/// </summary>
public sealed class SignalIrfft : IKernel, IRealFftRun
{
    private TensorType _type;
    private int _fftLength;
    private int _inputLength;
    private int _inputSize;
    private int _outputLength;
    private int _workHandle;
    private KissFftTables _tables;

    public void Prepare(PrepareContext context)
    {
        (_type, _fftLength) = RealFftOptions.Read(context);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        _inputLength = input.Dim(input.Rank - 1) / 2;
        _inputSize = checked((int)(input.ElementCount / 2));
        _outputLength = output.Dim(output.Rank - 1);
        if (_inputLength < _fftLength / 2 + 1)
            throw context.Error($"input rows hold {_inputLength} complex bins but fft_length {_fftLength} needs {_fftLength / 2 + 1}");
        if (_outputLength < _fftLength)
            throw context.Error($"output rows of {_outputLength} samples are shorter than fft_length {_fftLength}");
        long rows = _inputSize / _inputLength;
        if (output.ElementCount < rows * _outputLength)
            throw context.Error($"output has {output.ElementCount} elements, too few for {rows} rows of {_outputLength} samples");
        _workHandle = context.RequestScratch(_fftLength * (_type == TensorType.Int16 ? 2 : 4));
        _tables = KissFftTables.Allocate(context, _type, _fftLength, inverse: true);
    }

    public void Invoke(InvokeContext context) => RealFftOptions.Run(_type, this, context);

    void IRealFftRun.Run<T, TMath>(InvokeContext context)
    {
        KissFft<T, TMath> fft = _tables.Open<T, TMath>(context);
        ReadOnlySpan<Complex<T>> input = context.Input<Complex<T>>(0);
        Span<T> output = context.Output<T>(0);
        Span<Complex<T>> work = context.Scratch<Complex<T>>(_workHandle);
        int bins = _fftLength / 2 + 1;
        for (int i = 0, o = 0; i < _inputSize; i += _inputLength, o += _outputLength)
        {
            Span<T> row = output.Slice(o, _fftLength);
            fft.Inverse(input.Slice(i, bins), row, work);
            default(TMath).FinishInverse(row, _fftLength);
        }
    }
}
