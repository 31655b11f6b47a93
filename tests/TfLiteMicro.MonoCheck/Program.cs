using System.Diagnostics;
using System.Reflection;
using System.Runtime.Versioning;
using TfLiteMicro;

// TFLM's golden outputs (the shared folder's golden/ops, golden/MODEL_seedN and golden/compression cases, see Golden.cs) with the reference
// kernels of the netstandard2.1 assemblies, on whatever runtime runs this program (Mono for scripts/check-mono.sh).
// Integer outputs must equal TFLM's bytes, float32 ones agree within 1e-5 relative. Exit code 1 on any mismatch, 2
// when the shared folder is missing.
Type? mono = Type.GetType("Mono.Runtime");
string runtime = mono?.GetMethod("GetDisplayName", BindingFlags.NonPublic | BindingFlags.Static)?.Invoke(null, null) is string version
    ? $"Mono {version}"
    : System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;
Console.WriteLine($"runtime: {runtime}");
foreach (Assembly assembly in new[] { typeof(Model).Assembly, typeof(TfLiteMicro.Signal.SignalOps).Assembly })
    Console.WriteLine($"{assembly.GetName().Name}: {assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName ?? "unknown target"}");

if (Golden.Root() is not { } root)
{
    Console.WriteLine("TFLM_SHARED_DIR does not name the shared folder (with golden/): nothing to check");
    return 2;
}
var watch = Stopwatch.StartNew();
int mismatches = 0, cases = 0;
foreach (var (label, directories) in new[] { ("golden ops", Golden.OpCases(root)), ("golden models", Golden.ModelCases(root)), ("golden compression", Golden.CompressionCases(root)) })
{
    var (run, failed) = Golden.RunAll(directories, root, label, optimizedToo: false);
    Console.WriteLine($"{label}: {run} cases, {failed} mismatches");
    cases += run;
    mismatches += failed;
}
Console.WriteLine($"{cases} cases, {mismatches} mismatches ({watch.Elapsed.TotalSeconds:F1} s)");
return mismatches == 0 && cases > 0 ? 0 : 1;
