namespace TfLiteMicro.Kernels;

/// <summary>MAXIMUM: float32, int8, int16, int32 and int64 with broadcasting; quantized values compare raw, as in TFLite.</summary>
public sealed class Maximum : IKernel
{
    private TensorType _type;
    private BroadcastShape _shape = null!;
    private SimdLevel _level;
    private Int32BroadcastKind _int32Kind;

    public void Prepare(PrepareContext context) => (_type, _shape, _level, _int32Kind) = MinMaxPrepare.Run(context);

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32: ElementwiseDriver.Binary(context.Input<float>(0), context.Input<float>(1), context.Output<float>(0), _shape, default(Larger<float>)); break;
            case TensorType.Int8: ElementwiseDriver.Binary(context.Input<sbyte>(0), context.Input<sbyte>(1), context.Output<sbyte>(0), _shape, default(Larger<sbyte>)); break;
            case TensorType.Int16: ElementwiseDriver.Binary(context.Input<short>(0), context.Input<short>(1), context.Output<short>(0), _shape, default(Larger<short>)); break;
            case TensorType.Int32 when _int32Kind != Int32BroadcastKind.None:
                Int32ElementwiseSimd.Run(_level, _int32Kind, _shape.ElementCount, context.Input<int>(0), context.Input<int>(1), context.Output<int>(0), default(Larger<int>), default(Int32LargerLanes));
                break;
            case TensorType.Int32: ElementwiseDriver.Binary(context.Input<int>(0), context.Input<int>(1), context.Output<int>(0), _shape, default(Larger<int>)); break;
            default: ElementwiseDriver.Binary(context.Input<long>(0), context.Input<long>(1), context.Output<long>(0), _shape, default(Larger<long>)); break;
        }
    }

    private readonly struct Larger<T> : IBinaryOperator<T, T> where T : unmanaged
    {
        public T Invoke(T a, T b) => Scalar.Less(b, a) ? a : b;
    }
}
