namespace TfLiteMicro.Cli;

/// <summary>Reads a model file named on the command line, turning every way it can fail into a one-line message.</summary>
internal static class ModelFile
{
    /// <summary>Default arena for commands that measure what a model needs: big enough for every shared model.</summary>
    public const int DefaultArenaBytes = 16 * 1024 * 1024;

    public static Model Load(string path)
    {
        byte[] bytes = ReadBytes(path);
        try
        {
            return Model.Load(bytes);
        }
        catch (InvalidModelException e)
        {
            // A file without the TFL3 identifier is most likely not a model at all; say so instead of where parsing stopped.
            if (!HasTfliteIdentifier(bytes))
                throw new CliException($"{path}: not a .tflite model (no TFL3 file identifier; {e.Message})");
            throw new CliException($"{path}: not a valid .tflite model: {e.Message}");
        }
    }

    public static byte[] ReadBytes(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new CliException("no model file given");
        if (Directory.Exists(path))
            throw new CliException($"{path}: is a directory, expected a .tflite file");
        if (!File.Exists(path))
            throw new CliException($"{path}: file not found");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0)
            throw new CliException($"{path}: the file is empty");
        return bytes;
    }

    internal static bool HasTfliteIdentifier(ReadOnlySpan<byte> bytes)
        => bytes.Length >= 8 && bytes[4] == (byte)'T' && bytes[5] == (byte)'F' && bytes[6] == (byte)'L' && bytes[7] == (byte)'3';

    /// <summary>Parses an arena size such as 65536, 64k, 16M.</summary>
    public static int ParseSize(string text, string what)
    {
        string s = text.Trim();
        long factor = 1;
        if (s.Length > 0)
        {
            char last = char.ToUpperInvariant(s[^1]);
            if (last == 'K') factor = 1024;
            else if (last == 'M') factor = 1024 * 1024;
            else if (last == 'G') factor = 1024L * 1024 * 1024;
            if (factor != 1) s = s[..^1];
            else if (s.EndsWith("B", StringComparison.OrdinalIgnoreCase)) s = s[..^1];
        }
        if (!long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value)
            || value * factor <= 0 || value * factor > int.MaxValue)
            throw new CliException($"{what}: '{text}' is not a size in bytes (e.g. 65536, 64K, 16M; at most 2G-1)");
        return (int)(value * factor);
    }
}
