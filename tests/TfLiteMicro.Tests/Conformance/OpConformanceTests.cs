using TfLiteMicro.Tests.Support;
using Xunit.Abstractions;

namespace TfLiteMicro.Tests.Conformance;

/// <summary>
/// Every single-operator case TFLM produced (../shared/golden/ops), run through our interpreter and compared with
/// TFLM's bytes: integer and bool outputs exactly, float32 within <see cref="GoldenRunner.FloatTolerance"/>.
/// A case whose op has no kernel yet is skipped and named.
/// </summary>
public sealed class OpConformanceTests(ITestOutputHelper output)
{
    private const string NoSharedData = "(../shared not found)";

    /// <summary>Each case twice: with the optimized kernels (the default) and with the reference kernels only.</summary>
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in GoldenCase.OpCaseNames())
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        if (data.Count == 0) data.Add(NoSharedData, false);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MatchesTflm(string caseName, bool referenceKernels)
    {
        if (caseName == NoSharedData) SharedData.RequireRoot();
        GoldenCase c = GoldenCase.Load(SharedData.Path("golden", "ops", caseName));
        OpResolver resolver = GoldenRunner.FullResolver();
        List<string> missing = GoldenRunner.MissingOps(Model.Load(File.ReadAllBytes(c.ModelPath)), resolver);
        Skip.If(missing.Count > 0, $"no kernel yet for {string.Join(", ", missing)}");
        string? problem = GoldenRunner.Run(c, resolver, out _, referenceKernels: referenceKernels);
        Assert.True(problem is null, $"{caseName}{(referenceKernels ? " (reference kernels)" : "")}: {problem}");
    }

    /// <summary>Prints the pass count per op and type, the figure the issue notes quote.</summary>
    [SkippableFact]
    public void ReportPassCountsPerOp()
    {
        SharedData.RequireRoot();
        var counts = new SortedDictionary<string, (int Passed, int Failed, int Skipped)>(StringComparer.Ordinal);
        foreach (string name in GoldenCase.OpCaseNames())
        {
            string key = name[..name.LastIndexOf('_')];
            (int p, int f, int s) = counts.GetValueOrDefault(key);
            GoldenCase c = GoldenCase.Load(SharedData.Path("golden", "ops", name));
            OpResolver resolver = GoldenRunner.FullResolver();
            if (GoldenRunner.MissingOps(Model.Load(File.ReadAllBytes(c.ModelPath)), resolver).Count > 0) { counts[key] = (p, f, s + 1); continue; }
            string? problem;
            try { problem = GoldenRunner.Run(c, resolver, out _); }
            catch (Exception e) { problem = e.Message; }
            counts[key] = problem is null ? (p + 1, f, s) : (p, f + 1, s);
        }
        int passed = counts.Values.Sum(v => v.Passed), failed = counts.Values.Sum(v => v.Failed), skipped = counts.Values.Sum(v => v.Skipped);
        foreach ((string key, (int p, int f, int s)) in counts)
            output.WriteLine($"{key,-24} passed {p}  failed {f}  no kernel {s}");
        output.WriteLine($"total: {passed} passed, {failed} failed, {skipped} without a kernel, of {passed + failed + skipped}");
    }
}
