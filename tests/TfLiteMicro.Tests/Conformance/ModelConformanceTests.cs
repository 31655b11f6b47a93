using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Conformance;

/// <summary>
/// Whole models from ../shared/golden (MODEL_seedN): outputs equal TFLM's, and our arena use is no larger than TFLM's.
/// </summary>
public sealed class ModelConformanceTests
{
    /// <summary>What ../shared/README.md describes: three seeded runs of each of its eleven models.</summary>
    private const int SharedModelCases = 33;

    /// <summary>Each case twice: with the optimized kernels (the default) and with the reference kernels only.</summary>
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in GoldenCase.ModelCaseNames())
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        if (data.Count == 0) data.Add(SharedData.NoCases, false);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void MatchesTflm(string caseName, bool referenceKernels)
    {
        if (caseName == SharedData.NoCases) SharedData.RequireCases("golden");
        GoldenCase c = GoldenCase.Load(SharedData.Path("golden", caseName));
        string? problem = GoldenRunner.Run(c, GoldenRunner.FullResolver(), out MicroInterpreter interpreter, referenceKernels: referenceKernels);
        Assert.True(problem is null, $"{caseName}{(referenceKernels ? " (reference kernels)" : "")}: {problem}");
        Assert.Equal(GoldenRunner.Planner, interpreter.MemoryPlanSummary!.Planner);
        // Split layers give each thread its own scratch buffers, which TFLM (one thread) does not have.
        if (interpreter.ThreadsInUse == 1)
            Assert.True(interpreter.ArenaUsedBytes <= c.TflmArenaUsedBytes,
                $"{caseName}: we use {interpreter.ArenaUsedBytes} arena bytes, TFLM {c.TflmArenaUsedBytes}");
        interpreter.Dispose();
    }

    /// <summary>Every model case with <see cref="InterpreterOptions.Threads"/> = 2, every layer that can be split split: TFLM's bytes again.</summary>
    public static TheoryData<string> ThreadCases()
    {
        var data = new TheoryData<string>();
        foreach (string name in GoldenCase.ModelCaseNames()) data.Add(name);
        if (data.Count == 0) data.Add(SharedData.NoCases);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(ThreadCases))]
    public void MatchesTflmWithTwoThreads(string caseName)
    {
        if (caseName == SharedData.NoCases) SharedData.RequireCases("golden");
        GoldenCase c = GoldenCase.Load(SharedData.Path("golden", caseName));
        string? problem = GoldenRunner.Run(c, GoldenRunner.FullResolver(), out MicroInterpreter interpreter, threads: 2);
        using (interpreter)
        {
            Assert.True(problem is null, $"{caseName} (2 threads): {problem}");
            // The convolution models do split where the processor has fast paths (else this would test one thread again);
            // models without a split layer, and runs without fast paths (DOTNET_EnableHWIntrinsic=0), start no thread.
            bool splits = TfLiteMicro.Kernels.Simd.Supported != SimdLevel.Reference
                          && (caseName.StartsWith("person_detect", StringComparison.Ordinal) || caseName.StartsWith("micro_speech", StringComparison.Ordinal));
            Assert.Equal(splits ? 2 : 1, interpreter.ThreadsInUse);
        }
    }

    /// <summary>No whole-model case is lost before <see cref="MatchesTflm"/> sees it.</summary>
    [SkippableFact]
    public void Every_model_case_the_shared_readme_describes_is_there()
    {
        SharedData.Path("golden");
        string[] names = [.. GoldenCase.ModelCaseNames()];
        Assert.True(names.Length >= SharedModelCases, $"{names.Length} model cases in golden/, the shared README describes {SharedModelCases}");
        Assert.All(names, name => Assert.Matches("_seed[0-9]+$", name));
    }
}
