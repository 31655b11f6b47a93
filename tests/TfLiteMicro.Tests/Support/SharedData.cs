namespace TfLiteMicro.Tests.Support;

/// <summary>
/// Finds ../shared (models, test data and TFLM's reference outputs) through TFLM_SHARED_DIR.
/// Tests that need it skip when it is absent, except under CI (CI=true), where its absence is a failure.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> s_root = new(Locate);

    /// <summary>The shared folder, or null when it cannot be found.</summary>
    public static string? Root => s_root.Value;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The shared folder; skips the test (or fails under CI) when it is absent.</summary>
    public static string RequireRoot()
    {
        string? root = Root;
        if (root is not null) return root;
        if (IsCi) throw new InvalidOperationException("../shared is required under CI but was not found (set TFLM_SHARED_DIR)");
        throw new SkipException("../shared not found (set TFLM_SHARED_DIR); this test needs TFLM's models and reference outputs");
    }

    public static string Path(params string[] parts) => System.IO.Path.Combine([RequireRoot(), .. parts]);

    public static byte[] ReadModel(string name) => File.ReadAllBytes(Path("models", name.EndsWith(".tflite", StringComparison.Ordinal) ? name : name + ".tflite"));

    private static string? Locate()
    {
        string? configured = Environment.GetEnvironmentVariable("TFLM_SHARED_DIR");
        if (!string.IsNullOrEmpty(configured))
            return Directory.Exists(configured) ? System.IO.Path.GetFullPath(configured) : null;
        // Default: ../shared next to the repository root, found by walking up from the test binaries.
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "TfLiteMicro.sln")))
            {
                string candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared"));
                return Directory.Exists(candidate) ? candidate : null;
            }
        }
        return null;
    }
}
