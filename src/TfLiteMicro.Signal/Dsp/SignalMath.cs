namespace TfLiteMicro.Signal;

/// <summary>
/// The integer helpers of TFLM's signal library: bit length, integer square roots, the fixed-point
/// natural log and the PCAN gain curve. Every wrap-around and truncation follows the C code it must
/// match (unsigned 32-bit products wrap, signed intermediates are truncated to their declared width).
/// </summary>
public static class SignalMath
{
    /// <summary>Number of bits needed to hold <paramref name="x"/>; 32 for zero, as TFLM's x86 build returns.</summary>
    public static int MostSignificantBit32(uint x) => x == 0 ? 32 : 32 - System.Numerics.BitOperations.LeadingZeroCount(x);

    /// <summary>Number of bits needed to hold <paramref name="x"/>; 64 for zero, as TFLM's x86 build returns.</summary>
    public static int MostSignificantBit64(ulong x) => x == 0 ? 64 : 64 - System.Numerics.BitOperations.LeadingZeroCount(x);

    /// <summary>Rounded integer square root of a 32-bit value (bit-by-bit, rounding up when the remainder exceeds the root).</summary>
    public static ushort Sqrt32(uint num) => num == 0 ? (ushort)0 : (ushort)RoundedSqrt(num, 32 - MostSignificantBit32(num), 31, 0xFFFF);

    /// <summary>Rounded integer square root of a 64-bit value; values below 2^32 take the 32-bit path, as TFLM does.</summary>
    public static uint Sqrt64(ulong num)
        => (num >> 32) == 0 ? Sqrt32((uint)num) : (uint)RoundedSqrt(num, 64 - MostSignificantBit64(num), 63, 0xFFFFFFFF);

    /// <summary>
    /// The bit-by-bit square root of both widths: <paramref name="leadingZeros"/> of <paramref name="num"/> at the
    /// width whose top bit is <paramref name="topBit"/>, rounded up when the remainder exceeds the root unless the root
    /// is already <paramref name="largest"/>, the width's cap. Run on a 32-bit value the 64-bit sums never carry past
    /// bit 32, so both widths are exactly TFLM's.
    /// </summary>
    private static ulong RoundedSqrt(ulong num, int leadingZeros, int topBit, ulong largest)
    {
        ulong res = 0;
        int maxBitNumber = leadingZeros | 1;
        ulong bit = 1UL << (topBit - maxBitNumber);
        int iterations = (topBit - maxBitNumber) / 2 + 1;
        while (iterations-- > 0)
        {
            if (num >= res + bit)
            {
                num -= res + bit;
                res = (res >> 1) + bit;
            }
            else
            {
                res >>= 1;
            }
            bit >>= 2;
        }
        if (num > res && res != largest) ++res;
        return res;
    }

    // Correction of the linear interpolation of log2 over [1, 2), in 128 segments (scale 2^16).
    private static readonly ushort[] LogLut =
    [
        0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163,
        2329, 2490, 2646, 2797, 2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848,
        3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934,
        5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507,
        5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633,
        5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370,
        5332, 5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762,
        4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848,
        3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659,
        2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224,
        1094, 963, 830, 695, 559, 421, 282, 142, 0, 0,
    ];

    private const int LogSegmentsLog2 = 7;
    private const int LogScaleLog2 = 16;
    private const uint LogScale = 65536;
    private const ulong LogCoeff = 45426; // ln(2) in Q16

    private static uint Log2FractionPart32(uint x, uint log2x)
    {
        int frac = unchecked((int)(x - (1L << (int)log2x)));
        if (log2x < LogScaleLog2)
            frac <<= LogScaleLog2 - (int)log2x;
        else
            frac >>= (int)log2x - LogScaleLog2;
        uint baseSeg = unchecked((uint)frac) >> (LogScaleLog2 - LogSegmentsLog2);
        const uint segUnit = (1u << LogScaleLog2) >> LogSegmentsLog2;
        int c0 = LogLut[(int)baseSeg];
        int c1 = LogLut[(int)baseSeg + 1];
        int segBase = unchecked((int)(segUnit * baseSeg));
        int relPos = unchecked((c1 - c0) * (frac - segBase)) >> LogScaleLog2;
        return unchecked((uint)(frac + c0 + relPos));
    }

    /// <summary>Fixed-point natural log of <paramref name="x"/> (x &gt; 0) scaled by <paramref name="outScale"/>.</summary>
    public static uint Log32(uint x, uint outScale)
    {
        uint integer = (uint)MostSignificantBit32(x) - 1;
        uint fraction = Log2FractionPart32(x, integer);
        uint log2 = unchecked((integer << LogScaleLog2) + fraction);
        const uint round = LogScale / 2;
        uint loge = (uint)((LogCoeff * log2 + round) >> LogScaleLog2);
        return unchecked(outScale * loge + round) >> LogScaleLog2;
    }

    /// <summary>PCAN's gain: a piecewise quadratic read from <paramref name="lut"/> (3 coefficients per octave).</summary>
    public static short WideDynamicFunction(uint x, ReadOnlySpan<short> lut)
    {
        if (x <= 2) return lut[(int)x];
        int interval = MostSignificantBit32(x);
        lut = lut.Slice(4 * interval - 6);
        short frac = unchecked((short)((interval < 11 ? x << (11 - interval) : x >> (interval - 11)) & 0x3FF));
        unchecked
        {
            int result = (lut[2] * frac) >> 5;
            result += (int)((uint)lut[1] << 5);
            result *= frac;
            result = (result + (1 << 14)) >> 15;
            result += lut[0];
            return (short)result;
        }
    }

    public const int PcanSnrBits = 12;
    public const int PcanOutputBits = 6;

    /// <summary>PCAN's shrink curve: x^2/4 below 2, x - 1 above (input Q12, output Q6).</summary>
    public static uint PcanShrink(uint x)
    {
        if (x < (2u << PcanSnrBits))
            return unchecked(x * x) >> (2 + 2 * PcanSnrBits - PcanOutputBits);
        return unchecked((x >> (PcanSnrBits - PcanOutputBits)) - (1u << PcanOutputBits));
    }
}
