using System.Diagnostics;
using TfLiteMicro.Tests.Support;
using Xunit.Abstractions;

namespace TfLiteMicro.Tests.Hostile;

/// <summary>
/// The differential mutation campaign (tools/TfLiteMicro.Fuzz) over the shared and golden models: 20,000 mutants by
/// default (TFLM_MUTANTS for more), run in worker processes so that a crash or a hang is recorded instead of ending the
/// test run. Every mutant must run with the same outputs on the optimized and the reference kernels or be rejected by
/// both with the same named exception: no mismatch, disagreement, crash, hang or unwrapped exception.
/// </summary>
public sealed class DifferentialFuzzTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void TwentyThousandMutantsGiveNoMismatchCrashHangOrUnwrappedException()
    {
        string shared = SharedData.RequireRoot();
        string count = Environment.GetEnvironmentVariable("TFLM_MUTANTS") is { Length: > 0 } n ? n : "20000";
        string reproducers = Path.Combine(Path.GetTempPath(), $"tflm-fuzz-{Environment.ProcessId}");
        string tool = typeof(TfLiteMicro.Fuzz.Differential).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { tool, "campaign", "--count", count, "--seed", "20261205", "--shared", shared, "--out", reproducers })
            start.ArgumentList.Add(arg);
        using Process process = Process.Start(start)!;
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string log = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        output.WriteLine(log);
        output.WriteLine(errors.Result);
        Assert.True(process.ExitCode == 0, $"the campaign found failing mutants (reproducers in {reproducers}):\n{log}\n{errors.Result}");
        if (Directory.Exists(reproducers)) Directory.Delete(reproducers, recursive: true);
    }
}
