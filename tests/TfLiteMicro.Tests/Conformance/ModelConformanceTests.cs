using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Conformance;

/// <summary>
/// Whole models from ../shared/golden (MODEL_seedN): outputs equal TFLM's, and our arena use is no larger than TFLM's.
/// </summary>
public sealed class ModelConformanceTests
{
    private const string NoSharedData = "(../shared not found)";

    /// <summary>Each case twice: with the optimized kernels (the default) and with the reference kernels only.</summary>
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in GoldenCase.ModelCaseNames())
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
        GoldenCase c = GoldenCase.Load(SharedData.Path("golden", caseName));
        OpResolver resolver = GoldenRunner.FullResolver();
        List<string> missing = GoldenRunner.MissingOps(Model.Load(File.ReadAllBytes(c.ModelPath)), resolver);
        Skip.If(missing.Count > 0, $"no kernel yet for {string.Join(", ", missing)}");
        string? problem = GoldenRunner.Run(c, resolver, out MicroInterpreter interpreter, referenceKernels: referenceKernels);
        Assert.True(problem is null, $"{caseName}{(referenceKernels ? " (reference kernels)" : "")}: {problem}");
        Assert.True(interpreter.ArenaUsedBytes <= c.TflmArenaUsedBytes,
            $"{caseName}: we use {interpreter.ArenaUsedBytes} arena bytes, TFLM {c.TflmArenaUsedBytes}");
    }
}
