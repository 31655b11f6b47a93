namespace System.Numerics;

/// <summary>The bit counts the fixed-point arithmetic and the decoders need, for netstandard2.1 (which lacks this class).</summary>
internal static class BitOperations
{
    /// <summary>Leading zero bits of <paramref name="value"/> (32 for zero).</summary>
    public static int LeadingZeroCount(uint value)
    {
        if (value == 0) return 32;
        int count = 0;
        if ((value & 0xFFFF0000u) == 0) { count += 16; value <<= 16; }
        if ((value & 0xFF000000u) == 0) { count += 8; value <<= 8; }
        if ((value & 0xF0000000u) == 0) { count += 4; value <<= 4; }
        if ((value & 0xC0000000u) == 0) { count += 2; value <<= 2; }
        if ((value & 0x80000000u) == 0) count += 1;
        return count;
    }

    /// <summary>Leading zero bits of <paramref name="value"/> (64 for zero).</summary>
    public static int LeadingZeroCount(ulong value)
    {
        uint high = (uint)(value >> 32);
        return high != 0 ? LeadingZeroCount(high) : 32 + LeadingZeroCount((uint)value);
    }

    /// <summary>The number of set bits in <paramref name="value"/>.</summary>
    public static int PopCount(uint value)
    {
        value -= (value >> 1) & 0x55555555u;
        value = (value & 0x33333333u) + ((value >> 2) & 0x33333333u);
        return (int)((((value + (value >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24);
    }
}
