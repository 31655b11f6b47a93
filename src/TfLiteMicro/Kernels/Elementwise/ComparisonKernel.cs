using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>A comparison of two values: the one thing EQUAL, NOT_EQUAL, GREATER, ... differ in.</summary>
public interface IComparison
{
    /// <summary>The comparison of two elements (float, int8, int16, int32, int64 or 0/1 for bool).</summary>
    bool Compare<T>(T a, T b) where T : unmanaged;
}

/// <summary>
/// The kernel every comparison op shares: bool output, broadcasting up to 4-D, raw comparison for float and integer
/// types, and for int8 a comparison after bringing both inputs to a common scale (TFLite's WithScaling path).
/// </summary>
public abstract class ComparisonKernel<TCompare> : IKernel where TCompare : struct, IComparison
{
    private readonly TensorType[] _types;
    private TensorType _type;
    private BroadcastShape _shape = null!;
    private Scaled<sbyte> _int8;
    private Scaled<short> _int16;

    protected ComparisonKernel(params TensorType[] types) => _types = types;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input1 = context.Input(0), input2 = context.Input(1), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input1, "input", _types);
        ElementwiseChecks.RequireSameType(context, input1, "input 0", input2, "input 1");
        ElementwiseChecks.RequireType(context, output, "output", TensorType.Bool);
        _type = input1.Type;
        _shape = BroadcastShape.Create(context, output, 4, input1, input2);
        if (_type == TensorType.Int8)
        {
            ElementwiseChecks.RequireQuantized(context, input1, "input 0");
            ElementwiseChecks.RequireQuantized(context, input2, "input 1");
            (int m1, int s1) = FixedPoint.QuantizeMultiplier(input1.Scale);
            (int m2, int s2) = FixedPoint.QuantizeMultiplier(input2.Scale);
            _int8 = new Scaled<sbyte>(8, -input1.ZeroPoint, m1, s1, -input2.ZeroPoint, m2, s2);
        }
        // TFLM prepares scaling parameters for int8 only; its int16 path scales with all-zero parameters, so every
        // value compares as 0. All-zero parameters here reproduce that.
        _int16 = default;
    }

    public void Invoke(InvokeContext context)
    {
        Span<byte> output = context.Output<byte>(0);
        switch (_type)
        {
            case TensorType.Float32: ElementwiseDriver.Binary(context.Input<float>(0), context.Input<float>(1), output, _shape, default(Raw<float>)); break;
            case TensorType.Int32: ElementwiseDriver.Binary(context.Input<int>(0), context.Input<int>(1), output, _shape, default(Raw<int>)); break;
            case TensorType.Int64: ElementwiseDriver.Binary(context.Input<long>(0), context.Input<long>(1), output, _shape, default(Raw<long>)); break;
            case TensorType.Bool: ElementwiseDriver.Binary(context.Input<byte>(0), context.Input<byte>(1), output, _shape, default(Boolean)); break;
            case TensorType.Int8: ElementwiseDriver.Binary(context.Input<sbyte>(0), context.Input<sbyte>(1), output, _shape, _int8); break;
            default: ElementwiseDriver.Binary(context.Input<short>(0), context.Input<short>(1), output, _shape, _int16); break;
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

    private readonly struct Scaled<T>(int leftShift, int offset1, int multiplier1, int shift1, int offset2, int multiplier2, int shift2)
        : IBinaryOperator<T, byte> where T : unmanaged
    {
        public byte Invoke(T a, T b)
        {
            int shifted1 = unchecked((offset1 + Scalar.ToInt32(a)) * (1 << leftShift));
            int shifted2 = unchecked((offset2 + Scalar.ToInt32(b)) * (1 << leftShift));
            int scaled1 = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, multiplier1, shift1);
            int scaled2 = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, multiplier2, shift2);
            return default(TCompare).Compare(scaled1, scaled2) ? (byte)1 : (byte)0;
        }
    }
}
