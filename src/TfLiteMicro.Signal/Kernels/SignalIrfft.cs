using TfLiteMicro.Kernels;

namespace TfLiteMicro.Signal;

/// <summary>
/// SignalIrfft: inverse real FFT of each row of fft_length/2+1 complex bins (int16, int32 or float32 pairs)
/// into fft_length samples. The float variant divides by fft_length; the fixed-point ones scale per stage.
/// </summary>
public sealed class SignalIrfft : IKernel
{
    private TensorType _type;
    private int _fftLength;
    private int _inputLength;
    private int _inputSize;
    private int _outputLength;
    private int _workHandle;
    private KissFftQ15? _q15;
    private KissFftQ31? _q31;
    private KissFftFloat? _f32;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        SignalOptions options = SignalOptions.Read(context);
        _type = options.Type();
        _fftLength = options.Int("fft_length");
        if (KissFftPlan.CheckRealLength(_fftLength) is string problem) throw context.Error(problem);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        if (_type is not (TensorType.Int16 or TensorType.Int32 or TensorType.Float32)) throw context.UnsupportedType("option T", _type);
        if (input.Type != _type) throw context.Error($"input type {TensorTypes.GetName(input.Type)} differs from option T ({TensorTypes.GetName(_type)})");
        if (output.Type != _type) throw context.Error($"output type {TensorTypes.GetName(output.Type)} differs from option T ({TensorTypes.GetName(_type)})");
        if (input.Rank < 1 || input.Rank != output.Rank) throw context.Error($"input rank {input.Rank} and output rank {output.Rank} must be equal and at least 1");
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
        switch (_type)
        {
            case TensorType.Int16: _q15 = new KissFftQ15(_fftLength, inverse: true); break;
            case TensorType.Int32: _q31 = new KissFftQ31(_fftLength, inverse: true); break;
            default: _f32 = new KissFftFloat(_fftLength, inverse: true); break;
        }
    }

    public void Invoke(InvokeContext context)
    {
        int bins = _fftLength / 2 + 1;
        switch (_type)
        {
            case TensorType.Int16:
            {
                ReadOnlySpan<ComplexInt16> input = context.Input<ComplexInt16>(0);
                Span<short> output = context.Output<short>(0);
                Span<ComplexInt16> work = context.Scratch<ComplexInt16>(_workHandle);
                for (int i = 0, o = 0; i < _inputSize; i += _inputLength, o += _outputLength)
                    _q15!.Inverse(input.Slice(i, bins), output.Slice(o, _fftLength), work);
                break;
            }
            case TensorType.Int32:
            {
                ReadOnlySpan<ComplexInt32> input = context.Input<ComplexInt32>(0);
                Span<int> output = context.Output<int>(0);
                Span<ComplexInt32> work = context.Scratch<ComplexInt32>(_workHandle);
                for (int i = 0, o = 0; i < _inputSize; i += _inputLength, o += _outputLength)
                    _q31!.Inverse(input.Slice(i, bins), output.Slice(o, _fftLength), work);
                break;
            }
            default:
            {
                ReadOnlySpan<ComplexFloat> input = context.Input<ComplexFloat>(0);
                Span<float> output = context.Output<float>(0);
                Span<ComplexFloat> work = context.Scratch<ComplexFloat>(_workHandle);
                for (int i = 0, o = 0; i < _inputSize; i += _inputLength, o += _outputLength)
                {
                    Span<float> row = output.Slice(o, _fftLength);
                    _f32!.Inverse(input.Slice(i, bins), row, work);
                    // KISS FFT's inverse leaves the result multiplied by the length; TFLM divides it back.
                    for (int k = 0; k < row.Length; k++) row[k] /= _fftLength;
                }
                break;
            }
        }
    }
}
