using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// QUANTIZE: float32 to int8/int16 (round(x / scale) + zero point, clamped), or requantization between integer types
/// (int8, uint8, int16, int32) by the ratio of the scales, with the combinations TFLM accepts.
/// </summary>
internal sealed class Quantize : IKernel
{
    private TensorType _inputType, _outputType;
    private int _inputZeroPoint, _outputZeroPoint;
    private float _outputScale;
    private int _multiplier, _shift;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        if (output.Quantization.Scales.Length != 1)
            throw context.Error($"output must be quantized with exactly one scale (has {output.Quantization.Scales.Length})");
        if (input.ElementCount != output.ElementCount)
            throw context.Error($"input has {input.ElementCount} elements but output {output.ElementCount}");
        _inputType = input.Type;
        _outputType = output.Type;
        bool supported = (input.Type, output.Type) switch
        {
            (TensorType.Float32, TensorType.Int8 or TensorType.Int16) => true,
            (TensorType.Int8, TensorType.Int8 or TensorType.UInt8 or TensorType.Int16 or TensorType.Int32) => true,
            (TensorType.Int16, TensorType.Int8 or TensorType.Int16 or TensorType.Int32) => true,
            (TensorType.Int32, TensorType.Int8 or TensorType.Int16) => true,
            (TensorType.UInt8, TensorType.Int8) => true,
            _ => false,
        };
        if (!supported)
            throw context.Error($"quantizing {TensorTypes.GetName(input.Type)} to {TensorTypes.GetName(output.Type)} is not supported");
        _inputZeroPoint = input.ZeroPoint;
        _outputZeroPoint = output.ZeroPoint;
        _outputScale = output.Scale;
        if (input.Type != TensorType.Float32)
            (_multiplier, _shift) = FixedPoint.QuantizeMultiplier((double)input.Scale / output.Scale);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_inputType)
        {
            case TensorType.Float32:
                ReadOnlySpan<float> values = context.Input<float>(0);
                if (_outputType == TensorType.Int8) QuantizeFloat(values, context.Output<sbyte>(0));
                else QuantizeFloat(values, context.Output<short>(0));
                break;
            case TensorType.Int8:
                Requantize(context.Input<sbyte>(0), context);
                break;
            case TensorType.UInt8:
                Requantize(context.Input<byte>(0), context);
                break;
            case TensorType.Int16:
                Requantize(context.Input<short>(0), context);
                break;
            default:
                Requantize(context.Input<int>(0), context);
                break;
        }
    }

    private void QuantizeFloat<TOut>(ReadOnlySpan<float> input, Span<TOut> output) where TOut : unmanaged
    {
        (int min, int max) = ActivationRange.TypeLimits(_outputType);
        for (int i = 0; i < input.Length; i++)
        {
            int q = unchecked(FixedPoint.TruncateToInt32(FixedPoint.Round(input[i] / _outputScale)) + _outputZeroPoint);
            output[i] = Scalar.Truncate<TOut>(Math.Min(Math.Max(q, min), max));
        }
    }

    private void Requantize<TIn>(ReadOnlySpan<TIn> input, InvokeContext context) where TIn : unmanaged
    {
        switch (_outputType)
        {
            case TensorType.Int8: Requantize(input, context.Output<sbyte>(0)); break;
            case TensorType.UInt8: Requantize(input, context.Output<byte>(0)); break;
            case TensorType.Int16: Requantize(input, context.Output<short>(0)); break;
            default: Requantize(input, context.Output<int>(0)); break;
        }
    }

    private void Requantize<TIn, TOut>(ReadOnlySpan<TIn> input, Span<TOut> output) where TIn : unmanaged where TOut : unmanaged
    {
        (int min, int max) = ActivationRange.TypeLimits(_outputType);
        for (int i = 0; i < input.Length; i++)
        {
            int value = unchecked(Scalar.ToInt32(input[i]) - _inputZeroPoint);
            int q = unchecked(FixedPoint.MultiplyByQuantizedMultiplier(value, _multiplier, _shift) + _outputZeroPoint);
            output[i] = Scalar.Truncate<TOut>(Math.Min(Math.Max(q, min), max));
        }
    }
}
