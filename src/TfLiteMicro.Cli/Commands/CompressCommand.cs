using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TfLiteMicro.Modeling.Compression;

namespace TfLiteMicro.Cli.Commands;

/// <summary>
/// <c>tflm compress MODEL</c>: writes the model with some constants LUT-compressed (TFLM's COMPRESSION_METADATA form),
/// and reports the bytes saved and how far the outputs move over random inputs.
/// </summary>
internal static class CompressCommand
{
    public const int DefaultBits = 4;

    public static Command Create(TextWriter output)
    {
        Argument<string> model = CommonOptions.Model();
        Option<string> file = new("--output", "-o") { Description = "Where to write the compressed model. Default: MODEL with .compressed.tflite.", HelpName = "FILE" };
        Option<bool> auto = new("--auto") { Description = "Pick the constants that shrink: exact at the fewest bits where --bits or fewer suffice, otherwise clustered to --bits." };
        Option<string> tensors = new("--tensors") { Description = "Tensors to compress at --bits: indices or names, comma-separated (SUBGRAPH:INDEX for other subgraphs).", HelpName = "LIST" };
        Option<string> spec = new("--spec") { Description = "A spec file in the YAML form of TFLM's compression tool (tensors, lut index_bitwidth).", HelpName = "FILE" };
        Option<int> bits = new("--bits") { Description = $"Index bit width, 1 to 7 (at most 2^bits values per table). Default: {DefaultBits}.", DefaultValueFactory = _ => DefaultBits };
        Option<bool> lossless = new("--lossless-only") { Description = "With --auto: only the constants that compress exactly." };
        Option<int> samples = new("--samples") { Description = "Random inputs to compare outputs on (0 to skip). Default: 20.", DefaultValueFactory = _ => 20 };
        Option<int> seed = new("--seed") { Description = "Seed of the random inputs. Default: 1.", DefaultValueFactory = _ => 1 };
        Option<bool> json = CommonOptions.Json();
        Option<string> arena = CommonOptions.ArenaSize();
        var command = new Command("compress", "Compress constants of a model with lookup tables (TFLM's COMPRESSION_METADATA): clusters each tensor's values (per channel when per-channel quantized) into at most 2^bits, and reports bytes saved and the outputs' change over random inputs.")
        {
            model, file, auto, tensors, spec, bits, lossless, samples, seed, json, arena,
        };
        command.SetAction(parse => Execute(output, new Request(parse.GetValue(model)!, parse.GetValue(file), parse.GetValue(auto),
            parse.GetValue(tensors), parse.GetValue(spec), parse.GetValue(bits), parse.GetValue(lossless), parse.GetValue(samples),
            parse.GetValue(seed), parse.GetValue(json), CommonOptions.ArenaBytes(parse, arena))));
        return command;
    }

    internal sealed record Request(string Model, string? Output, bool Auto, string? Tensors, string? Spec, int Bits, bool LosslessOnly,
        int Samples, int Seed, bool Json, int ArenaBytes);

    internal static int Execute(TextWriter o, Request request)
    {
        if (request.Bits is < 1 or > 7) throw new CliException($"--bits {request.Bits}: bit widths run from 1 to 7");
        if (request.Samples < 0) throw new CliException("--samples must not be negative");
        int ways = (request.Auto ? 1 : 0) + (request.Tensors is null ? 0 : 1) + (request.Spec is null ? 0 : 1);
        if (ways != 1) throw new CliException("name the tensors one way: --auto, --tensors LIST or --spec FILE");
        if (request.LosslessOnly && !request.Auto) throw new CliException("--lossless-only goes with --auto");

        Model model = ModelFile.Load(request.Model);
        IReadOnlyList<LutCompressionSpec> specs = request.Auto
            ? LutCompressor.ChooseTensors(model, request.Bits, request.LosslessOnly)
            : request.Spec is not null ? CompressionSpecFile.Read(request.Spec) : ParseTensors(model, request.Tensors!, request.Bits);
        if (specs.Count == 0) throw new CliException($"{request.Model}: no constant would come out smaller (nothing written)");

        LutCompressionResult result;
        try
        {
            result = LutCompressor.Compress(model, specs);
        }
        catch (ArgumentException e)
        {
            throw new CliException($"{request.Model}: {e.Message}");
        }
        string outputPath = request.Output ?? Path.ChangeExtension(request.Model, null) + ".compressed.tflite";
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllBytes(outputPath, result.Model);

        IReadOnlyList<OutputEffect>? effects = null;
        string? effectProblem = null;
        if (request.Samples > 0)
        {
            try
            {
                effects = CompressionEffect.Measure(model, Model.Load(result.Model), KernelSets.CreateFullResolver(), request.Samples,
                    (ulong)request.Seed, request.ArenaBytes);
            }
            catch (Exception e) when (e is TfLiteMicroException or NotSupportedException or ArgumentException)
            {
                effectProblem = CliApp.Describe(e);
            }
        }

        if (request.Json) WriteJson(o, request, outputPath, result, effects, effectProblem);
        else WriteText(o, request, outputPath, result, effects, effectProblem);
        return 0;
    }

    /// <summary>"3,7,conv1/weights,1:4": tensor indices or names in subgraph 0, or SUBGRAPH:INDEX.</summary>
    private static List<LutCompressionSpec> ParseTensors(Model model, string list, int bits)
    {
        var specs = new List<LutCompressionSpec>();
        foreach (string raw in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int subgraph = 0;
            string item = raw;
            int colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && int.TryParse(raw[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out int s))
            {
                subgraph = s;
                item = raw[(colon + 1)..];
            }
            if (subgraph >= model.Subgraphs.Count) throw new CliException($"--tensors: '{raw}': the model has {model.Subgraphs.Count} subgraph(s)");
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int tensor))
            {
                tensor = -1;
                foreach (ModelTensor t in model.Subgraphs[subgraph].Tensors)
                {
                    if (t.Name != item) continue;
                    tensor = t.Index;
                    break;
                }
                if (tensor < 0) throw new CliException($"--tensors: no tensor named '{item}' in subgraph {subgraph}");
            }
            specs.Add(new LutCompressionSpec(subgraph, tensor, bits));
        }
        if (specs.Count == 0) throw new CliException("--tensors: the list is empty");
        return specs;
    }

    private static string Percent(long part, long whole) => whole == 0 ? "0%" : $"{100.0 * part / whole:0.#}%";

    private static void WriteText(TextWriter o, Request request, string outputPath, LutCompressionResult result,
        IReadOnlyList<OutputEffect>? effects, string? effectProblem)
    {
        o.WriteLine($"{Path.GetFileName(request.Model)} -> {outputPath}: {result.OriginalModelBytes} -> {result.CompressedModelBytes} bytes, " +
                    $"{result.BytesSaved} saved ({Percent(result.BytesSaved, result.OriginalModelBytes)})");
        o.WriteLine();
        o.WriteLine($"  {"tensor",-8} {"type",-7} {"bits",4} {"tables",-9} {"values",6} {"exact",-5} {"bytes",8} {"->",2} {"indices",8} + {"tables",6}  {"max error",10}  name");
        foreach (CompressedTensorReport t in result.Tensors)
        {
            string tables = t.ChannelCount == 1 ? "1" : $"{t.ChannelCount}{(t.ChannelsOnLastAxis ? " last" : "")}";
            o.WriteLine($"  {$"{t.Subgraph}:{t.Tensor}",-8} {TensorTypes.GetName(t.Type),-7} {t.BitWidth,4} {tables,-9} {t.DistinctValues,6} " +
                        $"{(t.Lossless ? "yes" : "no"),-5} {t.OriginalBytes,8} {"->",2} {t.EncodedBytes,8} + {t.ValueTableBytes,6}  {t.MaxError,10:G4}  {t.Name}");
        }
        long tensorBytes = result.Tensors.Sum(t => t.OriginalBytes), saved = result.Tensors.Sum(t => t.BytesSaved);
        o.WriteLine($"  {result.Tensors.Count} tensor(s), {result.Tensors.Count(t => t.Lossless)} exact: {tensorBytes} bytes of constants, {saved} saved ({Percent(saved, tensorBytes)})");
        o.WriteLine();
        if (effectProblem is not null)
        {
            o.WriteLine($"Outputs not compared: {effectProblem}");
            return;
        }
        if (effects is null) return;
        o.WriteLine($"Outputs over {request.Samples} random inputs (seed {request.Seed}), original vs compressed:");
        foreach (OutputEffect e in effects)
        {
            string agreement = e.ArgmaxAgreement is { } a ? $", argmax agrees {100 * a:0.#}%" : "";
            o.WriteLine(e.Identical
                ? $"  output {e.Output} '{e.Name}': identical"
                : $"  output {e.Output} '{e.Name}': max difference {e.MaxDifference:G4}, mean {e.MeanDifference:G4}{agreement}");
        }
    }

    private static void WriteJson(TextWriter o, Request request, string outputPath, LutCompressionResult result,
        IReadOnlyList<OutputEffect>? effects, string? effectProblem)
    {
        TensorText.PrintJson(o, json =>
        {
            json.WriteStartObject();
            json.WriteString("model", request.Model);
            json.WriteString("output", outputPath);
            json.WriteNumber("original_bytes", result.OriginalModelBytes);
            json.WriteNumber("compressed_bytes", result.CompressedModelBytes);
            json.WriteNumber("bytes_saved", result.BytesSaved);
            json.WriteStartArray("tensors");
            foreach (CompressedTensorReport t in result.Tensors)
            {
                json.WriteStartObject();
                json.WriteNumber("subgraph", t.Subgraph);
                json.WriteNumber("tensor", t.Tensor);
                json.WriteString("name", t.Name);
                json.WriteString("type", TensorTypes.GetName(t.Type));
                json.WriteNumber("bits", t.BitWidth);
                json.WriteNumber("tables", t.ChannelCount);
                json.WriteBoolean("channels_on_last_axis", t.ChannelsOnLastAxis);
                json.WriteNumber("distinct_values", t.DistinctValues);
                json.WriteBoolean("lossless", t.Lossless);
                json.WriteNumber("original_bytes", t.OriginalBytes);
                json.WriteNumber("encoded_bytes", t.EncodedBytes);
                json.WriteNumber("value_table_bytes", t.ValueTableBytes);
                json.WriteNumber("bytes_saved", t.BytesSaved);
                TensorText.WriteDouble(json, "max_error", t.MaxError);
                TensorText.WriteDouble(json, "mean_error", t.MeanError);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteNumber("samples", request.Samples);
            json.WriteNumber("seed", request.Seed);
            if (effectProblem is null) json.WriteNull("outputs_not_compared");
            else json.WriteString("outputs_not_compared", effectProblem);
            if (effects is null)
            {
                json.WriteNull("outputs");
            }
            else
            {
                json.WriteStartArray("outputs");
                foreach (OutputEffect e in effects)
                {
                    json.WriteStartObject();
                    json.WriteNumber("output", e.Output);
                    json.WriteString("name", e.Name);
                    json.WriteBoolean("identical", e.Identical);
                    TensorText.WriteDouble(json, "max_difference", e.MaxDifference);
                    TensorText.WriteDouble(json, "mean_difference", e.MeanDifference);
                    if (e.ArgmaxAgreement is double agreement) TensorText.WriteDouble(json, "argmax_agreement", agreement);
                    else json.WriteNull("argmax_agreement");
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        });
    }
}
