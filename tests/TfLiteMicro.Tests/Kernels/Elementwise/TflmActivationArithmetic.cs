using System.Numerics;

namespace TfLiteMicro.Tests.Kernels.Elementwise;

/// <summary>
/// TFLM's integer arithmetic for ELU, HARD_SWISH, LEAKY_RELU, LOG_SOFTMAX and SOFTMAX, written for the sweep tests from
/// TFLM's micro kernels (their Prepare), tensorflow/lite/kernels/internal (reference/*.h, common.h,
/// quantization_util.cc) and gemmlowp's fixedpoint.h, in TFLM's default double-rounding build. It uses nothing of the
/// product's Quantization or Kernels code, so a sweep compares the product with TFLM and never with itself.
/// </summary>
internal static class TflmActivationArithmetic
{
    // ---- gemmlowp scalar primitives (int32 raw values; Q(i) has i integer bits) ----

    public static int Srdhm(int a, int b)
    {
        if (a == b && a == int.MinValue) return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
        return (int)((ab + nudge) / (1L << 31));
    }

    public static int Rdbpot(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    public static short Srdhm16(short a, short b)
    {
        if (a == b && a == short.MinValue) return short.MaxValue;
        int ab = a * b;
        int nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
        return (short)((ab + nudge) / (1 << 15));
    }

    public static short Rdbpot16(short x, int exponent)
    {
        short mask = (short)((1 << exponent) - 1);
        short remainder = (short)(x & mask);
        short threshold = (short)((mask >> 1) + (x < 0 ? 1 : 0));
        return (short)((x >> exponent) + (remainder > threshold ? 1 : 0));
    }

    /// <summary>x * 2^exponent: saturating for a positive exponent, rounding for a negative one.</summary>
    public static int Srmbpot(int x, int exponent)
    {
        if (exponent == 0) return x;
        if (exponent < 0) return Rdbpot(x, -exponent);
        int threshold = (int)((1L << (31 - exponent)) - 1);
        if (x > threshold) return int.MaxValue;
        if (x < -threshold) return int.MinValue;
        return x << exponent;
    }

    private static int Rescale(int raw, int fromIntegerBits, int toIntegerBits) => Srmbpot(raw, fromIntegerBits - toIntegerBits);

    private static int RoundingHalfSum(int a, int b)
    {
        long sum = (long)a + b;
        return (int)((sum + (sum >= 0 ? 1 : -1)) / 2);
    }

    private static int SaturatingAdd(int a, int b) => (int)Math.Clamp((long)a + b, int.MinValue, int.MaxValue);

    private static int SaturatingSub(int a, int b) => (int)Math.Clamp((long)a - b, int.MinValue, int.MaxValue);

    private static int Clz(int x) => BitOperations.LeadingZeroCount((uint)x);

    // ---- quantization_util.cc ----

    public static (int Multiplier, int Shift) QuantizeMultiplier(double value)
    {
        if (value == 0) return (0, 0);
        // frexp: value = q * 2^shift with |q| in [0.5, 1).
        int shift = Math.ILogB(value) + 1;
        double q = Math.ScaleB(value, -shift);
        long fixedQ = (long)Math.Round(q * (1L << 31), MidpointRounding.AwayFromZero);
        if (fixedQ == 1L << 31)
        {
            fixedQ /= 2;
            shift++;
        }
        if (shift < -31) return (0, 0);
        return ((int)fixedQ, shift);
    }

    public static int MultiplyByQuantizedMultiplier(int x, int multiplier, int shift)
    {
        int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
        return Rdbpot(Srdhm(unchecked(x * (1 << left)), multiplier), right);
    }

    private static (int Multiplier, int LeftShift) SoftmaxScaling(double beta, double inputScale, int inputIntegerBits)
        => QuantizeMultiplier(Math.Min(beta * inputScale * (1 << (31 - inputIntegerBits)), (1L << 31) - 1.0));

    private static int InputRadius(int inputIntegerBits, int leftShift)
        => (int)Math.Floor(1.0 * ((1 << inputIntegerBits) - 1) * (1L << (31 - inputIntegerBits)) / (1L << leftShift));

    private static short DownScaleToInt16(int multiplier)
        => multiplier >= int.MaxValue - (1 << 15) ? short.MaxValue : (short)((multiplier + (1 << 15)) >> 16);

    // ---- gemmlowp's exp, reciprocal and TFLite's log ----

    private static int ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a)
    {
        const int constantTerm = 1895147668, oneThird = 715827883;
        int x = a + (1 << 28);
        int x2 = Srdhm(x, x), x3 = Srdhm(x2, x), x4 = Srdhm(x2, x2);
        int x4Over4 = Srmbpot(x4, -2);
        int poly = Srmbpot(Srdhm(x4Over4 + x3, oneThird) + x2, -1);
        return constantTerm + Srdhm(constantTerm, x + poly);
    }

    /// <summary>exp(a) for a &lt;= 0 in Q5.26, the result in Q0.31.</summary>
    public static int ExpOnNegativeValuesQ5(int a)
    {
        const int fractionalBits = 26;
        const int oneQuarter = 1 << (fractionalBits - 2);
        int aModQuarterMinusQuarter = (a & (oneQuarter - 1)) - oneQuarter;
        int result = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(Rescale(aModQuarterMinusQuarter, 5, 0));
        int remainder = aModQuarterMinusQuarter - a;
        ReadOnlySpan<int> multipliers = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242];
        for (int exponent = -2; exponent <= 4; exponent++)
            if ((remainder & (1 << (fractionalBits + exponent))) != 0) result = Srdhm(result, multipliers[exponent + 2]);
        return a == 0 ? int.MaxValue : result;
    }

    private static int OneOverOnePlusXForXIn01(int a)
    {
        int halfDenominator = RoundingHalfSum(a, int.MaxValue);
        int x = 1515870810 + Srdhm(halfDenominator, -1010580540);
        for (int i = 0; i < 3; i++)
        {
            int oneMinusHalfDenominatorTimesX = (1 << 29) - Srdhm(halfDenominator, x);
            x += Rescale(Srdhm(x, oneMinusHalfDenominatorTimesX), 4, 2);
        }
        return Rescale(x, 1, 0);
    }

    private static int Reciprocal(int x, int integerBits, out int bitsOverUnit)
    {
        int headroomPlusOne = Clz(x);
        bitsOverUnit = integerBits - headroomPlusOne;
        int shiftedMinusOne = unchecked((int)(((uint)x << headroomPlusOne) - (1u << 31)));
        return OneOverOnePlusXForXIn01(shiftedMinusOne);
    }

    /// <summary>log(x) for x &gt;= 1 in Q12.19, the result in Q5.26.</summary>
    private static int LogQ12ToQ5(int input)
    {
        const int inputBits = 12, accumBits = 6;
        const int log2 = 1488522236, sqrtSqrtHalf = 1805811301, sqrtHalf = 1518500250, oneQuarter = 536870912;
        const int alphaN = 117049297, alphaD = 127690142, alphaI = 1057819769, alphaF = 638450708;
        int shiftedQuarter = Rescale(oneQuarter, 0, accumBits);

        int zA = input;
        int zAHeadroomPlus1 = Clz(zA);
        int rATmp = Srmbpot(zA, zAHeadroomPlus1 - 1);
        int rARaw = Srmbpot(Srdhm(rATmp, sqrtHalf), 1);
        int zAPow2Adj = SaturatingAdd(Srmbpot(inputBits - zAHeadroomPlus1, 31 - accumBits), shiftedQuarter);

        int zB = Srdhm(zA, sqrtHalf);
        int zBHeadroom = Clz(zB) - 1;
        int rBRaw = Srmbpot(zA, zBHeadroom);
        int zBPow2Adj = SaturatingSub(Srmbpot(inputBits - zBHeadroom, 31 - accumBits), shiftedQuarter);

        int r = Math.Min(rARaw, rBRaw);
        int zPow2Adj = Math.Max(zAPow2Adj, zBPow2Adj);

        int p = RoundingHalfSum(r, sqrtSqrtHalf);
        int q = r - sqrtSqrtHalf;
        q += q;
        int commonSq = Srdhm(q, q);
        int num = Srdhm(q, r) + Srdhm(Srdhm(q, commonSq), alphaN);
        int denomMinusOne = Srdhm(p, alphaI + q + Srdhm(alphaD, commonSq)) + Srdhm(alphaF, q);
        int recipDenom = OneOverOnePlusXForXIn01(denomMinusOne);
        int numScaled = Rescale(num, 0, accumBits);
        return Rescale(Srdhm(zPow2Adj, log2) + Srdhm(numScaled, recipDenom), accumBits, 5);
    }

    // ---- the operators ----

    /// <summary>elu.cc: a 256-entry table built in float.</summary>
    public static sbyte[] EluInt8(sbyte[] input, float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        var table = new sbyte[256];
        float inverseScale = 1 / outputScale;
        for (int value = -128; value <= 127; value++)
        {
            float dequantized = inputScale * (value - inputZeroPoint);
            float transformed = dequantized < 0.0f ? MathF.Exp(dequantized) - 1.0f : dequantized;
            float rescaled = MathF.Round(transformed * inverseScale, MidpointRounding.AwayFromZero);
            int quantized = (int)(rescaled + outputZeroPoint);
            table[(byte)(sbyte)value] = (sbyte)Math.Max(Math.Min(127, quantized), -128);
        }
        return [.. input.Select(x => table[(byte)x])];
    }

    /// <summary>hard_swish.cc's Prepare and reference_ops::HardSwish.</summary>
    public static sbyte[] HardSwishInt8(sbyte[] input, float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        float hiresInputScale = (1.0f / 128.0f) * inputScale;
        const float reluishScale = 3.0f / 32768.0f;
        (int outputMultiplier32, int outputExponent) = QuantizeMultiplier(hiresInputScale / outputScale);
        (int reluishMultiplier32, int reluishExponent) = QuantizeMultiplier(hiresInputScale / reluishScale);
        short outputMultiplier = DownScaleToInt16(outputMultiplier32), reluishMultiplier = DownScaleToInt16(reluishMultiplier32);
        if (outputExponent > 0) throw new ArgumentException("TFLM rejects this scale pair");

        static short SaturatingLeftShift(short value, int amount) => (short)Math.Clamp((long)value * (1 << amount), short.MinValue, short.MaxValue);
        static short DoublingHighMulTruncating(short a, short b)
            => a == b && a == short.MinValue ? short.MaxValue : (short)(a * b / (1 << 15));

        var output = new sbyte[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            short inputValue = (short)(input[i] - inputZeroPoint);
            short hires = (short)(inputValue * (1 << 7));
            short preshiftOutput = Srdhm16(hires, outputMultiplier);
            short reluish = hires;
            if (reluishExponent > 0) reluish = SaturatingLeftShift(reluish, reluishExponent - 1);
            reluish = Srdhm16(reluish, reluishMultiplier);
            if (reluishExponent > 0) reluish = SaturatingLeftShift(reluish, 1);
            if (reluishExponent < 0) reluish = Rdbpot16(reluish, -reluishExponent);
            reluish = (short)((reluish + (1 << 15)) >> 1);
            short preshift = DoublingHighMulTruncating(reluish, preshiftOutput);
            short value = Rdbpot16(preshift, -outputExponent);
            value = (short)(value + outputZeroPoint);
            value = Math.Min(value, (short)127);
            value = Math.Max(value, (short)-128);
            output[i] = (sbyte)value;
        }
        return output;
    }

    /// <summary>leaky_relu_common.cc's Prepare and reference_ops::QuantizeLeakyRelu, for int8 or int16 values as ints.</summary>
    public static int[] LeakyRelu(int[] input, float alpha, float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, int min, int max)
    {
        (int alphaMultiplier, int alphaShift) = QuantizeMultiplier(inputScale * alpha / outputScale);
        (int identityMultiplier, int identityShift) = QuantizeMultiplier(inputScale / outputScale);
        bool negativeAlpha = alphaMultiplier < 0;
        int safeAlpha = negativeAlpha ? -alphaMultiplier : alphaMultiplier;
        var output = new int[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            int value = input[i] - inputZeroPoint;
            int result = outputZeroPoint;
            if (value >= 0)
            {
                result += MultiplyByQuantizedMultiplier(value, identityMultiplier, identityShift);
            }
            else
            {
                int scaled = MultiplyByQuantizedMultiplier(value, safeAlpha, alphaShift);
                result += negativeAlpha ? -scaled : scaled;
            }
            output[i] = Math.Min(max, Math.Max(min, result));
        }
        return output;
    }

    /// <summary>
    /// The row's maximum and the Q12 sum of exp over the differences from it not below <paramref name="diffMin"/>, each
    /// rescaled into Q5.26 as the caller's kernel does (SOFTMAX and LOG_SOFTMAX call different, here equal, functions).
    /// </summary>
    private static int SumOfExpsQ12(ReadOnlySpan<sbyte> row, int diffMin, Func<int, int> toQ5, out int max)
    {
        max = sbyte.MinValue;
        foreach (sbyte v in row) max = Math.Max(max, v);
        int sum = 0;
        foreach (sbyte v in row)
        {
            int diff = v - max;
            if (diff >= diffMin) sum += Rescale(ExpOnNegativeValuesQ5(toQ5(diff)), 0, 12);
        }
        return sum;
    }

    /// <summary>softmax_common.cc's Prepare and reference_ops::Softmax for int8 input, int8 or int16 output (as ints).</summary>
    public static int[] SoftmaxInt8(sbyte[] input, int depth, float inputScale, float beta, int outputBits)
    {
        (int multiplier, int leftShift) = SoftmaxScaling(beta, inputScale, 5);
        int diffMin = -InputRadius(5, leftShift);
        int outMin = outputBits == 8 ? sbyte.MinValue : short.MinValue, outMax = outputBits == 8 ? sbyte.MaxValue : short.MaxValue;
        var output = new int[input.Length];
        for (int row = 0; row < input.Length / depth; row++)
        {
            ReadOnlySpan<sbyte> x = input.AsSpan(row * depth, depth);
            int sumOfExps = SumOfExpsQ12(x, diffMin, diff => Srdhm(diff * (1 << leftShift), multiplier), out int max);
            int shiftedScale = Reciprocal(sumOfExps, 12, out int bitsOverUnit);
            int exponent = bitsOverUnit + 31 - outputBits;
            for (int c = 0; c < depth; c++)
            {
                int diff = x[c] - max;
                if (diff >= diffMin)
                {
                    int expQ0 = ExpOnNegativeValuesQ5(Srdhm(diff * (1 << leftShift), multiplier));
                    int unsaturated = Rdbpot(Srdhm(shiftedScale, expQ0), exponent);
                    output[row * depth + c] = Math.Max(Math.Min(unsaturated + outMin, outMax), outMin);
                }
                else
                {
                    output[row * depth + c] = outMin;
                }
            }
        }
        return output;
    }

    /// <summary>log_softmax.cc's Prepare and reference_ops::LogSoftmaxQuantized for int8.</summary>
    public static sbyte[] LogSoftmaxInt8(sbyte[] input, int depth, float inputScale)
    {
        (int multiplier, int leftShift) = SoftmaxScaling(1.0, inputScale, 5);
        (int reverseDivisor, int reverseShift) = QuantizeMultiplier((1 << (31 - leftShift)) / (double)multiplier);
        int diffMin = -InputRadius(5, leftShift);
        var output = new sbyte[input.Length];
        for (int row = 0; row < input.Length / depth; row++)
        {
            ReadOnlySpan<sbyte> x = input.AsSpan(row * depth, depth);
            int sumOfExps = SumOfExpsQ12(x, diffMin, diff => MultiplyByQuantizedMultiplier(diff, multiplier, leftShift), out int max);
            int logSumQ5 = LogQ12ToQ5(sumOfExps);
            int adjustedDiffMin = Math.Max(diffMin - 1, MultiplyByQuantizedMultiplier(logSumQ5 + int.MinValue, reverseDivisor, reverseShift));
            for (int c = 0; c < depth; c++)
            {
                int diff = x[c] - max;
                if (diff > adjustedDiffMin)
                {
                    int diffQ5 = MultiplyByQuantizedMultiplier(diff, multiplier, leftShift);
                    int value = Rdbpot(diffQ5 - logSumQ5, 31 - 5 - 4) + 127;
                    output[row * depth + c] = (sbyte)Math.Max(Math.Min(value, 127), -128);
                }
                else
                {
                    output[row * depth + c] = sbyte.MinValue;
                }
            }
        }
        return output;
    }

    /// <summary>common.h's LUTPopulateInt16 in float.</summary>
    private static short[] Int16Table(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, Func<float, float> transform)
    {
        var table = new short[513];
        float inputMin = inputScale * (short.MinValue - inputZeroPoint);
        float inputMax = inputScale * (short.MaxValue - inputZeroPoint);
        float outputMin = outputScale * (short.MinValue - outputZeroPoint);
        float outputMax = outputScale * (short.MaxValue - outputZeroPoint);
        const int steps = 512;
        float step = (inputMax - inputMin) / steps;
        float halfStep = step / 2;
        float outputScalingInverse = (float)(short.MaxValue - short.MinValue + 1) / (outputMax - outputMin);
        static float Round(float x) => MathF.Round(x, MidpointRounding.AwayFromZero);
        for (int i = 0; i < steps; i++)
        {
            float value = transform(inputMin + i * step);
            float midpoint = transform(inputMin + i * step + halfStep);
            float next = transform(inputMin + (i + 1) * step);
            float sample = Round(value * outputScalingInverse);
            float midpointInterpolated = Round((next * outputScalingInverse + Round(value * outputScalingInverse)) / 2);
            float midpointValue = Round(midpoint * outputScalingInverse);
            float bias = Round((midpointInterpolated - midpointValue) / 2);
            table[i] = (short)Math.Min(Math.Max(sample - bias, (float)short.MinValue), (float)short.MaxValue);
        }
        table[steps] = (short)Math.Min(Math.Max(Round(transform(inputMax) * outputScalingInverse), (float)short.MinValue), (float)short.MaxValue);
        return table;
    }

    private static short Lookup(short value, short[] table)
    {
        int index = 256 + (value >> 7);
        short offset = (short)(value & 0x7f);
        short slope = (short)(table[index + 1] - table[index]);
        int delta = (slope * offset + 64) >> 7;
        return (short)(table[index] + delta);
    }

    /// <summary>softmax_common.cc's Prepare (tables, multiplier) and reference_ops::SoftmaxInt16.</summary>
    public static short[] SoftmaxInt16(short[] input, int depth, float inputScale, float beta)
    {
        const int range = short.MaxValue - short.MinValue;
        short[] expTable = Int16Table(10.0f / range, short.MaxValue, 2.0f / range, 0, static v => MathF.Exp(v));
        short[] reciprocalTable = Int16Table(1.0f / range, short.MinValue, 2.0f / range, 0, static v => 1.0f / (1.0f + v));
        (int multiplier, int shift) = QuantizeMultiplier((double)inputScale * beta / (10.0 / 65535.0));
        var output = new short[input.Length];
        for (int row = 0; row < input.Length / depth; row++)
        {
            ReadOnlySpan<short> x = input.AsSpan(row * depth, depth);
            short max = short.MinValue;
            foreach (short v in x) max = Math.Max(max, v);
            var exps = new short[depth];
            int sum = 0;
            for (int c = 0; c < depth; c++)
            {
                int scaled = MultiplyByQuantizedMultiplier(x[c] - max, multiplier, shift);
                exps[c] = Lookup((short)Math.Min(Math.Max(scaled + 32767, -32768), 32767), expTable);
                sum += exps[c];
            }
            int headroomPlusOne = Clz(sum);
            int shiftedSum = (int)((((long)sum << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
            short symmetricSum = (short)Math.Min(Math.Max(shiftedSum - ((1 << 15) + (1 << 16)), -32768), 32767);
            short reciprocal = Lookup(symmetricSum, reciprocalTable);
            int rightShift = 31 - headroomPlusOne;
            long round = 1L << (rightShift - 1);
            for (int c = 0; c < depth; c++)
            {
                int result = (int)(((long)exps[c] * reciprocal + round) >> rightShift);
                output[row * depth + c] = (short)Math.Min(Math.Max(result, 0), 32767);
            }
        }
        return output;
    }
}
