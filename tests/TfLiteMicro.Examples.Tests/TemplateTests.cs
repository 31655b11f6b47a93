using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TfLiteMicro.Examples.Tests;

/// <summary>
/// The dotnet new templates as a user meets them, in a temporary folder outside the repository: the templates installed
/// from the packed .nupkg, the plain console app generated, built and run against the packed library. The --aot variant
/// is generated and its project evaluated for each board's runtime, not built: restoring a NativeAOT project fetches
/// the compiler's packs (about 250 MB), so its real publish runs in scripts/publish-aot.sh instead.
/// </summary>
public sealed partial class TemplateTests(PackedTemplates packed) : IClassFixture<PackedTemplates>
{
    private static readonly string TemplateContent =
        Path.Combine(PackedTemplates.RepositoryRoot, "templates", "TfLiteMicro.Templates", "content", "tflm-console");

    [Fact]
    public void ConsoleTemplateBuildsAndRuns()
    {
        string app = packed.New("SineApp");
        Assert.False(File.Exists(Path.Combine(app, "BOARD.md")));
        string project = File.ReadAllText(Path.Combine(app, "SineApp.csproj"));
        Assert.DoesNotContain("PublishAot", project);
        Assert.DoesNotContain("#if", project);
        Assert.Contains($"<PackageReference Include=\"TfLiteMicro\" Version=\"{packed.Version}\" />", project);

        // The embedded sine model, its one op, a sweep of x.
        string output = PackedTemplates.Dotnet(packed.Work, "run", "--project", "SineApp");
        MatchCollection rows = SweepRow().Matches(output);
        Assert.True(rows.Count == 9, output);
        foreach (Match row in rows)
        {
            double sine = double.Parse(row.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            double predicted = double.Parse(row.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(sine - predicted) < 0.1, row.Value);
        }
        Assert.Contains("arena: 32 of 2048 arena bytes used", output);
    }

    [Fact]
    public void NativeAotVariantIsGeneratedForABoard()
    {
        string app = packed.New("BoardApp", "--aot", "--arm64-isa", "armv8.2-a,dotprod");
        Assert.Contains("linux-arm64/publish/BoardApp", File.ReadAllText(Path.Combine(app, "BOARD.md")));
        Assert.DoesNotContain("#if", File.ReadAllText(Path.Combine(app, "BoardApp.csproj")));
        // The program is the plain variant's, which the other test builds and runs.
        foreach (string file in new[] { "Program.cs", "Model.g.cs", "model.tflite" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(TemplateContent, file)), File.ReadAllBytes(Path.Combine(app, file)));

        // The project as MSBuild reads it for each board (evaluation only: no restore, no build).
        Dictionary<string, string> arm64 = Evaluate(app, "linux-arm64");
        Assert.Equal("true", arm64["PublishAot"]);
        Assert.Equal("true", arm64["InvariantGlobalization"]);
        Assert.Equal("armv8.2-a,dotprod", arm64["IlcInstructionSet"]);
        Assert.Equal("true", arm64["EnableAotAnalyzer"]);
        if (System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64)
            Assert.Equal("clang", arm64["CppCompilerAndLinker"]);   // cross-linking for the board
        Dictionary<string, string> x64 = Evaluate(app, "linux-x64");
        Assert.Equal("true", x64["PublishAot"]);
        Assert.Equal("x86-64-v3", x64["IlcInstructionSet"]);
    }

    private static Dictionary<string, string> Evaluate(string project, string runtime)
    {
        string[] names = ["PublishAot", "InvariantGlobalization", "IlcInstructionSet", "EnableAotAnalyzer", "CppCompilerAndLinker"];
        string json = PackedTemplates.Dotnet(project, ["msbuild", $"-p:RuntimeIdentifier={runtime}", .. names.Select(n => $"-getProperty:{n}")]);
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("Properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
    }

    [GeneratedRegex(@"^\s*(-?\d+\.\d{3})\s+(-?\d+\.\d{3})\s+(-?\d+\.\d{3})\s*$", RegexOptions.Multiline)]
    private static partial Regex SweepRow();
}

/// <summary>
/// Once per test run: the library and the template package packed into a local folder feed (from the build that ran
/// before the tests: the test project references both), the templates installed into a store of the run's own, and a
/// nuget.config that takes TfLiteMicro from the feed, all in a temporary folder removed afterwards.
/// </summary>
public sealed class PackedTemplates : IDisposable
{
    /// <summary>The repository's root folder (the one holding TfLiteMicro.sln).</summary>
    public static readonly string RepositoryRoot = FindRepositoryRoot();

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>The temporary folder the projects are generated in.</summary>
    public string Work { get; } = Directory.CreateTempSubdirectory("tflm-template-").FullName;

    /// <summary>
    /// The library's version in the feed, one no earlier run or other source has: the generated projects restore
    /// exactly what was packed now, never a stale copy from NuGet's package folder.
    /// </summary>
    public string Version { get; } = $"{LibraryVersion()}-templatetest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    private readonly string _hive;

    public PackedTemplates()
    {
        string feed = Path.Combine(Work, "feed");
        _hive = Path.Combine(Work, "templates");
        // The two packs take turns with nothing: run them side by side.
        Task.WaitAll(
            Task.Run(() => Dotnet(RepositoryRoot, "pack", "src/TfLiteMicro", "--no-build", "-c", Configuration, "-o", feed,
                $"-p:PackageVersion={Version}")),
            Task.Run(() => Dotnet(RepositoryRoot, "pack", "templates/TfLiteMicro.Templates", "--no-build", "-c", Configuration, "-o", feed)));
        string templates = Assert.Single(Directory.GetFiles(feed, "TfLiteMicro.Templates.*.nupkg"));
        Dotnet(Work, "new", "install", templates, "--debug:custom-hive", _hive);
        File.WriteAllText(Path.Combine(Work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="local"><package pattern="TfLiteMicro" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);
    }

    /// <summary>dotnet new tflm-console -o <paramref name="name"/> with <paramref name="options"/>; returns the project folder.</summary>
    public string New(string name, params string[] options)
    {
        Dotnet(Work, ["new", "tflm-console", "-o", name, "--tflm-version", Version, "--debug:custom-hive", _hive, .. options]);
        return Path.Combine(Work, name);
    }

    public void Dispose()
    {
        Directory.Delete(Work, recursive: true);
        // The package restored from the feed is this run's alone: leave nothing of it in NuGet's package folder.
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string restored = Path.Combine(packages, "tflitemicro", Version.ToLowerInvariant());
        if (Directory.Exists(restored)) Directory.Delete(restored, recursive: true);
    }

    /// <summary>Runs dotnet with <paramref name="arguments"/> in <paramref name="directory"/>; fails with its output unless it exits 0.</summary>
    public static string Dotnet(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // The test host runs under dotnet test, whose MSBuild settings must not leak into these builds.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No build server outlives the test: MSBuild nodes and the compiler server end with their command.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["UseSharedCompilation"] = "false";

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish in 5 minutes:\n{output}");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        return output.ToString();
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TfLiteMicro.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (TfLiteMicro.sln) was not found above the test binaries");
    }

    private static string LibraryVersion()
    {
        string props = File.ReadAllText(Path.Combine(RepositoryRoot, "Directory.Build.props"));
        return Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value;
    }
}
