using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>SQUARED_DIFFERENCE: float32, int32, int8 and int16 (symmetric) with broadcasting (up to 4-D).</summary>
public sealed class SquaredDifference : IKernel
{
    private TensorType _type;
    private BroadcastShape _shape = null!;
    private QuantizedSquaredDifference<sbyte> _int8;
    private QuantizedSquaredDifference<short> _int16;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input1 = context.Input(0), input2 = context.Input(1), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input1, "input", TensorType.Float32, TensorType.Int32, TensorType.Int8, TensorType.Int16);
        ElementwiseChecks.RequireSameType(context, input1, "input 0", input2, "input 1");
        ElementwiseChecks.RequireSameType(context, input2, "input 1", output, "output");
        _type = input1.Type;
        _shape = BroadcastShape.Create(context, output, 4, input1, input2);
        if (_type is not (TensorType.Int8 or TensorType.Int16)) return;

        ElementwiseChecks.RequireQuantized(context, input1, "input 0");
        ElementwiseChecks.RequireQuantized(context, input2, "input 1");
        ElementwiseChecks.RequireQuantized(context, output, "output");
        int leftShift;
        if (_type == TensorType.Int8)
        {
            foreach ((Tensor t, string what) in new[] { (input1, "input 0"), (input2, "input 1"), (output, "output") })
                if (t.ZeroPoint < sbyte.MinValue || t.ZeroPoint > sbyte.MaxValue)
                    throw context.Error($"{what} zero point {t.ZeroPoint} is outside the INT8 range");
            leftShift = 7;
        }
        else
        {
            ElementwiseChecks.RequireZeroPoint(context, input1, "input 0", 0);
            ElementwiseChecks.RequireZeroPoint(context, input2, "input 1", 0);
            ElementwiseChecks.RequireZeroPoint(context, output, "output", 0);
            leftShift = 0;
        }
        double twiceMaxInputScale = 2.0 * Math.Max(input1.Scale, input2.Scale);
        (int m1, int s1) = FixedPoint.QuantizeMultiplier(input1.Scale / twiceMaxInputScale);
        (int m2, int s2) = FixedPoint.QuantizeMultiplier(input2.Scale / twiceMaxInputScale);
        // The divisor is formed in single precision, as the reference does.
        float divisor = (1 << (leftShift * 2)) * output.Scale;
        (int mo, int so) = FixedPoint.QuantizeMultiplier(twiceMaxInputScale * twiceMaxInputScale / divisor);
        _int8 = new QuantizedSquaredDifference<sbyte>
        {
            LeftShift = leftShift, Offset1 = -input1.ZeroPoint, Multiplier1 = m1, Shift1 = s1,
            Offset2 = -input2.ZeroPoint, Multiplier2 = m2, Shift2 = s2,
            OutputOffset = output.ZeroPoint, OutputMultiplier = mo, OutputShift = so, Min = sbyte.MinValue, Max = sbyte.MaxValue,
        };
        _int16 = new QuantizedSquaredDifference<short>
        {
            LeftShift = leftShift, Offset1 = -input1.ZeroPoint, Multiplier1 = m1, Shift1 = s1,
            Offset2 = -input2.ZeroPoint, Multiplier2 = m2, Shift2 = s2,
            OutputOffset = output.ZeroPoint, OutputMultiplier = mo, OutputShift = so, Min = short.MinValue, Max = short.MaxValue,
        };
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32: ElementwiseDriver.Binary(context.Input<float>(0), context.Input<float>(1), context.Output<float>(0), _shape, default(FloatSquaredDifference)); break;
            case TensorType.Int32: ElementwiseDriver.Binary(context.Input<int>(0), context.Input<int>(1), context.Output<int>(0), _shape, default(Int32SquaredDifference)); break;
            case TensorType.Int8: ElementwiseDriver.Binary(context.Input<sbyte>(0), context.Input<sbyte>(1), context.Output<sbyte>(0), _shape, _int8); break;
            default: ElementwiseDriver.Binary(context.Input<short>(0), context.Input<short>(1), context.Output<short>(0), _shape, _int16); break;
        }
    }

    private readonly struct FloatSquaredDifference : IBinaryOperator<float, float>
    {
        public float Invoke(float a, float b)
        {
            float d = a - b;
            return d * d;
        }
    }

    private readonly struct Int32SquaredDifference : IBinaryOperator<int, int>
    {
        public int Invoke(int a, int b)
        {
            int d = unchecked(a - b);
            return unchecked(d * d);
        }
    }

    private readonly struct QuantizedSquaredDifference<T> : IBinaryOperator<T, T> where T : unmanaged
    {
        public int LeftShift { get; init; }
        public int Offset1 { get; init; }
        public int Multiplier1 { get; init; }
        public int Shift1 { get; init; }
        public int Offset2 { get; init; }
        public int Multiplier2 { get; init; }
        public int Shift2 { get; init; }
        public int OutputOffset { get; init; }
        public int OutputMultiplier { get; init; }
        public int OutputShift { get; init; }
        public int Min { get; init; }
        public int Max { get; init; }

        public T Invoke(T a, T b)
        {
            int shifted1 = unchecked((Offset1 + Scalar.ToInt32(a)) * (1 << LeftShift));
            int shifted2 = unchecked((Offset2 + Scalar.ToInt32(b)) * (1 << LeftShift));
            int scaled1 = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, Multiplier1, Shift1);
            int scaled2 = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, Multiplier2, Shift2);
            int diff = unchecked(scaled1 - scaled2);
            int output = unchecked(FixedPoint.MultiplyByQuantizedMultiplier(unchecked(diff * diff), OutputMultiplier, OutputShift) + OutputOffset);
            return Scalar.Truncate<T>(Clamp.Int(output, Min, Max));
        }
    }
}
