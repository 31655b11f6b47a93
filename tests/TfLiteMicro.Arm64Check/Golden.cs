using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TfLiteMicro;
using TfLiteMicro.Kernels;
using TfLiteMicro.Signal;
using TfLiteMicro.Tests.Support;

/// <summary>
/// TFLM's own outputs from the shared folder (golden/ops single-operator cases and golden/MODEL_seedN whole models): every
/// case runs with the optimized and with the reference kernels, or with the reference kernels alone where no optimized
/// ones exist (a missing kernel is a mismatch); integer outputs must equal TFLM's bytes, float32 ones agree within 1e-5
/// relative (NaN with NaN, infinities by sign). Shared by the Arm64 check and the Mono check (netstandard2.1 build).
/// </summary>
internal static class Golden
{
    private const double FloatTolerance = 1e-5;

    /// <summary>The shared folder: TFLM_SHARED_DIR, else none.</summary>
    public static string? Root()
    {
        string? configured = Environment.GetEnvironmentVariable("TFLM_SHARED_DIR");
        return !string.IsNullOrEmpty(configured) && Directory.Exists(Path.Combine(configured, "golden")) ? configured : null;
    }

    /// <summary>Runs every case of one kind; returns (cases run, mismatches). A case whose op has no kernel is a mismatch.</summary>
    public static (int Run, int Mismatches) RunAll(IEnumerable<string> caseDirectories, string root, string label, bool optimizedToo = true)
    {
        OpResolver resolver = OpResolver.WithAllBuiltins().AddSignalOps().AddDecode();
        byte[] arena = new byte[1 << 22];
        bool[] referenceChoices = optimizedToo ? [false, true] : [true];
        int run = 0, mismatches = 0;
        foreach (string directory in caseDirectories)
        {
            string modelName = ReadModelName(directory);
            string local = Path.Combine(directory, modelName);
            Model model = Model.Load(File.ReadAllBytes(File.Exists(local) ? local : Path.Combine(root, "models", modelName)));
            run++;
            foreach (bool reference in referenceChoices)
            {
                string? problem;
                // A fresh poisoned arena each time: nothing a kernel leaves unwritten can match by accident.
                arena.AsSpan().Fill(ArenaPoison.Reference);
                try { problem = RunCase(model, resolver, arena, directory, reference); }
                catch (Exception e) { problem = $"{e.GetType().Name}: {e.Message}"; }
                if (problem is null) continue;
                mismatches++;
                if (mismatches <= 10) Console.WriteLine($"  MISMATCH {label} {Path.GetFileName(directory)} ({(reference ? "reference" : "optimized")} kernels): {problem}");
                break;
            }
        }
        return (run, mismatches);
    }

    public static IEnumerable<string> OpCases(string root)
        => Directory.GetDirectories(Path.Combine(root, "golden", "ops")).Where(HasCase).OrderBy(d => d, StringComparer.Ordinal);

    public static IEnumerable<string> ModelCases(string root)
        => Directory.GetDirectories(Path.Combine(root, "golden")).Where(HasCase).OrderBy(d => d, StringComparer.Ordinal);

    /// <summary>The compressed models (metadata and DECODE forms), which exercise the decompression's shuffles.</summary>
    public static IEnumerable<string> CompressionCases(string root)
        => Directory.GetDirectories(Path.Combine(root, "golden", "compression")).Where(HasCase).OrderBy(d => d, StringComparer.Ordinal);

    private static bool HasCase(string directory) => File.Exists(Path.Combine(directory, "case.json"));

    /// <summary>The case's "model" entry (a plain file name), read without a JSON library so the Mono build needs none.</summary>
    private static string ReadModelName(string directory)
    {
        Match match = Regex.Match(File.ReadAllText(Path.Combine(directory, "case.json")), "\"model\"\\s*:\\s*\"([^\"\\\\]+)\"");
        return match.Success ? match.Groups[1].Value : throw new InvalidDataException($"{directory}: case.json names no model");
    }

    private static string? RunCase(Model model, OpResolver resolver, byte[] arena, string directory, bool reference)
    {
        using var interpreter = new MicroInterpreter(model, resolver, arena, new InterpreterOptions { UseReferenceKernels = reference });
        interpreter.AllocateTensors();
        for (int i = 0; i < interpreter.InputCount; i++)
            interpreter.Input(i).CopyFrom(File.ReadAllBytes(Path.Combine(directory, $"input{i}.bin")));
        interpreter.Invoke();
        for (int i = 0; i < interpreter.OutputCount; i++)
        {
            Tensor output = interpreter.Output(i);
            ReadOnlySpan<byte> ours = output.AsReadOnlySpan<byte>();
            byte[] expected = File.ReadAllBytes(Path.Combine(directory, $"output{i}.bin"));
            if (ours.Length != expected.Length) return $"output {i}: {ours.Length} bytes, TFLM wrote {expected.Length}";
            if (output.Type == TensorType.Float32)
            {
                ReadOnlySpan<float> got = MemoryMarshal.Cast<byte, float>(ours), want = MemoryMarshal.Cast<byte, float>(expected);
                for (int k = 0; k < want.Length; k++)
                    if (!FloatsMatch(got[k], want[k])) return $"output {i}[{k}] is {got[k]:R}, TFLM gives {want[k]:R}";
            }
            else if (!ours.SequenceEqual(expected))
            {
                int at = 0;
                while (ours[at] == expected[at]) at++;
                return $"output {i}: byte {at} is {ours[at]}, TFLM gives {expected[at]}";
            }
        }
        return null;
    }

    private static bool FloatsMatch(float actual, float expected)
    {
        if (float.IsNaN(expected)) return float.IsNaN(actual);
        if (float.IsInfinity(expected)) return actual == expected;
        return Math.Abs((double)actual - expected) <= FloatTolerance * Math.Max(1.0, Math.Abs((double)expected));
    }
}
