namespace TfLiteMicro.Kernels;

/// <summary>
/// CONV_2D: a 2-D convolution over NHWC input with an [out_channels, height, width, in_channels / groups] filter.
/// Types as TFLM's reference kernel: float32; int8 input with int8 or packed int4 per-channel weights and int32 bias;
/// int16 input with int8 weights and int64 (or int32) bias. Grouped convolution when the input depth is a multiple of
/// the filter's input depth. Parameters: <see cref="ConvolutionParameters"/>; reference: <see cref="ConvolutionArithmetic"/>.
/// </summary>
internal sealed partial class Conv2D : IKernel
{
    private enum Mode : byte { Float32, Int8, Int16Accumulate64, Int16Accumulate32 }

    private Mode _mode;
    private ConvolutionParameters _p;

    public void Prepare(PrepareContext context)
    {
        Conv2DOptions options = Conv2DOptions.Read(context);
        _p = ConvolutionParameters.Prepare(context, ConvolutionKind.Standard, new ConvolutionWindow(options.Padding, options.StrideH, options.StrideW,
            options.DilationHFactor, options.DilationWFactor, options.FusedActivationFunction), out sbyte[]? unpacked);
        // int16 sums wrap in 32 bits with an int32 bias, or, without a bias, when the options ask for an int32 one.
        _mode = _p.Type switch
        {
            TensorType.Float32 => Mode.Float32,
            TensorType.Int8 => Mode.Int8,
            _ => (_p.HasBias ? _p.BiasType == TensorType.Int32 : options.QuantizedBiasType == TensorType.Int32) ? Mode.Int16Accumulate32 : Mode.Int16Accumulate64,
        };
        PrepareOptimized(context, unpacked);
        PrepareInt16Optimized(context);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_mode)
        {
            case Mode.Float32 when _floatOptimized:
                RunFloatOptimized(context);
                break;
            case Mode.Float32:
                ConvolutionArithmetic.Convolve<float, float, float, float, float, FloatConvolution>(_p, new(_p.FloatMin, _p.FloatMax),
                    context.Input<float>(0), context.Input<float>(1), _p.HasBias ? context.Input<float>(2) : default, default, context.Output<float>(0));
                break;
            case Mode.Int8 when _int8Optimized:
                RunInt8Optimized(context);
                break;
            case Mode.Int8:
                ConvolutionArithmetic.Convolve<sbyte, sbyte, int, int, sbyte, Int8Convolution>(_p, new(_p.InputOffset, _p.OutputOffset, _p.QuantizedMin, _p.QuantizedMax),
                    context.Input<sbyte>(0), _p.Int8Filter(context), _p.HasBias ? context.Input<int>(2) : default, _p.Requantization(context), context.Output<sbyte>(0));
                break;
            case Mode.Int16Accumulate64 or Mode.Int16Accumulate32 when _int16Optimized:
                RunInt16Optimized(context);
                break;
            case Mode.Int16Accumulate64 when Int16Int32Convolution<long>.SumsFit(_p.FilterSize):
                ConvolutionArithmetic.Convolve<short, sbyte, long, int, short, Int16Int32Convolution<long>>(_p, new(new(0, _p.QuantizedMin, _p.QuantizedMax, wrap32: false)),
                    context.Input<short>(0), context.Input<sbyte>(1), _p.HasBias ? context.Input<long>(2) : default, _p.Requantization(context), context.Output<short>(0));
                break;
            case Mode.Int16Accumulate64:
                ConvolutionArithmetic.Convolve<short, sbyte, long, long, short, Int16Convolution<long>>(_p, new(0, _p.QuantizedMin, _p.QuantizedMax, wrap32: false),
                    context.Input<short>(0), context.Input<sbyte>(1), _p.HasBias ? context.Input<long>(2) : default, _p.Requantization(context), context.Output<short>(0));
                break;
            case Mode.Int16Accumulate32:
                ConvolutionArithmetic.Convolve<short, sbyte, int, int, short, Int16Int32Convolution<int>>(_p, new(new(0, _p.QuantizedMin, _p.QuantizedMax, wrap32: true)),
                    context.Input<short>(0), context.Input<sbyte>(1), _p.HasBias ? context.Input<int>(2) : default, _p.Requantization(context), context.Output<short>(0));
                break;
        }
    }
}
