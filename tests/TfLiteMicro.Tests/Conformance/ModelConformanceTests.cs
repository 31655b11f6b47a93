using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Conformance;

/// <summary>
/// Whole models from ../shared/golden (MODEL_seedN): outputs equal TFLM's, and our arena use is no larger than TFLM's.
/// </summary>
public sealed class ModelConformanceTests
{
    private const string NoSharedData = "(../shared not found)";

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in GoldenCase.ModelCaseNames()) data.Add(name);
        if (data.Count == 0) data.Add(NoSharedData);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MatchesTflm(string caseName)
    {
        if (caseName == NoSharedData) SharedData.RequireRoot();
        GoldenCase c = GoldenCase.Load(SharedData.Path("golden", caseName));
        OpResolver resolver = GoldenRunner.FullResolver();
        List<string> missing = GoldenRunner.MissingOps(Model.Load(File.ReadAllBytes(c.ModelPath)), resolver);
        Skip.If(missing.Count > 0, $"no kernel yet for {string.Join(", ", missing)}");
        string? problem = GoldenRunner.Run(c, resolver, out MicroInterpreter interpreter);
        Assert.True(problem is null, $"{caseName}: {problem}");
        Assert.True(interpreter.ArenaUsedBytes <= c.TflmArenaUsedBytes,
            $"{caseName}: we use {interpreter.ArenaUsedBytes} arena bytes, TFLM {c.TflmArenaUsedBytes}");
    }
}
