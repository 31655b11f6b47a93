using System.CommandLine;
using System.Text.Json;
using TfLiteMicro.Compression;
using TfLiteMicro.Memory;

namespace TfLiteMicro.Cli.Commands;

/// <summary><c>tflm info MODEL</c>: what a model holds, which of its ops this build runs, and the arena it needs.</summary>
internal static class InfoCommand
{
    public static Command Create(TextWriter output)
    {
        Argument<string> model = CommonOptions.Model();
        Option<bool> json = CommonOptions.Json();
        Option<string> arena = CommonOptions.ArenaSize();
        Option<bool> prearrange = CommonOptions.Prearrange();
        Option<int> threads = CommonOptions.Threads();
        var command = new Command("info", "Show a model's subgraphs, inputs and outputs, operators and their tensors, which ops this build supports, constant bytes and the arena it needs.")
        {
            model, json, arena, prearrange, threads,
        };
        command.SetAction(parse => Execute(output, parse.GetValue(model)!, parse.GetValue(json), CommonOptions.ArenaBytes(parse, arena),
            new InterpreterOptions { PrearrangeWeights = parse.GetValue(prearrange), Threads = CommonOptions.ThreadCount(parse, threads) }));
        return command;
    }

    internal sealed record OpCount(OperatorCode Code, int Count, bool Supported);

    /// <summary>How the arena figure was measured: the weight mode and threads (asked for and started).</summary>
    internal sealed record RunSettings(string Description, bool PrearrangedWeights, int Threads, int ThreadsInUse);

    internal static int Execute(TextWriter output, string path, bool asJson, int arenaBytes, InterpreterOptions? options = null)
    {
        options ??= new InterpreterOptions();
        Model model = ModelFile.Load(path);
        OpResolver resolver = KernelSets.CreateFullResolver();
        List<OpCount> counts = CountOps(model, resolver);

        // The arena figure is only known once every kernel has prepared; a missing op leaves it unknown.
        ArenaUsage? usage = null;
        RunSettings? run = null;
        Footprint? managed = null;
        string? arenaProblem = null;
        bool failed = false;
        List<OpCount> missing = counts.FindAll(c => !c.Supported);
        if (missing.Count > 0)
        {
            arenaProblem = $"unknown until every op has a kernel (missing: {string.Join(", ", missing.ConvertAll(m => m.Code.Name))})";
        }
        else
        {
            try
            {
                using PreparedModel prepared = PreparedModel.Create(path, model, arenaBytes, options);
                usage = prepared.Interpreter.ArenaUsage;
                run = new RunSettings(CommonOptions.RunMode(prepared.Interpreter), options.PrearrangeWeights, options.Threads, prepared.Interpreter.ThreadsInUse);
                // The managed bytes beside the arena, measured as the library measures them (full collections).
                managed = new Footprint(ManagedFootprint.OfModel(File.ReadAllBytes(path)),
                    ManagedFootprint.OfInterpreter(model, KernelSets.CreateFullResolver(), new byte[usage.TotalBytes]));
            }
            catch (CliException e)
            {
                arenaProblem = "unknown: " + e.Message;
                failed = true;
            }
        }

        (long constantBytes, int constantTensors) = ConstantData(model);
        if (asJson)
            WriteJson(output, path, model, counts, constantBytes, constantTensors, usage, managed, arenaProblem, run);
        else
            WriteText(output, path, model, counts, constantBytes, constantTensors, usage, managed, arenaProblem, run);
        if (failed)
            throw new CliException(arenaProblem!);
        return 0;
    }

    internal static List<OpCount> CountOps(Model model, OpResolver resolver)
    {
        var order = new List<OperatorCode>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Subgraph subgraph in model.Subgraphs)
        {
            foreach (ModelOperator op in subgraph.Operators)
            {
                string key = Key(op.Code);
                if (counts.TryGetValue(key, out int n)) counts[key] = n + 1;
                else { counts[key] = 1; order.Add(op.Code); }
            }
        }
        return order.ConvertAll(code => new OpCount(code, counts[Key(code)], resolver.Supports(code)));
    }

    private static string Key(OperatorCode code) => code.IsCustom ? "custom:" + code.CustomCode : "builtin:" + (int)code.BuiltinCode;

    internal static (long Bytes, int Tensors) ConstantData(Model model)
    {
        long bytes = 0;
        int tensors = 0;
        var seen = new HashSet<int>();
        foreach (Subgraph subgraph in model.Subgraphs)
        {
            foreach (ModelTensor tensor in subgraph.Tensors)
            {
                if (!tensor.IsConstant) continue;
                tensors++;
                // Tensors can share a buffer; count its bytes once.
                if (seen.Add(tensor.BufferIndex)) bytes += tensor.Data.Length;
            }
        }
        return (bytes, tensors);
    }

    /// <summary>
    /// One compressed constant: LUT-compressed through the compression metadata (bit width and tables known), or decoded by
    /// a DECODE operator (its output named, the encoded and ancillary tensors as stored).
    /// </summary>
    internal sealed record CompressedEntry(string Form, int Subgraph, int Tensor, string Name, TensorType Type, int? BitWidth, int? Tables,
        int? ValuesPerTable, long StoredBytes, long DecodedBytes)
    {
        public long Saved => DecodedBytes - StoredBytes;
    }

    internal static List<CompressedEntry> Compressed(Model model)
    {
        var entries = new List<CompressedEntry>();
        foreach (CompressedTensor t in ModelCompression.LutTensors(model))
            entries.Add(new("metadata LUT", t.Subgraph, t.Tensor, t.Name, t.Type, t.BitWidth, t.ChannelCount, t.ValuesPerChannel,
                t.EncodedBytes + t.ValueTableBytes, t.DecodedBytes));
        foreach (Subgraph subgraph in model.Subgraphs)
        {
            foreach (ModelOperator op in subgraph.Operators)
            {
                if (!op.Code.IsCustom || op.Code.CustomCode != OpResolver.DecodeName) continue;
                for (int k = 0; k < op.Outputs.Length && 2 * k + 1 < op.Inputs.Length; k++)
                {
                    ModelTensor output = subgraph.Tensors[op.Outputs[k]];
                    ModelTensor encoded = subgraph.Tensors[op.Inputs[2 * k]], ancillary = subgraph.Tensors[op.Inputs[2 * k + 1]];
                    ReadOnlySpan<byte> header = ancillary.Data.Span;
                    string form = header.Length == 0 ? "DECODE" : header[0] switch { 0 => "DECODE LUT", 1 => "DECODE Huffman", 2 => "DECODE prune", _ => $"DECODE type {header[0]}" };
                    int? bits = header.Length > 5 && header[0] == 0 ? header[5] & 7 : null;
                    int? stride = header.Length > 6 && header[0] == 0 ? header[6] : null;
                    entries.Add(new(form, subgraph.Index, output.Index, output.Name, output.Type, bits, null, stride,
                        encoded.Data.Length + ancillary.Data.Length, TensorTypes.ByteCount(output.Type, output.ElementCount)));
                }
            }
        }
        return entries;
    }

    private static void WriteCompressed(TextWriter o, List<CompressedEntry> entries)
    {
        if (entries.Count == 0) return;
        o.WriteLine();
        o.WriteLine($"Compressed constants: {entries.Count}, {TensorText.Bytes(entries.Sum(e => e.StoredBytes))} stored for " +
                    $"{TensorText.Bytes(entries.Sum(e => e.DecodedBytes))} of values ({TensorText.Bytes(entries.Sum(e => e.Saved))} saved)");
        o.WriteLine($"  {"tensor",-8} {"form",-14} {"type",-7} {"bits",4} {"tables",-10} {"stored",8} {"values",8}  name");
        foreach (CompressedEntry e in entries)
        {
            string tables = e.Tables is int t ? $"{t} x {e.ValuesPerTable}" : e.ValuesPerTable is int v ? $"x {v}" : "";
            o.WriteLine($"  {$"{e.Subgraph}:{e.Tensor}",-8} {e.Form,-14} {TensorTypes.GetName(e.Type),-7} {(e.BitWidth?.ToString() ?? ""),4} {tables,-10} " +
                        $"{e.StoredBytes,8} {e.DecodedBytes,8}  {e.Name}");
        }
    }

    private static void WriteText(TextWriter o, string path, Model model, List<OpCount> counts, long constantBytes, int constantTensors,
        ArenaUsage? usage, Footprint? managed, string? arenaProblem, RunSettings? run)
    {
        o.WriteLine($"Model: {Path.GetFileName(path)} ({TensorText.Bytes(model.Bytes.Length)}, schema version {model.Version})");
        if (!string.IsNullOrEmpty(model.Description)) o.WriteLine($"Description: {model.Description}");
        o.WriteLine($"Subgraphs: {model.Subgraphs.Count}");
        foreach (Subgraph subgraph in model.Subgraphs)
        {
            o.WriteLine();
            string name = subgraph.Name.Length > 0 ? $" '{subgraph.Name}'" : "";
            o.WriteLine($"Subgraph {subgraph.Index}{name}: {subgraph.Tensors.Count} tensors, {subgraph.Operators.Count} operators");
            o.WriteLine("  Inputs:");
            for (int i = 0; i < subgraph.Inputs.Length; i++)
                o.WriteLine($"    {i}: {TensorText.Describe(subgraph.Tensors[subgraph.Inputs[i]])}");
            o.WriteLine("  Outputs:");
            for (int i = 0; i < subgraph.Outputs.Length; i++)
                o.WriteLine($"    {i}: {TensorText.Describe(subgraph.Tensors[subgraph.Outputs[i]])}");
            o.WriteLine("  Operators:");
            foreach (ModelOperator op in subgraph.Operators)
            {
                o.WriteLine($"    #{op.Index} {op.Code.Name} v{op.Code.Version}");
                WriteOperands(o, subgraph, "in ", op.Inputs);
                WriteOperands(o, subgraph, "out", op.Outputs);
                if (op.Intermediates.Length > 0) WriteOperands(o, subgraph, "tmp", op.Intermediates);
            }
        }

        o.WriteLine();
        o.WriteLine("Operator types:");
        int width = 8;
        foreach (OpCount c in counts) width = Math.Max(width, c.Code.Name.Length);
        foreach (OpCount c in counts)
            o.WriteLine($"  {c.Code.Name.PadRight(width)}  x{c.Count,-4} v{c.Code.Version}  {(c.Supported ? "supported" : "MISSING")}");
        List<OpCount> missing = counts.FindAll(c => !c.Supported);
        o.WriteLine(missing.Count == 0
            ? $"This build runs all {counts.Count} operator types of the model."
            : $"This build lacks {missing.Count} of {counts.Count} operator types: {string.Join(", ", missing.ConvertAll(m => $"{m.Code.Name} v{m.Code.Version}"))}");

        o.WriteLine();
        o.WriteLine($"Constant data: {TensorText.Bytes(constantBytes)} in {constantTensors} tensors");
        WriteCompressed(o, Compressed(model));
        if (usage is not null)
        {
            o.WriteLine($"Arena needed: {TensorText.Bytes(usage.TotalBytes)} ({run!.Description})");
            o.WriteLine($"  planned activations and scratch: {TensorText.Bytes(usage.PlannedBytes)} (scratch requested: {TensorText.Bytes(usage.ScratchRequestedBytes)})");
            o.WriteLine($"  persistent (variables, kernel state): {TensorText.Bytes(usage.PersistentBytes)}");
            o.WriteLine($"  in code: var arena = new byte[{usage.TotalBytes}];");
            if (managed is { } m)
                o.WriteLine($"Managed memory beside the arena: Model {TensorText.Bytes(m.ModelBytes)}, interpreter {TensorText.Bytes(m.InterpreterBytes)} " +
                    $"(RAM in all: {TensorText.Bytes(usage.TotalBytes + m.ModelBytes + m.InterpreterBytes)})");
        }
        else
        {
            o.WriteLine($"Arena needed: {arenaProblem}");
        }
    }

    private static void WriteOperands(TextWriter o, Subgraph subgraph, string role, ReadOnlySpan<int> indices)
    {
        foreach (int t in indices)
            o.WriteLine(t < 0 ? $"        {role} (omitted)" : $"        {role} {TensorText.Describe(subgraph.Tensors[t])}");
    }

    private static void WriteJson(TextWriter output, string path, Model model, List<OpCount> counts, long constantBytes, int constantTensors,
        ArenaUsage? usage, Footprint? managed, string? arenaProblem, RunSettings? run)
    {
        TensorText.PrintJson(output, json =>
        {
            json.WriteStartObject();
            json.WriteString("file", Path.GetFileName(path));
            json.WriteNumber("bytes", model.Bytes.Length);
            json.WriteNumber("schemaVersion", model.Version);
            if (model.Description is not null) json.WriteString("description", model.Description);
            json.WriteStartArray("subgraphs");
            foreach (Subgraph subgraph in model.Subgraphs)
            {
                json.WriteStartObject();
                json.WriteNumber("index", subgraph.Index);
                json.WriteString("name", subgraph.Name);
                json.WriteNumber("tensorCount", subgraph.Tensors.Count);
                WriteTensorList(json, "inputs", subgraph, subgraph.Inputs);
                WriteTensorList(json, "outputs", subgraph, subgraph.Outputs);
                json.WriteStartArray("operators");
                foreach (ModelOperator op in subgraph.Operators)
                {
                    json.WriteStartObject();
                    json.WriteNumber("index", op.Index);
                    json.WriteString("op", op.Code.Name);
                    json.WriteNumber("version", op.Code.Version);
                    json.WriteBoolean("custom", op.Code.IsCustom);
                    json.WritePropertyName("inputs");
                    TensorText.WriteInts(json, op.Inputs);
                    json.WritePropertyName("outputs");
                    TensorText.WriteInts(json, op.Outputs);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartArray("tensors");
                foreach (ModelTensor tensor in subgraph.Tensors)
                    TensorText.WriteTensorJson(json, tensor);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();

            json.WriteStartArray("operatorTypes");
            foreach (OpCount c in counts)
            {
                json.WriteStartObject();
                json.WriteString("op", c.Code.Name);
                json.WriteNumber("version", c.Code.Version);
                json.WriteBoolean("custom", c.Code.IsCustom);
                json.WriteNumber("count", c.Count);
                json.WriteBoolean("supported", c.Supported);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("missingOps");
            foreach (OpCount c in counts)
                if (!c.Supported) json.WriteStringValue(c.Code.Name);
            json.WriteEndArray();

            json.WriteNumber("constantBytes", constantBytes);
            json.WriteNumber("constantTensors", constantTensors);
            json.WriteStartArray("compressedTensors");
            foreach (CompressedEntry e in Compressed(model))
            {
                json.WriteStartObject();
                json.WriteString("form", e.Form);
                json.WriteNumber("subgraph", e.Subgraph);
                json.WriteNumber("tensor", e.Tensor);
                json.WriteString("name", e.Name);
                json.WriteString("type", TensorTypes.GetName(e.Type));
                if (e.BitWidth is int bits) json.WriteNumber("bits", bits);
                if (e.Tables is int tables) json.WriteNumber("tables", tables);
                if (e.ValuesPerTable is int values) json.WriteNumber("valuesPerTable", values);
                json.WriteNumber("storedBytes", e.StoredBytes);
                json.WriteNumber("decodedBytes", e.DecodedBytes);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (usage is not null)
            {
                json.WriteStartObject("arena");
                json.WriteNumber("totalBytes", usage.TotalBytes);
                json.WriteNumber("plannedBytes", usage.PlannedBytes);
                json.WriteNumber("scratchRequestedBytes", usage.ScratchRequestedBytes);
                json.WriteNumber("persistentBytes", usage.PersistentBytes);
                json.WriteBoolean("prearrangedWeights", run!.PrearrangedWeights);
                json.WriteNumber("threads", run.Threads);
                json.WriteNumber("threadsInUse", run.ThreadsInUse);
                json.WriteEndObject();
                if (managed is { } m)
                {
                    json.WriteStartObject("managed");
                    json.WriteNumber("modelBytes", m.ModelBytes);
                    json.WriteNumber("interpreterBytes", m.InterpreterBytes);
                    json.WriteNumber("totalWithArenaBytes", usage.TotalBytes + m.ModelBytes + m.InterpreterBytes);
                    json.WriteEndObject();
                }
            }
            else
            {
                json.WriteNull("arena");
                json.WriteString("arenaProblem", arenaProblem);
            }
            json.WriteEndObject();
        });
    }

    private static void WriteTensorList(Utf8JsonWriter json, string name, Subgraph subgraph, ReadOnlySpan<int> indices)
    {
        json.WriteStartArray(name);
        foreach (int t in indices) TensorText.WriteTensorJson(json, subgraph.Tensors[t]);
        json.WriteEndArray();
    }

    /// <summary>Managed bytes a loaded Model and a prepared interpreter keep alive.</summary>
    private readonly record struct Footprint(long ModelBytes, long InterpreterBytes);
}
