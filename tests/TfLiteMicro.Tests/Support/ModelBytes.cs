using System.Buffers.Binary;
using System.Text;

namespace TfLiteMicro.Tests.Support;

/// <summary>
/// Deliberate damage to a model's bytes at chosen places, for the tests of how malformed models are rejected. Models
/// themselves are written with <see cref="Modeling.ModelBuilder"/> (or taken from the shared folder); random damage
/// comes from the fuzzing tool's mutator (tools/TfLiteMicro.Fuzz).
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
}
