namespace TfLiteMicro.Kernels;

/// <summary>
/// TRANSPOSE_CONV (the gradient of CONV_2D with respect to its input, used to upsample): every input pixel scatters
/// input x filter into a stride-spaced window of the output. Inputs: output shape, filter [out_c, h, w, in_c], input
/// (NHWC), optional bias. float32; int8 with per-channel filters and int32 bias; int16 activations with int8 filters
/// and an int64 (or int16, widened) bias. Parameters: <see cref="ConvolutionParameters"/>; reference:
/// <see cref="ConvolutionArithmetic.TransposeConvolve"/>.
/// </summary>
internal sealed class TransposeConv : IKernel
{
    private const int FilterIndex = 1, InputIndex = 2, BiasIndex = 3;

    private ConvolutionParameters _p;
    private int _sumScratch = -1;

    public void Prepare(PrepareContext context)
    {
        TransposeConvOptions options = TransposeConvOptions.Read(context);
        _p = ConvolutionParameters.Prepare(context, ConvolutionKind.Transpose,
            new ConvolutionWindow(options.Padding, options.StrideH, options.StrideW, 1, 1, options.FusedActivationFunction), out _);
        if (_p.Type == TensorType.Float32) return;
        // Quantized sums are kept apart from the output until every input pixel has added to them.
        long elements = (long)_p.Batches * _p.OutputHeight * _p.OutputWidth * _p.OutputDepth;
        int sumSize = _p.Type == TensorType.Int8 ? sizeof(int) : sizeof(long);
        if (elements * sumSize > int.MaxValue) throw context.Error("the output is too large");
        _sumScratch = context.RequestScratch((int)(elements * sumSize));
    }

    public void Invoke(InvokeContext context)
    {
        bool hasBias = _p.HasBias;
        switch (_p.Type)
        {
            case TensorType.Float32:
                Span<float> output = context.Output<float>(0);
                ConvolutionArithmetic.TransposeConvolve<float, float, float, float, float, FloatConvolution>(_p, new(_p.FloatMin, _p.FloatMax),
                    context.Input<float>(InputIndex), context.Input<float>(FilterIndex), hasBias ? context.Input<float>(BiasIndex) : default, default, output, output);
                break;
            case TensorType.Int8:
                ConvolutionArithmetic.TransposeConvolve<sbyte, sbyte, int, int, sbyte, Int8Convolution>(_p, new(_p.InputOffset, _p.OutputOffset, _p.QuantizedMin, _p.QuantizedMax),
                    context.Input<sbyte>(InputIndex), context.Input<sbyte>(FilterIndex), hasBias ? context.Input<int>(BiasIndex) : default,
                    _p.Requantization(context), context.Scratch<int>(_sumScratch), context.Output<sbyte>(0));
                break;
            case TensorType.Int16 when _p.BiasType == TensorType.Int16:
                ConvolutionArithmetic.TransposeConvolve<short, sbyte, short, long, short, Int16Convolution<short>>(_p, new(_p.InputOffset, _p.QuantizedMin, _p.QuantizedMax, wrap32: false),
                    context.Input<short>(InputIndex), context.Input<sbyte>(FilterIndex), context.Input<short>(BiasIndex),
                    _p.Requantization(context), context.Scratch<long>(_sumScratch), context.Output<short>(0));
                break;
            default:
                ConvolutionArithmetic.TransposeConvolve<short, sbyte, long, long, short, Int16Convolution<long>>(_p, new(_p.InputOffset, _p.QuantizedMin, _p.QuantizedMax, wrap32: false),
                    context.Input<short>(InputIndex), context.Input<sbyte>(FilterIndex), hasBias ? context.Input<long>(BiasIndex) : default,
                    _p.Requantization(context), context.Scratch<long>(_sumScratch), context.Output<short>(0));
                break;
        }
    }
}
