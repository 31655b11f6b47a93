using System.Buffers.Binary;

namespace TfLiteMicro.Fuzz;

/// <summary>
/// Corrupts a copy of a model the way a hostile file might: bit flips, boundary integers written over the
/// FlatBuffer's offsets, lengths and shape fields, special floats over scales and constants, vtable entries,
/// truncation, and a slice of the model copied over another part. The same (seed model, random state) always
/// gives the same mutant, so a campaign's parent can rebuild what its worker ran.
/// </summary>
internal static class Mutator
{
    private static readonly int[] BoundaryIntegers =
    [
        0, 1, 2, -1, -2, 3, 4, 7, 8, 16, 255, 256, 32767, 32768, 65535, 65536, 0x7FFFFFFF, unchecked((int)0x80000000),
        0x7FFFFFFE, 0x40000000, 0x3FFFFFFF, 0x10000001, 0x20000000, 0x01000000, -640, -128, 127, 128,
    ];

    private static readonly float[] SpecialFloats =
    [
        float.PositiveInfinity, float.NegativeInfinity, float.NaN, 0f, -0f, float.Epsilon, float.MaxValue, -1f, 1e-30f, 1e30f,
    ];

    public static byte[] Mutate(byte[] original, Random random, out string how)
    {
        byte[] bytes = (byte[])original.Clone();
        int rounds = random.Next(8) == 0 ? random.Next(2, 5) : 1;
        var parts = new List<string>();
        for (int r = 0; r < rounds && bytes.Length >= 8; r++)
        {
            bytes = MutateOnce(bytes, random, out string part);
            parts.Add(part);
        }
        how = string.Join("; ", parts);
        return bytes;
    }

    private static byte[] MutateOnce(byte[] bytes, Random random, out string how)
    {
        switch (random.Next(10))
        {
            case 0:
            {
                int flips = random.Next(1, 9);
                for (int k = 0; k < flips; k++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                how = $"{flips} bit flips";
                return bytes;
            }
            case 1:
            case 2:
            {
                // A small aligned integer is most likely an offset, a length, a shape dimension, an index or an option.
                int at = PickWord(bytes, random, preferSmall: true);
                int old = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
                int value = random.Next(4) switch
                {
                    0 => old + random.Next(-3, 4),
                    1 => old * (1 << random.Next(1, 20)),
                    2 => bytes.Length - at + random.Next(-8, 9),
                    _ => BoundaryIntegers[random.Next(BoundaryIntegers.Length)],
                };
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), value);
                how = $"word at {at}: {old} -> {value}";
                return bytes;
            }
            case 3:
            {
                int at = PickWord(bytes, random, preferSmall: false);
                int value = BoundaryIntegers[random.Next(BoundaryIntegers.Length)];
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), value);
                how = $"word at {at} = {value}";
                return bytes;
            }
            case 4:
            {
                // Scales, float constants and float options.
                int at = random.Next(bytes.Length / 4) * 4;
                float value = SpecialFloats[random.Next(SpecialFloats.Length)];
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(at), value);
                how = $"float at {at} = {value}";
                return bytes;
            }
            case 5:
            {
                // A vtable entry (field offset, vtable or object size) or a 16-bit value.
                int at = random.Next(bytes.Length / 2) * 2;
                ushort[] values = [0, 2, 4, 6, 0xFFFF, 0x7FFF, 0x8000, (ushort)random.Next(65536)];
                ushort value = values[random.Next(values.Length)];
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), value);
                how = $"half-word at {at} = {value}";
                return bytes;
            }
            case 6:
            {
                int at = random.Next(bytes.Length);
                byte[] extremes = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE];
                bytes[at] = extremes[random.Next(extremes.Length)];
                how = $"byte {at} = {bytes[at]}";
                return bytes;
            }
            case 7:
            {
                int length = random.Next(bytes.Length);
                how = $"truncated to {length} bytes";
                return bytes.AsSpan(0, length).ToArray();
            }
            case 8:
            {
                // A slice of the model copied over another place (a table, vector or vtable duplicated).
                int length = Math.Min(bytes.Length / 2, random.Next(4, 257)) & ~3;
                int from = random.Next(bytes.Length - length) & ~3;
                int to = random.Next(bytes.Length - length) & ~3;
                bytes.AsSpan(from, length).ToArray().CopyTo(bytes.AsSpan(to));
                how = $"{length} bytes from {from} copied to {to}";
                return bytes;
            }
            default:
            {
                int at = random.Next(bytes.Length);
                int length = Math.Min(bytes.Length - at, random.Next(1, 33));
                random.NextBytes(bytes.AsSpan(at, length));
                how = $"{length} random bytes at {at}";
                return bytes;
            }
        }
    }

    /// <summary>A 4-byte aligned position; with <paramref name="preferSmall"/>, one whose value is a small non-negative integer when a few tries find one.</summary>
    private static int PickWord(byte[] bytes, Random random, bool preferSmall)
    {
        int words = bytes.Length / 4;
        int at = random.Next(words) * 4;
        if (!preferSmall) return at;
        for (int attempt = 0; attempt < 16; attempt++)
        {
            int candidate = random.Next(words) * 4;
            int value = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(candidate));
            if (value is > 0 and < 4096) return candidate;
        }
        return at;
    }
}
