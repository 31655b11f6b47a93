using System.Numerics;
using System.Runtime.CompilerServices;

namespace TfLiteMicro.Quantization;

/// <summary>
/// Fixed-point transcendental functions and helpers built on <see cref="FixedPoint"/>: gemmlowp's logistic and tanh
/// (used by the int8 activations), TFLite's log for log-softmax and its inverse square root for L2 normalization and
/// rsqrt. Raw int32 values in Q(i) format as in <see cref="FixedPoint"/>.
/// </summary>
internal static class FixedPointMath
{
    /// <summary>Leading redundant sign bits of <paramref name="x"/> (31 for zero), as TFLite's CountLeadingSignBits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int CountLeadingSignBits(int x) => BitOperations.LeadingZeroCount((uint)(x ^ (x >> 31))) - 1;

    /// <summary>a + b clamped to the int32 range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturatingAdd(int a, int b) => (int)Math.Clamp((long)a + b, int.MinValue, int.MaxValue);

    /// <summary>a - b clamped to the int32 range.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturatingSub(int a, int b) => (int)Math.Clamp((long)a - b, int.MinValue, int.MaxValue);

    /// <summary>1 / (1 + exp(-x)) for x in Q(integerBits); the result in Q0.</summary>
    public static int Logistic(int a, int integerBits)
    {
        if (a == 0) return 1 << 30; // one half in Q0
        int absolute = a > 0 ? a : unchecked(-a);
        int positive = FixedPoint.OneOverOnePlusXForXIn01(FixedPoint.ExpOnNegativeValues(unchecked(-absolute), integerBits));
        return a > 0 ? positive : unchecked(int.MaxValue - positive);
    }

    /// <summary>tanh(x) for x in Q(integerBits); the result in Q0.</summary>
    public static int Tanh(int a, int integerBits)
    {
        if (a == 0) return 0;
        int negativeAbs = a < 0 ? a : unchecked(-a);
        // tanh(x) = (1 - exp(-2|x|)) / (1 + exp(-2|x|)). Doubling is exact: the same raw value read with one more
        // integer bit. Doubling the raw value instead would wrap for |x| beyond half the format's range.
        int t = OneMinusXOverOnePlusXForXIn01(FixedPoint.ExpOnNegativeValues(negativeAbs, integerBits + 1));
        return a < 0 ? unchecked(-t) : t;
    }

    /// <summary>(1 - x) / (1 + x) for x in [0, 1), input and result in Q0 (gemmlowp's Newton-Raphson division).</summary>
    public static int OneMinusXOverOnePlusXForXIn01(int a)
    {
        int halfDenominator = FixedPoint.RoundingHalfSum(a, int.MaxValue);
        const int constant48Over17 = 1515870810; // Q2
        const int constantNeg32Over17 = -1010580540; // Q2
        int x = unchecked(constant48Over17 + FixedPoint.Multiply(halfDenominator, constantNeg32Over17));
        const int oneQ2 = 1 << 29;
        for (int i = 0; i < 3; i++)
        {
            int halfDenominatorTimesX = FixedPoint.Multiply(halfDenominator, x);
            int oneMinus = unchecked(oneQ2 - halfDenominatorTimesX);
            x = unchecked(x + FixedPoint.Rescale(FixedPoint.Multiply(x, oneMinus), 4, 2));
        }
        return FixedPoint.Rescale(unchecked(x - oneQ2), 2, 0);
    }

    /// <summary>
    /// log(x) for x &gt;= 1 given in Q(inputIntegerBits); the result in Q(outputIntegerBits). TFLite's
    /// log_x_for_x_greater_than_or_equal_to_1, used by int8 log-softmax.
    /// </summary>
    public static int LogXForXGreaterThanOrEqualTo1(int input, int inputIntegerBits, int outputIntegerBits)
    {
        int accumIntegerBits = outputIntegerBits + 1;
        const int log2 = 1488522236;
        const int sqrtSqrtHalf = 1805811301;
        const int sqrtHalf = 1518500250;
        const int oneQuarter = 536870912;
        const int alphaN = 117049297;
        const int alphaD = 127690142;
        const int alphaI = 1057819769;
        const int alphaF = 638450708;

        int shiftedQuarter = FixedPoint.Rescale(oneQuarter, 0, accumIntegerBits);

        int zA = input;
        int zAHeadroomPlus1 = BitOperations.LeadingZeroCount((uint)zA);
        int rATmp = FixedPoint.SaturatingRoundingMultiplyByPOT(zA, zAHeadroomPlus1 - 1);
        int rARaw = FixedPoint.SaturatingRoundingMultiplyByPOT(FixedPoint.Multiply(rATmp, sqrtHalf), 1);
        int zAPow2Adj = SaturatingAdd(
            FixedPoint.SaturatingRoundingMultiplyByPOT(inputIntegerBits - zAHeadroomPlus1, 31 - accumIntegerBits),
            shiftedQuarter);

        int zB = FixedPoint.Multiply(zA, sqrtHalf);
        int zBHeadroom = BitOperations.LeadingZeroCount((uint)zB) - 1;
        int rBRaw = FixedPoint.SaturatingRoundingMultiplyByPOT(zA, zBHeadroom);
        int zBPow2Adj = SaturatingSub(
            FixedPoint.SaturatingRoundingMultiplyByPOT(inputIntegerBits - zBHeadroom, 31 - accumIntegerBits),
            shiftedQuarter);

        int r = Math.Min(rARaw, rBRaw);
        int zPow2Adj = Math.Max(zAPow2Adj, zBPow2Adj);

        int p = FixedPoint.RoundingHalfSum(r, sqrtSqrtHalf);
        int q = unchecked(r - sqrtSqrtHalf);
        q = unchecked(q + q);

        int commonSq = FixedPoint.Multiply(q, q);
        int num = unchecked(FixedPoint.Multiply(q, r) + FixedPoint.Multiply(FixedPoint.Multiply(q, commonSq), alphaN));
        int denomMinusOne = unchecked(
            FixedPoint.Multiply(p, unchecked(alphaI + q + FixedPoint.Multiply(alphaD, commonSq)))
            + FixedPoint.Multiply(alphaF, q));
        int recipDenom = FixedPoint.OneOverOnePlusXForXIn01(denomMinusOne);

        int numScaled = FixedPoint.Rescale(num, 0, accumIntegerBits);
        int sum = unchecked(FixedPoint.Multiply(zPow2Adj, log2) + FixedPoint.Multiply(numScaled, recipDenom));
        return FixedPoint.Rescale(sum, accumIntegerBits, outputIntegerBits);
    }

    /// <summary>
    /// 1 / sqrt(input) as a Q31 multiplier and a shift (TFLite's GetInvSqrtQuantizedMultiplierExp);
    /// <paramref name="reverseShift"/> of -1 returns the shift as a left shift for <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/>.
    /// </summary>
    public static (int Multiplier, int Shift) InvSqrtQuantizedMultiplierExp(int input, int reverseShift)
    {
        if (input <= 1) return (int.MaxValue, 0);
        int shift = 11;
        while (input >= (1 << 29))
        {
            input /= 4;
            shift++;
        }
        int maxLeftShiftBits = BitOperations.LeadingZeroCount((uint)input) - 1;
        int leftShiftBitPairs = maxLeftShiftBits / 2 - 1;
        shift -= leftShiftBitPairs;
        input <<= 2 * leftShiftBitPairs;

        const int halfThree = (1 << 28) + (1 << 27); // 1.5 in Q3
        int fixedInput = input >> 1; // Q3
        int halfInput = FixedPoint.SaturatingRoundingMultiplyByPOT(fixedInput, -1);
        int x = 1 << 28; // one in Q3
        for (int i = 0; i < 5; i++)
        {
            int x3 = FixedPoint.Rescale(FixedPoint.Multiply(FixedPoint.Multiply(x, x), x), 9, 3);
            x = FixedPoint.Rescale(unchecked(FixedPoint.Multiply(halfThree, x) - FixedPoint.Multiply(halfInput, x3)), 6, 3);
        }
        const int halfSqrt2 = 1518500250; // sqrt(2) / 2 in Q0
        int result = FixedPoint.Multiply(x, halfSqrt2);
        if (shift < 0)
        {
            result <<= -shift;
            shift = 0;
        }
        return (result, shift * reverseShift);
    }

    /// <summary>Rounds a Q31 multiplier to Q15, saturating at the largest int16 (TFLite's DownScaleInt32ToInt16Multiplier).</summary>
    public static short DownScaleInt32ToInt16Multiplier(int multiplier)
    {
        if (multiplier >= 32767 << 16) return short.MaxValue;
        return (short)((multiplier + (1 << 15)) >> 16);
    }
}
