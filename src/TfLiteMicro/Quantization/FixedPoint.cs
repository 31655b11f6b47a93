using System.Numerics;
using System.Runtime.CompilerServices;

namespace TfLiteMicro.Quantization;

/// <summary>
/// The fixed-point arithmetic every quantized kernel shares, with TFLite's exact rounding (TFLM's default
/// "double rounding" build). Kernels never round on their own: they call these.
/// Values in Q-format are raw int32 with a stated number of integer bits (Q(i) means i integer bits, 31 - i fractional).
/// </summary>
public static class FixedPoint
{
    /// <summary>(a * b * 2) >> 32, rounded to nearest, saturating the one overflow case (min * min).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue) return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
        // Division truncates toward zero, which is what the reference does (not an arithmetic shift).
        return (int)((ab + nudge) / (1L << 31));
    }

    /// <summary>16-bit variant: (a * b * 2) >> 16, rounded, saturating min * min.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short SaturatingRoundingDoublingHighMul(short a, short b)
    {
        if (a == b && a == short.MinValue) return short.MaxValue;
        int ab = a * b;
        int nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
        return (short)((ab + nudge) / (1 << 15));
    }

    /// <summary>x / 2^exponent rounded to nearest, ties away from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundingDivideByPOT(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>16-bit variant of <see cref="RoundingDivideByPOT(int, int)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short RoundingDivideByPOT(short x, int exponent)
    {
        int mask = (1 << exponent) - 1;
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (short)((x >> exponent) + (remainder > threshold ? 1 : 0));
    }

    /// <summary>x * 2^exponent: a saturating left shift for positive exponents, a rounding right shift for negative ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturatingRoundingMultiplyByPOT(int x, int exponent)
    {
        if (exponent == 0) return x;
        if (exponent < 0) return RoundingDivideByPOT(x, -exponent);
        int threshold = (int)((1L << (31 - exponent)) - 1);
        if (x > threshold) return int.MaxValue;
        if (x < -threshold) return int.MinValue;
        return x << exponent;
    }

    /// <summary>16-bit variant of <see cref="SaturatingRoundingMultiplyByPOT(int, int)"/>.</summary>
    public static short SaturatingRoundingMultiplyByPOT(short x, int exponent)
    {
        if (exponent == 0) return x;
        if (exponent < 0) return RoundingDivideByPOT(x, -exponent);
        int threshold = (1 << (15 - exponent)) - 1;
        if (x > threshold) return short.MaxValue;
        if (x < -threshold) return short.MinValue;
        return (short)(x << exponent);
    }

    /// <summary>
    /// x * multiplier * 2^shift for a multiplier in Q31 (from <see cref="QuantizeMultiplier"/>): the requantization step
    /// of every int8/int16 kernel. Positive shifts scale up before the high multiply, negative ones round down after it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplier(int x, int quantizedMultiplier, int shift)
        => MultiplyByQuantizedMultiplier(x, quantizedMultiplier, shift > 0 ? shift : 0, shift > 0 ? 0 : -shift);

    /// <summary>
    /// <see cref="MultiplyByQuantizedMultiplier(int, int, int)"/> with the shift already split into its left part (a
    /// positive shift, else 0) and its right part (a negative shift negated, else 0), for loops that requantize many
    /// values with one multiplier.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplier(int x, int quantizedMultiplier, int leftShift, int rightShift)
        => RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), quantizedMultiplier), rightShift);

    /// <summary>
    /// 64-bit accumulator variant (int16 kernels with int64 bias): the multiplier is reduced to 16 bits and applied with one
    /// rounding shift, exactly as TFLite does; the result wraps to int32 as the reference's cast does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplier(long x, int quantizedMultiplier, int shift)
    {
        int reducedMultiplier = quantizedMultiplier < 0x7FFF0000 ? (quantizedMultiplier + (1 << 15)) >> 16 : 0x7FFF;
        int totalShift = 15 - shift;
        long value = unchecked(x * reducedMultiplier + (1L << (totalShift - 1)));
        return unchecked((int)(value >> totalShift));
    }

    /// <summary>For multipliers below one (shift &lt;= 0), as TFLite names it.</summary>
    public static int MultiplyByQuantizedMultiplierSmallerThanOneExp(int x, int quantizedMultiplier, int leftShift)
        => RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, quantizedMultiplier), -leftShift);

    /// <summary>For multipliers of one or more (shift &gt;= 0), as TFLite names it.</summary>
    public static int MultiplyByQuantizedMultiplierGreaterThanOne(int x, int quantizedMultiplier, int leftShift)
        => SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), quantizedMultiplier);

    /// <summary>
    /// Splits a real multiplier into a Q31 multiplier in [2^30, 2^31) and a power-of-two shift, so that
    /// multiplier ≈ quantized * 2^(shift - 31). Zero gives (0, 0); multipliers too small to represent give (0, 0);
    /// multipliers of 2^31 or more saturate at the largest (int.MaxValue, 30), as TFLM's do. Every kernel turns its
    /// tensors' scales into multipliers here, so this is where scales of infinity or NaN (or ratios of zero scales)
    /// are rejected, with a <see cref="KernelException"/>.
    /// </summary>
    public static (int Multiplier, int Shift) QuantizeMultiplier(double realMultiplier)
    {
        if (!double.IsFinite(realMultiplier))
            throw KernelException.Unplaced($"the quantization scales give a multiplier of {realMultiplier}: scales must be finite and non-zero");
        if (realMultiplier == 0.0) return (0, 0);
        double q = Frexp(realMultiplier, out int shift);
        long qFixed = (long)Round(q * (1L << 31));
        if (qFixed == 1L << 31)
        {
            qFixed /= 2;
            shift++;
        }
        if (shift < -31)
        {
            shift = 0;
            qFixed = 0;
        }
        if (shift > 30)
        {
            shift = 30;
            qFixed = int.MaxValue;
        }
        return ((int)qFixed, shift);
    }

    /// <summary>Like <see cref="QuantizeMultiplier"/> for multipliers below one; the shift is returned as a non-positive left shift.</summary>
    public static (int Multiplier, int Shift) QuantizeMultiplierSmallerThanOneExp(double realMultiplier)
    {
        if (!(realMultiplier < 1.0) || !(realMultiplier > 0.0))
            throw KernelException.Unplaced($"the quantization scales give a multiplier of {realMultiplier}, where one in (0, 1) is needed");
        return QuantizeMultiplier(realMultiplier);
    }

    /// <summary>Like <see cref="QuantizeMultiplier"/> for multipliers of one or more (non-negative shift).</summary>
    public static (int Multiplier, int Shift) QuantizeMultiplierGreaterThanOne(double realMultiplier)
    {
        (int m, int s) = QuantizeMultiplier(realMultiplier);
        if (s < 0)
            throw KernelException.Unplaced($"the quantization scales give a multiplier of {realMultiplier}, where one of at least one is needed");
        return (m, s);
    }

    /// <summary>C's frexp: value = mantissa * 2^exponent with |mantissa| in [0.5, 1).</summary>
    public static double Frexp(double value, out int exponent)
    {
        if (value == 0.0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            exponent = 0;
            return value;
        }
        long bits = BitConverter.DoubleToInt64Bits(value);
        int rawExponent = (int)((bits >> 52) & 0x7FF);
        if (rawExponent == 0)
        {
            // Subnormal: scale into the normal range first.
            double scaled = Frexp(value * 18014398509481984.0 /* 2^54 */, out int e);
            exponent = e - 54;
            return scaled;
        }
        exponent = rawExponent - 1022;
        long mantissaBits = (bits & ~(0x7FFL << 52)) | (1022L << 52);
        return BitConverter.Int64BitsToDouble(mantissaBits);
    }

    /// <summary>
    /// The multiplier and left shift softmax uses to bring (input - max) * beta * input_scale into Q(integerBits).
    /// </summary>
    public static (int Multiplier, int LeftShift) PreprocessSoftmaxScaling(double beta, double inputScale, int inputIntegerBits)
    {
        double real = Math.Min(beta * inputScale * (1 << (31 - inputIntegerBits)), (1L << 31) - 1.0);
        return QuantizeMultiplierGreaterThanOne(real);
    }

    /// <summary>The largest |input| whose rescaled value still fits in Q(inputIntegerBits) after a left shift of <paramref name="inputLeftShift"/>.</summary>
    public static int CalculateInputRadius(int inputIntegerBits, int inputLeftShift, int totalSignedBits = 31)
    {
        double maxInputRescaled = 1.0 * ((1 << inputIntegerBits) - 1) * (1L << (totalSignedBits - inputIntegerBits)) / (1L << inputLeftShift);
        return (int)Math.Floor(maxInputRescaled);
    }

    /// <summary>Changes a Q(fromIntegerBits) value to Q(toIntegerBits), saturating or rounding as needed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Rescale(int raw, int fromIntegerBits, int toIntegerBits)
        => SaturatingRoundingMultiplyByPOT(raw, fromIntegerBits - toIntegerBits);

    /// <summary>Product of two Q values: Q(a) * Q(b) = Q(a + b), same raw arithmetic as the high multiply.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Multiply(int a, int b) => SaturatingRoundingDoublingHighMul(a, b);

    /// <summary>The raw value of 1.0 in Q(integerBits) (saturated to the maximum for Q0).</summary>
    public static int One(int integerBits) => integerBits == 0 ? int.MaxValue : 1 << (31 - integerBits);

    /// <summary>(a + b) / 2 rounded away from zero, without overflow.</summary>
    public static int RoundingHalfSum(int a, int b)
    {
        long sum = (long)a + b;
        long sign = sum >= 0 ? 1 : -1;
        return (int)((sum + sign) / 2);
    }

    /// <summary>exp(x) for x in [-1/4, 0), input and result in Q0.</summary>
    private static int ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a)
    {
        const int constantTerm = 1895147668; // exp(-1/8) in Q0
        const int constantOneThird = 715827883; // 1/3 in Q0
        int x = unchecked(a + (1 << 28)); // a + 1/8
        int x2 = Multiply(x, x);
        int x3 = Multiply(x2, x);
        int x4 = Multiply(x2, x2);
        int x4Over4 = SaturatingRoundingMultiplyByPOT(x4, -2);
        int polynomial = SaturatingRoundingMultiplyByPOT(unchecked(Multiply(unchecked(x4Over4 + x3), constantOneThird) + x2), -1);
        return unchecked(constantTerm + Multiply(constantTerm, unchecked(x + polynomial)));
    }

    /// <summary>exp(-2^k) in Q0 for k = -2 .. 4.</summary>
    private static readonly int[] ExpBarrelMultipliers = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242];

    /// <summary>exp(a) for a &lt;= 0 given in Q(integerBits); the result is in Q0. gemmlowp's exp_on_negative_values.</summary>
    public static int ExpOnNegativeValues(int a, int integerBits)
    {
        int fractionalBits = 31 - integerBits;
        int oneQuarter = 1 << (fractionalBits - 2);
        int mask = oneQuarter - 1;
        int aModQuarterMinusOneQuarter = unchecked((a & mask) - oneQuarter);
        int result = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Rescale(aModQuarterMinusOneQuarter, integerBits, 0));
        int remainder = unchecked(aModQuarterMinusOneQuarter - a);

        // Multiply in exp(-2^k) for every bit k of the remainder (a barrel shifter over powers of two).
        ReadOnlySpan<int> multipliers = ExpBarrelMultipliers;
        for (int i = 0; i < multipliers.Length; i++)
        {
            int exponent = i - 2;
            if (integerBits > exponent)
            {
                int shiftAmount = fractionalBits + exponent;
                if ((remainder & (1 << shiftAmount)) != 0) result = Multiply(result, multipliers[i]);
            }
        }

        if (integerBits > 5)
        {
            int clamp = -(1 << (36 - integerBits)); // -32.0 in Q(integerBits)
            if (a < clamp) result = 0;
        }
        if (a == 0) result = int.MaxValue; // one in Q0
        return result;
    }

    /// <summary>1 / (1 + x) for x in [0, 1), input and result in Q0 (Newton-Raphson, as gemmlowp computes it).</summary>
    public static int OneOverOnePlusXForXIn01(int a)
    {
        int halfDenominator = RoundingHalfSum(a, int.MaxValue);
        const int constant48Over17 = 1515870810; // Q2
        const int constantNeg32Over17 = -1010580540; // Q2
        int x = unchecked(constant48Over17 + Multiply(halfDenominator, constantNeg32Over17)); // Q2
        const int oneQ2 = 1 << 29;
        for (int i = 0; i < 3; i++)
        {
            int halfDenominatorTimesX = Multiply(halfDenominator, x); // Q2
            int oneMinus = unchecked(oneQ2 - halfDenominatorTimesX); // Q2
            x = unchecked(x + Rescale(Multiply(x, oneMinus), 4, 2));
        }
        // x / 2, reinterpreted from Q2 to Q1, then rescaled to Q0.
        return Rescale(x, 1, 0);
    }

    /// <summary>
    /// The reciprocal of a positive Q(integerDigits) value as a Q0 mantissa and a count of bits above one
    /// (TFLite's GetReciprocal, used by softmax to divide by the sum of exponentials).
    /// </summary>
    public static int GetReciprocal(int x, int integerDigits, out int bitsOverUnit)
    {
        int headroomPlusOne = BitOperations.LeadingZeroCount((uint)x);
        bitsOverUnit = integerDigits - headroomPlusOne;
        int shiftedSumMinusOne = unchecked((int)(((uint)x << headroomPlusOne) - (1u << 31)));
        return OneOverOnePlusXForXIn01(shiftedSumMinusOne);
    }

    /// <summary>Number of leading zero bits of a non-negative value viewed as unsigned, as TFLite's CountLeadingZeros.</summary>
    public static int CountLeadingZeros(uint x) => BitOperations.LeadingZeroCount(x);

    // TfLiteRound below is the runtime's own x64 arithmetic for MidpointRounding.AwayFromZero, written out: adding the
    // largest value below one half (with x's sign) and truncating rounds every value exactly, half away from zero.
    // Calling Math.Round with the MidpointRounding enum instead would keep enum formatting (reflection, about 70 KB)
    // in every trimmed or NativeAOT program, through the argument check on the mode.

    /// <summary>TFLite's TfLiteRound for floats: round half away from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Round(float x) => MathF.Truncate(x + MathF.CopySign(0.49999997f, x));

    /// <summary>TFLite's TfLiteRound for doubles: round half away from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Round(double x) => Math.Truncate(x + Math.CopySign(0.49999999999999994, x));

    /// <summary>
    /// float to int32 as the reference build's C++ cast behaves on x86-64: values out of range (and NaN) give int.MinValue,
    /// where .NET would saturate. Kernels that quantize arbitrary floats use it so huge inputs clamp the way TFLM's do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TruncateToInt32(float x) => x >= -2147483648f && x < 2147483648f ? (int)x : int.MinValue;

    /// <summary>double to int32 with the same x86-64 out-of-range behaviour as <see cref="TruncateToInt32(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TruncateToInt32(double x) => x > -2147483649.0 && x < 2147483648.0 ? (int)x : int.MinValue;
}
