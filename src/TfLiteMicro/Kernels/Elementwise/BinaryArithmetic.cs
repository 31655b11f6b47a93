using System.Runtime.CompilerServices;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The reference arithmetic of ADD, SUB, MUL, DIV, SQUARED_DIFFERENCE, MINIMUM and MAXIMUM over
/// (<see cref="BinaryParameters"/>, spans), as TFLite computes it. The vectorized int8 paths
/// (<see cref="Int8SumKernel"/>, <see cref="Int8ProductKernel"/>) take the same parameters and give the same bytes.
/// </summary>
internal static class BinaryArithmetic
{
    /// <summary>Runs the node's operation on its inputs, with the checks that depend on values (integer division by zero).</summary>
    public static void Run(InvokeContext context, in BinaryParameters p)
    {
        switch (p.Type)
        {
            case TensorType.Float32: Float(p, context.Input<float>(0), context.Input<float>(1), context.Output<float>(0)); break;
            case TensorType.Int32:
                if (p.Operation == BinaryOperation.Divide && context.Input<int>(1).Contains(0)) throw context.Error("division by zero");
                Int32(p, context.Input<int>(0), context.Input<int>(1), context.Output<int>(0));
                break;
            case TensorType.Int64: Int64(p, context.Input<long>(0), context.Input<long>(1), context.Output<long>(0)); break;
            case TensorType.Int8:
                if (p.Operation == BinaryOperation.Divide && context.Input<sbyte>(1).Contains((sbyte)-p.Input2Offset))
                    throw context.Error("division by zero (a divisor equals its zero point)");
                Int8(p, context.Input<sbyte>(0), context.Input<sbyte>(1), context.Output<sbyte>(0));
                break;
            default: Int16(p, context.Input<short>(0), context.Input<short>(1), context.Output<short>(0)); break;
        }
    }

    public static void Float(in BinaryParameters p, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> output)
        => Arithmetic(p, a, b, output, new FloatAdd(p.FloatMin, p.FloatMax), new FloatSubtract(p.FloatMin, p.FloatMax),
            new FloatMultiply(p.FloatMin, p.FloatMax), new FloatDivide(p.FloatMin, p.FloatMax), default(FloatSquaredDifference));

    public static void Int32(in BinaryParameters p, ReadOnlySpan<int> a, ReadOnlySpan<int> b, Span<int> output)
        => Arithmetic(p, a, b, output, new Int32Add(p.Min, p.Max), new Int32Subtract(p.Min, p.Max), new Int32Multiply(p.Min, p.Max),
            new Int32Divide(p.Min, p.Max), default(Int32SquaredDifference));

    public static void Int64(in BinaryParameters p, ReadOnlySpan<long> a, ReadOnlySpan<long> b, Span<long> output) => MinMax(p, a, b, output);

    /// <summary>int8: one operator for ADD and SUB (it reads which from the parameters).</summary>
    public static void Int8(in BinaryParameters p, ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<sbyte> output)
    {
        var sum = new Int8Result<QuantizedSum>(new(p));
        Arithmetic(p, a, b, output, sum, sum, new Int8Result<QuantizedProduct>(new(p)), new Int8Result<QuantizedQuotient>(new(p)),
            new Int8Result<QuantizedSquaredDifference>(new(p)));
    }

    /// <summary>int16 as int8 (DIV is not among its operations: Prepare rejects it).</summary>
    public static void Int16(in BinaryParameters p, ReadOnlySpan<short> a, ReadOnlySpan<short> b, Span<short> output)
    {
        var sum = new Int16Result<QuantizedSum>(new(p));
        Arithmetic(p, a, b, output, sum, sum, new Int16Result<QuantizedProduct>(new(p)), new Int16Result<QuantizedQuotient>(new(p)),
            new Int16Result<QuantizedSquaredDifference>(new(p)));
    }

    /// <summary>The one dispatch of every type: the operator of the node's operation over the broadcast shape.</summary>
    private static void Arithmetic<T, TAdd, TSubtract, TMultiply, TDivide, TSquaredDifference>(in BinaryParameters p, ReadOnlySpan<T> a,
        ReadOnlySpan<T> b, Span<T> output, TAdd add, TSubtract subtract, TMultiply multiply, TDivide divide, TSquaredDifference squaredDifference)
        where T : unmanaged where TAdd : struct, IBinaryOperator<T, T> where TSubtract : struct, IBinaryOperator<T, T>
        where TMultiply : struct, IBinaryOperator<T, T> where TDivide : struct, IBinaryOperator<T, T>
        where TSquaredDifference : struct, IBinaryOperator<T, T>
    {
        BroadcastShape s = p.Shape;
        switch (p.Operation)
        {
            case BinaryOperation.Add: ElementwiseDriver.Binary(a, b, output, s, add); break;
            case BinaryOperation.Subtract: ElementwiseDriver.Binary(a, b, output, s, subtract); break;
            case BinaryOperation.Multiply: ElementwiseDriver.Binary(a, b, output, s, multiply); break;
            case BinaryOperation.Divide: ElementwiseDriver.Binary(a, b, output, s, divide); break;
            case BinaryOperation.SquaredDifference: ElementwiseDriver.Binary(a, b, output, s, squaredDifference); break;
            default: MinMax(p, a, b, output); break;
        }
    }

    // Quantized values compare raw, as in TFLite.
    private static void MinMax<T>(in BinaryParameters p, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> output) where T : unmanaged
    {
        if (p.Operation == BinaryOperation.Minimum) ElementwiseDriver.Binary(a, b, output, p.Shape, default(Smaller<T>));
        else ElementwiseDriver.Binary(a, b, output, p.Shape, default(Larger<T>));
    }

    /// <summary>Offsets an input, shifts it left for headroom and scales it to the inputs' common scale (ADD, SUB,
    /// SQUARED_DIFFERENCE and int8 comparisons).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ScaleInput(int x, int offset, int leftShift, int multiplier, int shift)
        => FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(unchecked((offset + x) * (1 << leftShift)), multiplier, shift);

    /// <summary>The int8/int16 sum or difference: both inputs at a common scale, added or subtracted, rescaled to the output.</summary>
    public readonly struct QuantizedSum(BinaryParameters p) : IQuantizedBinaryOperator
    {
        private readonly int _left = p.LeftShift, _offset1 = p.Input1Offset, _m1 = p.Input1Multiplier, _s1 = p.Input1Shift;
        private readonly int _offset2 = p.Input2Offset, _m2 = p.Input2Multiplier, _s2 = p.Input2Shift;
        private readonly int _outputOffset = p.OutputOffset, _mo = p.OutputMultiplier, _so = p.OutputShift, _min = p.Min, _max = p.Max;
        private readonly bool _subtract = p.Operation == BinaryOperation.Subtract;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Invoke(int a, int b)
        {
            int scaled1 = ScaleInput(a, _offset1, _left, _m1, _s1);
            int scaled2 = ScaleInput(b, _offset2, _left, _m2, _s2);
            int raw = unchecked(_subtract ? scaled1 - scaled2 : scaled1 + scaled2);
            int output = unchecked(FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(raw, _mo, _so) + _outputOffset);
            return Clamp.Int(output, _min, _max);
        }
    }

    /// <summary>The int8/int16 product: offset inputs multiplied, requantized with one multiplier and shift.</summary>
    public readonly struct QuantizedProduct(BinaryParameters p) : IQuantizedBinaryOperator
    {
        private readonly int _offset1 = p.Input1Offset, _offset2 = p.Input2Offset, _outputOffset = p.OutputOffset;
        private readonly int _m = p.OutputMultiplier, _min = p.Min, _max = p.Max;
        private readonly int _left = Math.Max(p.OutputShift, 0), _right = Math.Max(-p.OutputShift, 0);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Invoke(int a, int b)
        {
            int product = unchecked((_offset1 + a) * (_offset2 + b));
            return Clamp.Int(unchecked(_outputOffset + FixedPoint.MultiplyByQuantizedMultiplier(product, _m, _left, _right)), _min, _max);
        }
    }

    /// <summary>The int8 quotient: the offset numerator times the reciprocal of the offset denominator, requantized.</summary>
    public readonly struct QuantizedQuotient(BinaryParameters p) : IQuantizedBinaryOperator
    {
        private readonly int _offset1 = p.Input1Offset, _offset2 = p.Input2Offset, _outputOffset = p.OutputOffset;
        private readonly int _m = p.OutputMultiplier, _s = p.OutputShift, _min = p.Min, _max = p.Max;

        public int Invoke(int a, int b)
        {
            int numerator = _offset1 + a;
            int denominator = _offset2 + b;
            if (denominator < 0)
            {
                numerator = -numerator;
                denominator = -denominator;
            }
            int reciprocal = FixedPoint.GetReciprocal(denominator, 31, out int reciprocalShift);
            int headroom = FixedPointMath.CountLeadingSignBits(numerator);
            int unscaled = FixedPoint.MultiplyByQuantizedMultiplierGreaterThanOne(numerator, reciprocal, headroom);
            int totalShift = _s - reciprocalShift - headroom;
            return Clamp.Int(unchecked(_outputOffset + FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(unscaled, _m, totalShift)), _min, _max);
        }
    }

    /// <summary>The int8/int16 squared difference: both inputs at a common scale, the difference squared and rescaled.</summary>
    public readonly struct QuantizedSquaredDifference(BinaryParameters p) : IQuantizedBinaryOperator
    {
        private readonly int _left = p.LeftShift, _offset1 = p.Input1Offset, _m1 = p.Input1Multiplier, _s1 = p.Input1Shift;
        private readonly int _offset2 = p.Input2Offset, _m2 = p.Input2Multiplier, _s2 = p.Input2Shift;
        private readonly int _outputOffset = p.OutputOffset, _mo = p.OutputMultiplier, _so = p.OutputShift, _min = p.Min, _max = p.Max;

        public int Invoke(int a, int b)
        {
            int diff = unchecked(ScaleInput(a, _offset1, _left, _m1, _s1) - ScaleInput(b, _offset2, _left, _m2, _s2));
            int output = unchecked(FixedPoint.MultiplyByQuantizedMultiplier(unchecked(diff * diff), _mo, _so) + _outputOffset);
            return Clamp.Int(output, _min, _max);
        }
    }

    /// <summary>A quantized operator on int8 values (its result is within the int8 range by its clamp).</summary>
    public readonly struct Int8Result<TOp>(TOp op) : IBinaryOperator<sbyte, sbyte> where TOp : struct, IQuantizedBinaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public sbyte Invoke(sbyte a, sbyte b) => unchecked((sbyte)op.Invoke(a, b));
    }

    /// <summary>A quantized operator on int16 values (its result is within the int16 range by its clamp).</summary>
    public readonly struct Int16Result<TOp>(TOp op) : IBinaryOperator<short, short> where TOp : struct, IQuantizedBinaryOperator
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public short Invoke(short a, short b) => unchecked((short)op.Invoke(a, b));
    }

    private readonly struct FloatAdd(float min, float max) : IBinaryOperator<float, float>
    {
        public float Invoke(float a, float b) => Clamp.Float(a + b, min, max);
    }

    private readonly struct FloatSubtract(float min, float max) : IBinaryOperator<float, float>
    {
        public float Invoke(float a, float b) => Clamp.Float(a - b, min, max);
    }

    private readonly struct FloatMultiply(float min, float max) : IBinaryOperator<float, float>
    {
        public float Invoke(float a, float b) => Clamp.Float(a * b, min, max);
    }

    private readonly struct FloatDivide(float min, float max) : IBinaryOperator<float, float>
    {
        public float Invoke(float a, float b) => Clamp.Float(a / b, min, max);
    }

    private readonly struct FloatSquaredDifference : IBinaryOperator<float, float>
    {
        public float Invoke(float a, float b)
        {
            float d = a - b;
            return d * d;
        }
    }

    internal readonly struct Int32Add(int min, int max) : IBinaryOperator<int, int>
    {
        public int Invoke(int a, int b) => Clamp.Int(unchecked(a + b), min, max);
    }

    private readonly struct Int32Subtract(int min, int max) : IBinaryOperator<int, int>
    {
        public int Invoke(int a, int b) => Clamp.Int(unchecked(a - b), min, max);
    }

    internal readonly struct Int32Multiply(int min, int max) : IBinaryOperator<int, int>
    {
        public int Invoke(int a, int b) => Clamp.Int(unchecked(a * b), min, max);
    }

    internal readonly struct Int32Divide(int min, int max) : IBinaryOperator<int, int>
    {
        // int.MinValue / -1 overflows; it wraps as the two's-complement hardware result would.
        public int Invoke(int a, int b) => Clamp.Int(b == -1 ? unchecked(-a) : a / b, min, max);
    }

    private readonly struct Int32SquaredDifference : IBinaryOperator<int, int>
    {
        public int Invoke(int a, int b)
        {
            int d = unchecked(a - b);
            return unchecked(d * d);
        }
    }

    internal readonly struct Smaller<T> : IBinaryOperator<T, T> where T : unmanaged
    {
        public T Invoke(T a, T b) => Scalar.Less(a, b) ? a : b;
    }

    internal readonly struct Larger<T> : IBinaryOperator<T, T> where T : unmanaged
    {
        public T Invoke(T a, T b) => Scalar.Less(b, a) ? a : b;
    }
}

/// <summary>A quantized binary function on widened raw values, its result clamped to the output's range.</summary>
internal interface IQuantizedBinaryOperator
{
    int Invoke(int a, int b);
}
