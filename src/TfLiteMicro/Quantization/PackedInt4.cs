namespace TfLiteMicro.Quantization;

/// <summary>Signed 4-bit values packed two to a byte (TensorType.Int4), the low nibble holding the earlier element.</summary>
internal static class PackedInt4
{
    /// <summary>Sign-extends <paramref name="count"/> packed values from <paramref name="packed"/> into <paramref name="destination"/>.</summary>
    public static void Unpack(ReadOnlySpan<byte> packed, int count, Span<sbyte> destination)
    {
        if (packed.Length < (count + 1) / 2)
            throw new ArgumentException($"{count} int4 values need {(count + 1) / 2} bytes, {packed.Length} given", nameof(packed));
        if (destination.Length < count)
            throw new ArgumentException($"destination holds {destination.Length} values, {count} needed", nameof(destination));
        for (int i = 0; i < count; i++)
        {
            int b = (sbyte)packed[i >> 1];
            // Shift the wanted nibble to the top, then arithmetic-shift back to sign-extend it.
            destination[i] = (sbyte)((i & 1) == 0 ? (sbyte)(b << 4) >> 4 : b >> 4);
        }
    }
}
