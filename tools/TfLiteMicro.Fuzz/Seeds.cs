namespace TfLiteMicro.Fuzz;

/// <summary>
/// The models mutants are made from: the shared models, every golden single-operator model and the compressed golden
/// models (COMPRESSION_METADATA and DECODE forms), found through TFLM_SHARED_DIR (or ../shared beside the repository).
/// Sorted by path so every process sees the same list.
/// </summary>
internal sealed class Seeds
{
    private Seeds(string root, string? only, IReadOnlyList<(string Name, byte[] Bytes)> models)
    {
        Root = root;
        Only = only;
        Models = models;
    }

    public string Root { get; }

    /// <summary>The name filter the seeds were chosen with (passed on to worker processes), or null for all.</summary>
    public string? Only { get; }
    public IReadOnlyList<(string Name, byte[] Bytes)> Models { get; }
    public int MaxLength => Models.Max(m => m.Bytes.Length);

    public static string? LocateShared(string? explicitRoot)
    {
        string? configured = explicitRoot ?? Environment.GetEnvironmentVariable("TFLM_SHARED_DIR");
        if (!string.IsNullOrEmpty(configured)) return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TfLiteMicro.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }
        return null;
    }

    /// <summary>The seed models under <paramref name="root"/>; with <paramref name="only"/> (comma-separated parts of names), just those matching one.</summary>
    public static Seeds Load(string root, string? only = null)
    {
        var files = new List<string>();
        string models = Path.Combine(root, "models");
        if (Directory.Exists(models)) files.AddRange(Directory.GetFiles(models, "*.tflite"));
        foreach (string kind in new[] { "ops", "compression" })
        {
            string cases = Path.Combine(root, "golden", kind);
            if (Directory.Exists(cases))
                files.AddRange(Directory.GetDirectories(cases).Select(d => Path.Combine(d, "model.tflite")).Where(File.Exists));
        }
        if (only is { Length: > 0 })
        {
            string[] parts = only.Split(',', StringSplitOptions.RemoveEmptyEntries);
            files.RemoveAll(f => !parts.Any(p => Path.GetRelativePath(root, f).Contains(p, StringComparison.Ordinal)));
        }
        files.Sort(StringComparer.Ordinal);
        if (files.Count == 0) throw new InvalidOperationException($"no seed models under {root} (models/*.tflite, golden/ops/*/model.tflite, golden/compression/*/model.tflite)");
        return new Seeds(root, only, files.Select(f => (Path.GetRelativePath(root, f), File.ReadAllBytes(f))).ToList());
    }

    /// <summary>Mutant <paramref name="index"/> of a campaign: which seed it comes from, its bytes and how it was made.</summary>
    public (int Seed, byte[] Bytes, string How) Mutant(int campaignSeed, long index)
    {
        var random = new Random(MixSeed(campaignSeed, index));
        int seed = random.Next(Models.Count);
        byte[] bytes = Mutator.Mutate(Models[seed].Bytes, random, out string how);
        return (seed, bytes, how);
    }

    /// <summary>A per-mutant random seed that is the same in every process (HashCode is randomized per process).</summary>
    private static int MixSeed(int campaignSeed, long index)
    {
        ulong z = unchecked((ulong)campaignSeed * 0x9E3779B97F4A7C15UL + (ulong)index);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)(z ^ (z >> 31));
    }
}
