namespace TfLiteMicro.Benchmarks;

/// <summary>The shared models (TFLM_SHARED_DIR, else ../shared beside the repository) whose every op has a kernel.</summary>
internal static class SharedModels
{
    public static string? Directory()
    {
        string? configured = Environment.GetEnvironmentVariable("TFLM_SHARED_DIR");
        if (!string.IsNullOrEmpty(configured) && System.IO.Directory.Exists(configured)) return Path.GetFullPath(configured);
        // Walk up from the working directory and from the binary: the repository's parent holds shared/.
        foreach (string start in new[] { System.IO.Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? d = new(start); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, "shared");
                if (System.IO.Directory.Exists(Path.Combine(candidate, "models"))) return candidate;
            }
        }
        return null;
    }

    public static IEnumerable<string> Supported()
    {
        string? shared = Directory();
        if (shared is null) yield break;
        OpResolver resolver = InterpreterRun.Resolver();
        foreach (string path in System.IO.Directory.GetFiles(Path.Combine(shared, "models"), "*.tflite").Order(StringComparer.Ordinal))
        {
            Model model;
            try { model = Model.Load(File.ReadAllBytes(path)); }
            catch (TfLiteMicroException) { continue; }
            if (model.Subgraphs.SelectMany(s => s.Operators).All(op => resolver.Supports(op.Code)))
                yield return Path.GetFileNameWithoutExtension(path);
        }
    }

    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Directory()!, "models", name + ".tflite"));
}
