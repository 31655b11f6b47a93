using System.Buffers.Binary;
using System.Text;

namespace TfLiteMicro.Tests.Support;

/// <summary>
/// Deliberate damage to a model's bytes, for the tests of how malformed models are rejected. Models themselves are
/// written with <see cref="Modeling.ModelBuilder"/> (or taken from the shared folder); this only edits them in place.
/// </summary>
public static class ModelBytes
{
    public static void WriteInt32(byte[] model, int at, int value) => BinaryPrimitives.WriteInt32LittleEndian(model.AsSpan(at), value);

    public static void WriteUInt32(byte[] model, int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(model.AsSpan(at), value);

    /// <summary>The first 4-byte-aligned position at or after <paramref name="from"/> holding <paramref name="value"/>.</summary>
    public static int FindUInt32(byte[] model, int from, uint value)
    {
        for (int i = from; i + 4 <= model.Length; i += 4)
            if (BinaryPrimitives.ReadUInt32LittleEndian(model.AsSpan(i)) == value) return i;
        throw new InvalidOperationException($"the model holds no {value} after byte {from}");
    }

    /// <summary>Renames the first occurrence of <paramref name="from"/> to <paramref name="to"/> (same length, so the FlatBuffer stays valid).</summary>
    public static void ReplaceText(byte[] model, string from, string to)
    {
        if (from.Length != to.Length) throw new ArgumentException("a rename keeps the length", nameof(to));
        int at = model.AsSpan().IndexOf(Encoding.ASCII.GetBytes(from));
        if (at < 0) throw new InvalidOperationException($"the model does not contain '{from}'");
        Encoding.ASCII.GetBytes(to).CopyTo(model, at);
    }

    /// <summary>
    /// One random corruption of a copy of <paramref name="original"/>: bit flips, an overwritten byte, a truncation, a
    /// forged 32-bit offset or length, a forged 16-bit vtable entry, or a run of random bytes.
    /// </summary>
    public static byte[] Mutate(byte[] original, Random random, out string how)
    {
        byte[] bytes = (byte[])original.Clone();
        switch (random.Next(6))
        {
            case 0:
            {
                int flips = random.Next(1, 9);
                for (int k = 0; k < flips; k++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                how = $"{flips} bit flips";
                return bytes;
            }
            case 1:
            {
                int at = random.Next(bytes.Length);
                byte[] extremes = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE];
                bytes[at] = extremes[random.Next(extremes.Length)];
                how = $"byte {at} overwritten";
                return bytes;
            }
            case 2:
            {
                int length = random.Next(bytes.Length);
                how = $"truncated to {length} bytes";
                return bytes.AsSpan(0, length).ToArray();
            }
            case 3:
            {
                // Forge an offset or length: a 32-bit little-endian word in the FlatBuffer's metadata region.
                int at = random.Next(Math.Max(1, Math.Min(bytes.Length, 4096) / 4)) * 4;
                if (at + 4 > bytes.Length) at = 0;
                int[] values = [0, 1, -1, int.MaxValue, int.MinValue, bytes.Length, bytes.Length - 4, random.Next(), random.Next(-64, 64)];
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), values[random.Next(values.Length)]);
                how = $"word at {at} forged";
                return bytes;
            }
            case 4:
            {
                // Forge a 16-bit vtable entry (field offset or vtable/object size).
                int at = random.Next(Math.Max(1, Math.Min(bytes.Length, 8192) / 2)) * 2;
                if (at + 2 > bytes.Length) at = 0;
                ushort[] values = [0, 2, 4, 0xFFFF, 0x7FFF, (ushort)random.Next(65536)];
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), values[random.Next(values.Length)]);
                how = $"half-word at {at} forged";
                return bytes;
            }
            default:
            {
                // A run of random bytes.
                int at = random.Next(bytes.Length);
                int length = Math.Min(bytes.Length - at, random.Next(1, 33));
                random.NextBytes(bytes.AsSpan(at, length));
                how = $"{length} random bytes at {at}";
                return bytes;
            }
        }
    }
}
