namespace TfLiteMicro.Kernels;

/// <summary>DEQUANTIZE: int8, uint8 or int16 to float32 as scale * (q - zero point), computed in double as TFLM does.</summary>
internal sealed class Dequantize : IKernel
{
    private TensorType _inputType;
    private double _scale;
    private int _zeroPoint;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        if (input.Type is not (TensorType.Int8 or TensorType.UInt8 or TensorType.Int16))
            throw context.UnsupportedType("input", input.Type);
        if (output.Type != TensorType.Float32) throw context.UnsupportedType("output", output.Type);
        if (input.ElementCount != output.ElementCount)
            throw context.Error($"input has {input.ElementCount} elements but output {output.ElementCount}");
        _inputType = input.Type;
        _scale = input.Scale;
        _zeroPoint = input.ZeroPoint;
    }

    public void Invoke(InvokeContext context)
    {
        Span<float> output = context.Output<float>(0);
        switch (_inputType)
        {
            case TensorType.Int8:
                ReadOnlySpan<sbyte> i8 = context.Input<sbyte>(0);
                for (int i = 0; i < output.Length; i++) output[i] = (float)(_scale * (i8[i] - _zeroPoint));
                break;
            case TensorType.UInt8:
                ReadOnlySpan<byte> u8 = context.Input<byte>(0);
                for (int i = 0; i < output.Length; i++) output[i] = (float)(_scale * (u8[i] - _zeroPoint));
                break;
            default:
                ReadOnlySpan<short> i16 = context.Input<short>(0);
                for (int i = 0; i < output.Length; i++) output[i] = (float)(_scale * (i16[i] - _zeroPoint));
                break;
        }
    }
}
