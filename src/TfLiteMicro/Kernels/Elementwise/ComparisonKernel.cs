
namespace TfLiteMicro.Kernels;

/// <summary>A comparison of two values: the one thing EQUAL, NOT_EQUAL, GREATER, ... differ in.</summary>
internal interface IComparison
{
    /// <summary>The comparison of two elements (float, int8, int16, int32, int64 or 0/1 for bool).</summary>
    bool Compare<T>(T a, T b) where T : unmanaged;
}

/// <summary>
/// The kernel every comparison op shares: bool output, broadcasting up to 4-D, raw comparison for float and integer
/// types, and for int8 a comparison after bringing both inputs to a common scale (TFLite's WithScaling path).
/// </summary>
internal abstract class ComparisonKernel<TCompare> : IKernel where TCompare : struct, IComparison
{
    private readonly TensorType[] _types;
    private BinaryParameters _parameters;

    protected ComparisonKernel(params TensorType[] types) => _types = types;

    public void Prepare(PrepareContext context) => _parameters = BinaryParameters.Prepare(context, BinaryOperation.Compare, compareTypes: _types);

    public void Invoke(InvokeContext context)
    {
        Span<byte> output = context.Output<byte>(0);
        BroadcastShape shape = _parameters.Shape;
        switch (_parameters.Type)
        {
            case TensorType.Float32: ElementwiseDriver.Binary(context.Input<float>(0), context.Input<float>(1), output, shape, default(Raw<float>)); break;
            case TensorType.Int32: ElementwiseDriver.Binary(context.Input<int>(0), context.Input<int>(1), output, shape, default(Raw<int>)); break;
            case TensorType.Int64: ElementwiseDriver.Binary(context.Input<long>(0), context.Input<long>(1), output, shape, default(Raw<long>)); break;
            case TensorType.Bool: ElementwiseDriver.Binary(context.Input<byte>(0), context.Input<byte>(1), output, shape, default(Boolean)); break;
            case TensorType.Int8: ElementwiseDriver.Binary(context.Input<sbyte>(0), context.Input<sbyte>(1), output, shape, new Scaled<sbyte>(_parameters)); break;
            default: ElementwiseDriver.Binary(context.Input<short>(0), context.Input<short>(1), output, shape, new Scaled<short>(_parameters)); break;
        }
    }

    private readonly struct Raw<T> : IBinaryOperator<T, byte> where T : unmanaged
    {
        public byte Invoke(T a, T b) => default(TCompare).Compare(a, b) ? (byte)1 : (byte)0;
    }

    private readonly struct Boolean : IBinaryOperator<byte, byte>
    {
        public byte Invoke(byte a, byte b) => default(TCompare).Compare(a != 0 ? 1 : 0, b != 0 ? 1 : 0) ? (byte)1 : (byte)0;
    }

    private readonly struct Scaled<T>(BinaryParameters p) : IBinaryOperator<T, byte> where T : unmanaged
    {
        private readonly int _left = p.LeftShift, _offset1 = p.Input1Offset, _m1 = p.Input1Multiplier, _s1 = p.Input1Shift;
        private readonly int _offset2 = p.Input2Offset, _m2 = p.Input2Multiplier, _s2 = p.Input2Shift;

        public byte Invoke(T a, T b)
        {
            int scaled1 = BinaryArithmetic.ScaleInput(Scalar.ToInt32(a), _offset1, _left, _m1, _s1);
            int scaled2 = BinaryArithmetic.ScaleInput(Scalar.ToInt32(b), _offset2, _left, _m2, _s2);
            return default(TCompare).Compare(scaled1, scaled2) ? (byte)1 : (byte)0;
        }
    }
}
