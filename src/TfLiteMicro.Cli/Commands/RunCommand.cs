using System.CommandLine;
using System.Diagnostics;
using TfLiteMicro.Cli.Formats;
using TfLiteMicro.Memory;

namespace TfLiteMicro.Cli.Commands;

/// <summary><c>tflm run MODEL</c>: one Invoke on given (or zero) inputs; prints and optionally writes the outputs.</summary>
internal static class RunCommand
{
    private const int ShownValues = 8;
    private const int JsonValues = 4096;

    public static Command Create(TextWriter output)
    {
        Argument<string> model = CommonOptions.Model();
        Option<string[]> inputs = new("--input", "-i")
        {
            Description = "Input file, once per model input in order: raw little-endian tensor bytes (.bin) or a NumPy .npy array. Without it every input is zero.",
            HelpName = "FILE",
            AllowMultipleArgumentsPerToken = false,
        };
        Option<string> outputDir = new("--output-dir", "-o") { Description = "Write output<i>.bin (raw bytes) and output<i>.npy for each output into this folder.", HelpName = "DIR" };
        Option<string> arena = CommonOptions.ArenaSize();
        Option<bool> json = CommonOptions.Json();
        var command = new Command("run", "Run a model once on input files (or zeros) and show its outputs, dequantized, and the arena used.")
        {
            model, inputs, outputDir, arena, json,
        };
        command.SetAction(parse => Execute(output, parse.GetValue(model)!, parse.GetValue(inputs) ?? [], parse.GetValue(outputDir),
            CommonOptions.ArenaBytes(parse, arena), parse.GetValue(json)));
        return command;
    }

    internal static int Execute(TextWriter o, string path, IReadOnlyList<string> inputFiles, string? outputDir, int arenaBytes, bool asJson)
    {
        using PreparedModel prepared = PreparedModel.Create(path, arenaBytes);
        MicroInterpreter interpreter = prepared.Interpreter;
        InputFiles.Fill(interpreter, inputFiles);

        long start = Stopwatch.GetTimestamp();
        try
        {
            interpreter.Invoke();
        }
        catch (TfLiteMicroException e)
        {
            throw new CliException($"{path}: {e.Message}");
        }
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);

        var written = new List<string>();
        if (outputDir is not null) WriteOutputs(interpreter, outputDir, written);

        ArenaUsage usage = interpreter.ArenaUsage;
        if (asJson)
        {
            WriteJson(o, prepared, elapsed, written);
            return 0;
        }

        o.WriteLine($"Ran {prepared.FileName}: {prepared.Model.Subgraphs[0].Operators.Count} operators in {elapsed.TotalMilliseconds:0.###} ms" +
            (inputFiles.Count == 0 ? " (inputs all zero)" : ""));
        for (int i = 0; i < interpreter.OutputCount; i++)
        {
            Tensor tensor = interpreter.Output(i);
            o.WriteLine($"output {i}: {InputFiles.Label(tensor)}{QuantSuffix(tensor)}");
            o.WriteLine($"  values: {FirstValues(tensor)}");
        }
        o.WriteLine($"Arena used: {usage.TotalBytes} of {usage.ArenaBytes} bytes (planned {usage.PlannedBytes}, persistent {usage.PersistentBytes})");
        foreach (string file in written) o.WriteLine($"Wrote {file}");
        return 0;
    }

    /// <summary>Writes output&lt;i&gt;.bin and .npy into <paramref name="outputDir"/>; a path that is a file or cannot be written gets its own message.</summary>
    private static void WriteOutputs(MicroInterpreter interpreter, string outputDir, List<string> written)
    {
        if (File.Exists(outputDir))
            throw new CliException($"--output-dir {outputDir} is a file; give a folder (it is created if missing)");
        try
        {
            Directory.CreateDirectory(outputDir);
            for (int i = 0; i < interpreter.OutputCount; i++)
            {
                Tensor tensor = interpreter.Output(i);
                byte[] raw = tensor.AsReadOnlySpan<byte>().ToArray();
                string bin = Path.Combine(outputDir, $"output{i}.bin");
                string npy = Path.Combine(outputDir, $"output{i}.npy");
                File.WriteAllBytes(bin, raw);
                File.WriteAllBytes(npy, NpyArray.Write(tensor.Type, tensor.Shape, raw));
                written.Add(bin);
                written.Add(npy);
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new CliException($"--output-dir {outputDir} cannot be written: {e.Message}");
        }
    }

    private static string QuantSuffix(Tensor tensor)
    {
        string q = TensorText.Quantization(tensor.Quantization);
        return q.Length == 0 ? "" : " " + q;
    }

    private static string FirstValues(Tensor tensor)
    {
        int count = Math.Min(ShownValues, tensor.ElementCount);
        var parts = new string[count];
        bool numeric = true;
        for (int k = 0; k < count && numeric; k++)
        {
            try
            {
                parts[k] = TensorText.Number(tensor.GetValueAsDouble(k));
            }
            catch (NotSupportedException)
            {
                numeric = false;
            }
        }
        if (!numeric) return $"({TensorTypes.GetName(tensor.Type)} values are not shown; see the written files)";
        string more = tensor.ElementCount > count ? $", ... ({tensor.ElementCount} values)" : "";
        string dequantized = tensor.Quantization.IsQuantized ? " (dequantized)" : "";
        return "[" + string.Join(", ", parts) + more + "]" + dequantized;
    }

    private static void WriteJson(TextWriter o, PreparedModel prepared, TimeSpan elapsed, List<string> written)
    {
        MicroInterpreter interpreter = prepared.Interpreter;
        TensorText.PrintJson(o, json =>
        {
            json.WriteStartObject();
            json.WriteString("file", prepared.FileName);
            json.WriteNumber("invokeMilliseconds", elapsed.TotalMilliseconds);
            json.WriteStartArray("outputs");
            for (int i = 0; i < interpreter.OutputCount; i++)
            {
                Tensor tensor = interpreter.Output(i);
                json.WriteStartObject();
                json.WriteNumber("index", i);
                json.WriteString("name", tensor.Name);
                json.WriteString("dtype", TensorTypes.GetName(tensor.Type));
                json.WritePropertyName("shape");
                TensorText.WriteInts(json, tensor.ShapeArray);
                if (tensor.Quantization.IsQuantized)
                {
                    json.WriteNumber("scale", tensor.Scale);
                    json.WriteNumber("zeroPoint", tensor.ZeroPoint);
                }
                int count = Math.Min(JsonValues, tensor.ElementCount);
                json.WriteBoolean("truncated", count < tensor.ElementCount);
                json.WriteStartArray("values");
                try
                {
                    for (int k = 0; k < count; k++) TensorText.WriteDouble(json, tensor.GetValueAsDouble(k));
                }
                catch (NotSupportedException)
                {
                    // Types without a numeric reading (strings, sub-byte) are left out; the files hold them.
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            ArenaUsage usage = interpreter.ArenaUsage;
            json.WriteNumber("arenaUsedBytes", usage.TotalBytes);
            json.WriteNumber("arenaPlannedBytes", usage.PlannedBytes);
            json.WriteNumber("arenaPersistentBytes", usage.PersistentBytes);
            json.WriteStartArray("files");
            foreach (string file in written) json.WriteStringValue(file);
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}
