using System.Globalization;
using System.Text;

namespace TfLiteMicro.Cli.Formats;

/// <summary>
/// A NumPy .npy array (format versions 1-3): element type, shape and little-endian data bytes. Only what
/// a tensor can hold is accepted: fixed-size numeric or bool elements in C order.
/// </summary>
public sealed class NpyArray
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public NpyArray(TensorType type, int[] shape, byte[] data)
    {
        Type = type;
        Shape = shape;
        Data = data;
    }

    public TensorType Type { get; }
    public int[] Shape { get; }
    public byte[] Data { get; }

    public static bool LooksLikeNpy(ReadOnlySpan<byte> bytes) => bytes.Length >= 6 && bytes[..6].SequenceEqual(Magic);

    /// <summary>Parses .npy bytes; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static NpyArray Parse(ReadOnlySpan<byte> bytes)
    {
        if (!LooksLikeNpy(bytes))
            throw new FormatException("not a .npy file (no \\x93NUMPY magic)");
        if (bytes.Length < 10)
            throw new FormatException("truncated .npy header");
        int major = bytes[6];
        int headerLength;
        int start;
        if (major == 1)
        {
            headerLength = bytes[8] | bytes[9] << 8;
            start = 10;
        }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12) throw new FormatException("truncated .npy header");
            uint length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(8, 4));
            if (length > int.MaxValue) throw new FormatException("the .npy header is too long");
            headerLength = (int)length;
            start = 12;
        }
        else
        {
            throw new FormatException($".npy format version {major} is not supported (1, 2 or 3 are)");
        }
        if ((long)start + headerLength > bytes.Length)
            throw new FormatException("truncated .npy header");

        Encoding encoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        string header = encoding.GetString(bytes.Slice(start, headerLength));
        string descr = ReadStringField(header, "descr");
        string fortran = ReadRawField(header, "fortran_order");
        int[] shape = ParseShape(ReadRawField(header, "shape"));
        TensorType type = ParseDescr(descr);

        long elements = 1;
        foreach (int d in shape)
        {
            elements *= d;
            if (elements > int.MaxValue) throw new FormatException("the .npy array is too large");
        }
        if (fortran.StartsWith("True", StringComparison.Ordinal) && CountNonUnit(shape) > 1)
            throw new FormatException("Fortran-order .npy arrays are not supported; save with numpy.ascontiguousarray");

        long expected = elements * TensorTypes.ElementSize(type);
        ReadOnlySpan<byte> data = bytes[(start + headerLength)..];
        if (data.Length != expected)
            throw new FormatException($"the .npy data holds {data.Length} bytes but {descr}{FormatShape(shape)} needs {expected}");
        return new NpyArray(type, shape, data.ToArray());
    }

    /// <summary>Writes a version 1.0 .npy file: little-endian, C order, header padded to 64 bytes as NumPy does.</summary>
    public static byte[] Write(TensorType type, ReadOnlySpan<int> shape, ReadOnlySpan<byte> data)
    {
        var dims = new StringBuilder("(");
        for (int i = 0; i < shape.Length; i++)
        {
            dims.Append(shape[i].ToString(CultureInfo.InvariantCulture));
            dims.Append(shape.Length == 1 ? "," : i + 1 < shape.Length ? ", " : "");
        }
        dims.Append(')');
        string dict = $"{{'descr': '{Descr(type)}', 'fortran_order': False, 'shape': {dims}, }}";
        int unpadded = 10 + dict.Length + 1;
        int padding = (64 - unpadded % 64) % 64;
        string header = dict + new string(' ', padding) + "\n";

        var result = new byte[10 + header.Length + data.Length];
        Magic.CopyTo(result);
        result[6] = 1;
        result[7] = 0;
        result[8] = (byte)header.Length;
        result[9] = (byte)(header.Length >> 8);
        Encoding.Latin1.GetBytes(header, result.AsSpan(10));
        data.CopyTo(result.AsSpan(10 + header.Length));
        return result;
    }

    /// <summary>The NumPy type string for a tensor type, e.g. |i1 for int8.</summary>
    public static string Descr(TensorType type) => type switch
    {
        TensorType.Int8 => "|i1",
        TensorType.UInt8 => "|u1",
        TensorType.Bool => "|b1",
        TensorType.Int16 => "<i2",
        TensorType.UInt16 => "<u2",
        TensorType.Int32 => "<i4",
        TensorType.UInt32 => "<u4",
        TensorType.Int64 => "<i8",
        TensorType.UInt64 => "<u8",
        TensorType.Float16 => "<f2",
        TensorType.Float32 => "<f4",
        TensorType.Float64 => "<f8",
        TensorType.Complex64 => "<c8",
        TensorType.Complex128 => "<c16",
        // No NumPy equivalent: raw bytes keep the data intact.
        _ => "|V" + Math.Max(1, TensorTypes.ElementSize(type)).ToString(CultureInfo.InvariantCulture),
    };

    private static TensorType ParseDescr(string descr)
    {
        if (descr.Length < 3)
            throw new FormatException($".npy dtype '{descr}' is not understood");
        char order = descr[0];
        string kind = descr[1..];
        if (order == '>' && kind is not ("i1" or "u1" or "b1"))
            throw new FormatException($".npy dtype '{descr}' is big-endian; save the array as little-endian (astype('<{kind}'))");
        return kind switch
        {
            "i1" => TensorType.Int8,
            "u1" => TensorType.UInt8,
            "b1" => TensorType.Bool,
            "i2" => TensorType.Int16,
            "u2" => TensorType.UInt16,
            "i4" => TensorType.Int32,
            "u4" => TensorType.UInt32,
            "i8" => TensorType.Int64,
            "u8" => TensorType.UInt64,
            "f2" => TensorType.Float16,
            "f4" => TensorType.Float32,
            "f8" => TensorType.Float64,
            "c8" => TensorType.Complex64,
            "c16" => TensorType.Complex128,
            _ => throw new FormatException($".npy dtype '{descr}' has no tensor type"),
        };
    }

    private static string ReadRawField(string header, string key)
    {
        int at = FindKey(header, key);
        int end = at;
        if (end < header.Length && header[end] == '(')
        {
            end = header.IndexOf(')', end);
            if (end < 0) throw new FormatException($".npy header: '{key}' is not closed");
            return header[at..(end + 1)];
        }
        while (end < header.Length && header[end] is not (',' or '}')) end++;
        return header[at..end].Trim();
    }

    private static string ReadStringField(string header, string key)
    {
        int at = FindKey(header, key);
        if (at >= header.Length || header[at] is not ('\'' or '"'))
            throw new FormatException($".npy header: '{key}' is not a string");
        char quote = header[at];
        int end = header.IndexOf(quote, at + 1);
        if (end < 0) throw new FormatException($".npy header: '{key}' is not closed");
        return header[(at + 1)..end];
    }

    private static int FindKey(string header, string key)
    {
        int index = header.IndexOf("'" + key + "'", StringComparison.Ordinal);
        if (index < 0) index = header.IndexOf("\"" + key + "\"", StringComparison.Ordinal);
        if (index < 0) throw new FormatException($".npy header has no '{key}'");
        int colon = header.IndexOf(':', index + key.Length + 2);
        if (colon < 0) throw new FormatException($".npy header: '{key}' has no value");
        int at = colon + 1;
        while (at < header.Length && header[at] == ' ') at++;
        return at;
    }

    private static int[] ParseShape(string text)
    {
        string inner = text.Trim().TrimStart('(').TrimEnd(')');
        var dims = new List<int>();
        foreach (string part in inner.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string digits = part.TrimEnd('L');
            if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int d))
                throw new FormatException($".npy shape '{text}' is not a tuple of sizes");
            dims.Add(d);
        }
        return [.. dims];
    }

    private static int CountNonUnit(int[] shape)
    {
        int count = 0;
        foreach (int d in shape) if (d != 1) count++;
        return count;
    }

    internal static string FormatShape(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(shape[i].ToString(CultureInfo.InvariantCulture));
        }
        return sb.Append(']').ToString();
    }
}
