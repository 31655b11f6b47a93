namespace TfLiteMicro.Kernels;

/// <summary>
/// DEPTHWISE_CONV_2D: each input channel convolved with its own depth_multiplier filters ([1, height, width,
/// in_channels * depth_multiplier]). Types as TFLM's reference kernel: float32; int8 input with int8 or packed int4
/// per-channel weights and int32 bias; int16 input with int8 weights and int64 bias.
/// Parameters: <see cref="ConvolutionParameters"/>; reference: <see cref="ConvolutionArithmetic"/>.
/// </summary>
internal sealed partial class DepthwiseConv2D : IKernel
{
    private ConvolutionParameters _p;

    public void Prepare(PrepareContext context)
    {
        DepthwiseConv2DOptions options = DepthwiseConv2DOptions.Read(context);
        _p = ConvolutionParameters.Prepare(context, ConvolutionKind.Depthwise, new ConvolutionWindow(options.Padding, options.StrideH, options.StrideW,
            options.DilationHFactor, options.DilationWFactor, options.FusedActivationFunction, options.DepthMultiplier), out _);
        PrepareOptimized(context);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_p.Type)
        {
            case TensorType.Float32 when _floatOptimized:
                RunFloatOptimized(context);
                break;
            case TensorType.Float32:
                ConvolutionArithmetic.Convolve<float, float, float, float, float, FloatConvolution>(_p, new(_p.FloatMin, _p.FloatMax),
                    context.Input<float>(0), context.Input<float>(1), _p.HasBias ? context.Input<float>(2) : default, default, context.Output<float>(0));
                break;
            case TensorType.Int8 when _int8Optimized:
                RunInt8Optimized(context);
                break;
            case TensorType.Int8:
                ConvolutionArithmetic.Convolve<sbyte, sbyte, int, int, sbyte, Int8Convolution>(_p, new(_p.InputOffset, _p.OutputOffset, _p.QuantizedMin, _p.QuantizedMax),
                    context.Input<sbyte>(0), _p.Int8Filter(context), _p.HasBias ? context.Input<int>(2) : default, _p.Requantization(context), context.Output<sbyte>(0));
                break;
            case TensorType.Int16 when Int16Int32Convolution<long>.SumsFit(_p.FilterSize):
                ConvolutionArithmetic.Convolve<short, sbyte, long, int, short, Int16Int32Convolution<long>>(_p, new(new(0, _p.QuantizedMin, _p.QuantizedMax, wrap32: false)),
                    context.Input<short>(0), context.Input<sbyte>(1), _p.HasBias ? context.Input<long>(2) : default, _p.Requantization(context), context.Output<short>(0));
                break;
            default:
                ConvolutionArithmetic.Convolve<short, sbyte, long, long, short, Int16Convolution<long>>(_p, new(0, _p.QuantizedMin, _p.QuantizedMax, wrap32: false),
                    context.Input<short>(0), context.Input<sbyte>(1), _p.HasBias ? context.Input<long>(2) : default, _p.Requantization(context), context.Output<short>(0));
                break;
        }
    }
}
