using TfLiteMicro.Kernels;

namespace TfLiteMicro.Signal;

/// <summary>
/// SignalRfft: real FFT of each row (innermost dimension) of an int16, int32 or float32 tensor, zero-padded
/// to "fft_length"; each output row holds fft_length/2+1 complex bins as (real, imaginary) pairs.
/// The integer variants are KISS FFT's fixed-point transforms, which scale the result down by fft_length.
/// </summary>
public sealed class SignalRfft : IKernel
{
    private TensorType _type;
    private int _fftLength;
    private int _inputLength;
    private int _inputSize;
    private int _outputLength;
    private int _paddedHandle;
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
        switch (_type)
        {
            case TensorType.Int16: _q15 = new KissFftQ15(_fftLength, inverse: false); break;
            case TensorType.Int32: _q31 = new KissFftQ31(_fftLength, inverse: false); break;
            default: _f32 = new KissFftFloat(_fftLength, inverse: false); break;
        }
    }

    public void Invoke(InvokeContext context)
    {
        int bins = _fftLength / 2 + 1;
        switch (_type)
        {
            case TensorType.Int16:
            {
                ReadOnlySpan<short> input = context.Input<short>(0);
                Span<ComplexInt16> output = context.Output<ComplexInt16>(0);
                Span<short> padded = context.Scratch<short>(_paddedHandle).Slice(0, _fftLength);
                Span<ComplexInt16> work = context.Scratch<ComplexInt16>(_workHandle);
                for (int i = 0, o = 0; i < _inputSize; i += _inputLength, o += _outputLength)
                {
                    Pad(input.Slice(i, _inputLength), padded);
                    _q15!.Forward(padded, output.Slice(o, bins), work);
                }
                break;
            }
            case TensorType.Int32:
            {
                ReadOnlySpan<int> input = context.Input<int>(0);
                Span<ComplexInt32> output = context.Output<ComplexInt32>(0);
                Span<int> padded = context.Scratch<int>(_paddedHandle).Slice(0, _fftLength);
                Span<ComplexInt32> work = context.Scratch<ComplexInt32>(_workHandle);
                for (int i = 0, o = 0; i < _inputSize; i += _inputLength, o += _outputLength)
                {
                    Pad(input.Slice(i, _inputLength), padded);
                    _q31!.Forward(padded, output.Slice(o, bins), work);
                }
                break;
            }
            default:
            {
                ReadOnlySpan<float> input = context.Input<float>(0);
                Span<ComplexFloat> output = context.Output<ComplexFloat>(0);
                Span<float> padded = context.Scratch<float>(_paddedHandle).Slice(0, _fftLength);
                Span<ComplexFloat> work = context.Scratch<ComplexFloat>(_workHandle);
                for (int i = 0, o = 0; i < _inputSize; i += _inputLength, o += _outputLength)
                {
                    Pad(input.Slice(i, _inputLength), padded);
                    _f32!.Forward(padded, output.Slice(o, bins), work);
                }
                break;
            }
        }
    }

    private static void Pad<T>(ReadOnlySpan<T> row, Span<T> padded)
    {
        row.CopyTo(padded);
        padded.Slice(row.Length).Clear();
    }
}
