namespace TfLiteMicro.Quantization;

/// <summary>Packed int4 weights: two signed 4-bit values per byte, the lower nibble first (TFLite's packing).</summary>
internal static class Int4
{
    /// <summary>Expands <paramref name="destination"/>.Length values from <paramref name="packed"/> into one sbyte each.</summary>
    public static void Unpack(ReadOnlySpan<sbyte> packed, Span<sbyte> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            int b = packed[i >> 1];
            // Shift the wanted nibble to the top, then arithmetic-shift back down to sign-extend it.
            destination[i] = (sbyte)((sbyte)(b << ((i & 1) == 0 ? 4 : 0)) >> 4);
        }
    }
}
