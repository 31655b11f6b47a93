using System.Globalization;
using TfLiteMicro.Modeling.Compression;

namespace TfLiteMicro.Cli;

/// <summary>
/// Reads the spec files of TFLM's compression tool (compression/spec.py): YAML listing the tensors to compress, e.g.
/// <code>
/// tensors:
///   - subgraph: 0
///     tensor: 42
///     compression:
///       - lut:
///           index_bitwidth: 4
/// </code>
/// Only LUT compression exists here; an item may add <c>per_channel: true|false</c>. Only this layout of YAML is read
/// (one key per line), which is what the tool's examples and tests use.
/// </summary>
internal static class CompressionSpecFile
{
    public static List<LutCompressionSpec> Read(string path)
    {
        if (!File.Exists(path)) throw new CliException($"{path}: spec file not found");
        var specs = new List<LutCompressionSpec>();
        int? subgraph = null, tensor = null, bits = null;
        bool? perChannel = null;
        int itemLine = 0;

        void Finish()
        {
            if (subgraph is null && tensor is null && bits is null) return;
            if (tensor is null || bits is null)
                throw new CliException($"{path}:{itemLine}: each tensor needs 'tensor' and 'lut: index_bitwidth'");
            specs.Add(new LutCompressionSpec(subgraph ?? 0, tensor.Value, bits.Value, perChannel));
            subgraph = tensor = bits = null;
            perChannel = null;
        }

        string[] lines = File.ReadAllLines(path);
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n];
            int comment = line.IndexOf('#', StringComparison.Ordinal);
            if (comment >= 0) line = line[..comment];
            line = line.Trim();
            if (line.Length == 0 || line == "---") continue;
            bool item = line.StartsWith("- ", StringComparison.Ordinal);
            if (item) line = line[2..].Trim();
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) throw new CliException($"{path}:{n + 1}: expected 'key: value', found '{lines[n].Trim()}'");
            string key = line[..colon].Trim();
            string value = line[(colon + 1)..].Trim();
            if (item && key is "subgraph" or "tensor")
            {
                Finish();
                itemLine = n + 1;
            }
            switch (key)
            {
                case "tensors" or "compression" or "lut": break;
                case "subgraph": subgraph = Number(path, n, value); break;
                case "tensor": tensor = Number(path, n, value); break;
                case "index_bitwidth": bits = Number(path, n, value); break;
                case "per_channel":
                    perChannel = value switch
                    {
                        "true" or "True" => true,
                        "false" or "False" => false,
                        _ => throw new CliException($"{path}:{n + 1}: per_channel must be true or false, found '{value}'"),
                    };
                    break;
                case "huffman" or "pruning":
                    throw new CliException($"{path}:{n + 1}: {key} compression is not supported (only lut; TFLM's own tool does not write it either)");
                default:
                    throw new CliException($"{path}:{n + 1}: unknown key '{key}'");
            }
        }
        Finish();
        if (specs.Count == 0) throw new CliException($"{path}: the spec lists no tensors");
        return specs;
    }

    private static int Number(string path, int line, string value)
        => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw new CliException($"{path}:{line + 1}: '{value}' is not a number");
}
