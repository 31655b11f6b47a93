namespace TfLiteMicro.Tests.Support;

/// <summary>
/// Finds ../shared (models, test data and TFLM's reference outputs) through TFLM_SHARED_DIR.
/// Tests that need it skip when it (or the part they read) is absent, except under CI (CI=true), where its absence is
/// a failure: the README's <c>dotnet test</c> passes on a fresh clone, and CI cannot pass without TFLM's outputs.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string?> s_root = new(Locate);

    /// <summary>The shared folder, or null when it cannot be found.</summary>
    public static string? Root => s_root.Value;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The shared folder; skips the test (or fails under CI) when it is absent.</summary>
    public static string RequireRoot()
        => Root ?? throw Absent("../shared not found (set TFLM_SHARED_DIR); this test needs TFLM's models and reference outputs");

    /// <summary>
    /// A file or folder of the shared data. Every test reads shared data through here: when it is missing the test is
    /// skipped, except under CI, where it fails.
    /// </summary>
    public static string Path(params string[] parts)
    {
        string path = System.IO.Path.Combine([RequireRoot(), .. parts]);
        if (File.Exists(path) || Directory.Exists(path)) return path;
        throw Absent($"{path} is not in the shared folder (an older copy of ../shared?)");
    }

    /// <summary>The one theory row given when a shared folder yields no case, so that a theory over its cases still runs and says why.</summary>
    public const string NoCases = "(no cases found)";

    /// <summary>For the <see cref="NoCases"/> row: skips (fails under CI) when the folder is absent, fails when it holds no case.</summary>
    public static void RequireCases(params string[] folder)
    {
        string path = Path(folder);
        Assert.Fail($"{path} holds no cases");
    }

    private static Exception Absent(string message)
        => IsCi ? new InvalidOperationException($"{message}; under CI (CI=true) the shared data must be present") : new SkipException(message);

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
