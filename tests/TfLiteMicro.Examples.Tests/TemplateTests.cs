using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace TfLiteMicro.Examples.Tests;

/// <summary>
/// The dotnet new templates as a user meets them, in a temporary folder outside the repository: the library and the
/// template package are packed to a local folder feed (the library is not published), the templates installed from
/// the .nupkg (into a template store of the test's own), and the generated projects built and run, plain and --aot.
/// </summary>
public sealed partial class TemplateTests : IDisposable
{
    private readonly string _repository = RepositoryRoot();
    private readonly string _work = Directory.CreateTempSubdirectory("tflm-template-").FullName;
    // A version of the library's package that no earlier run or other source has: the generated projects restore
    // exactly what was packed now, never a stale copy from NuGet's package folder.
    private readonly string _version = $"{LibraryVersion()}-templatetest.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public void Dispose()
    {
        Directory.Delete(_work, recursive: true);
        // The packages restored from the feed are this run's alone: leave nothing of them in NuGet's package folder.
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string restored = Path.Combine(packages, "tflitemicro", _version.ToLowerInvariant());
        if (Directory.Exists(restored)) Directory.Delete(restored, recursive: true);
    }

    [Fact]
    public void ConsoleTemplateAndItsNativeAotVariantBuildAndRun()
    {
        string feed = Path.Combine(_work, "feed"), hive = Path.Combine(_work, "templates");
        Dotnet(_repository, "pack", "src/TfLiteMicro", "-c", Configuration, "-o", feed, $"-p:PackageVersion={_version}");
        Dotnet(_repository, "pack", "templates/TfLiteMicro.Templates", "-c", Configuration, "-o", feed);
        string templates = Assert.Single(Directory.GetFiles(feed, "TfLiteMicro.Templates.*.nupkg"));
        Dotnet(_work, "new", "install", templates, "--debug:custom-hive", hive);
        File.WriteAllText(Path.Combine(_work, "nuget.config"), NuGetConfig(feed));

        // The plain console app: the embedded sine model, its one op, a sweep of x.
        Dotnet(_work, "new", "tflm-console", "-o", "SineApp", "--tflm-version", _version, "--debug:custom-hive", hive);
        Assert.False(File.Exists(Path.Combine(_work, "SineApp", "BOARD.md")));
        Assert.DoesNotContain("PublishAot", File.ReadAllText(Path.Combine(_work, "SineApp", "SineApp.csproj")));
        AssertSineSweep(Dotnet(_work, "run", "--project", "SineApp"));

        // The NativeAOT variant for a board: the same program, with the AOT project settings and the board notes.
        Dotnet(_work, "new", "tflm-console", "--aot", "--arm64-isa", "armv8.2-a,dotprod", "-o", "BoardApp", "--tflm-version", _version,
            "--debug:custom-hive", hive);
        string project = File.ReadAllText(Path.Combine(_work, "BoardApp", "BoardApp.csproj"));
        Assert.Contains("<PublishAot>true</PublishAot>", project);
        Assert.Contains("<IlcInstructionSet>armv8.2-a,dotprod</IlcInstructionSet>", project);
        Assert.Contains("linux-arm64/publish/BoardApp", File.ReadAllText(Path.Combine(_work, "BoardApp", "BOARD.md")));
        AssertSineSweep(Dotnet(_work, "run", "--project", "BoardApp"));
    }

    /// <summary>Nine rows x, sin(x), prediction, each prediction within 0.1 of sin(x), then the arena line.</summary>
    private static void AssertSineSweep(string output)
    {
        MatchCollection rows = SweepRow().Matches(output);
        Assert.True(rows.Count == 9, output);
        foreach (Match row in rows)
        {
            double sine = double.Parse(row.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            double predicted = double.Parse(row.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(sine - predicted) < 0.1, row.Value);
        }
        Assert.Contains("arena: 448 of 2048 arena bytes used", output);
    }

    [GeneratedRegex(@"^\s*(-?\d+\.\d{3})\s+(-?\d+\.\d{3})\s+(-?\d+\.\d{3})\s*$", RegexOptions.Multiline)]
    private static partial Regex SweepRow();

    private static string NuGetConfig(string feed) => $"""
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
        """;

    /// <summary>Runs dotnet with <paramref name="arguments"/> in <paramref name="directory"/>; fails with its output unless it exits 0.</summary>
    private static string Dotnet(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        // The test host runs under dotnet test, whose MSBuild settings must not leak into these builds.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) ||
                                                                k.StartsWith("MSBUILD", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

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

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "TfLiteMicro.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (TfLiteMicro.sln) was not found above the test binaries");
    }

    private static string LibraryVersion()
    {
        string props = File.ReadAllText(Path.Combine(RepositoryRoot(), "Directory.Build.props"));
        return Regex.Match(props, "<Version>([^<]+)</Version>").Groups[1].Value;
    }
}
