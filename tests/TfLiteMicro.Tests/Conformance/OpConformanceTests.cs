using System.Text.RegularExpressions;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Conformance;

/// <summary>
/// Every single-operator case TFLM produced (../shared/golden/ops), run through our interpreter and compared with
/// TFLM's bytes: integer and bool outputs exactly, float32 within <see cref="GoldenRunner.FloatTolerance"/>. Every op
/// has a kernel, so a case whose op has none fails.
/// </summary>
public sealed partial class OpConformanceTests
{
    /// <summary>What ../shared/README.md describes: 646 cases over 216 op and type names (&lt;op&gt;_&lt;types&gt;).</summary>
    private const int SharedCases = 646, SharedCombinations = 216;

    /// <summary>Each case twice: with the optimized kernels (the default) and with the reference kernels only.</summary>
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in GoldenCase.OpCaseNames())
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
        if (caseName == SharedData.NoCases) SharedData.RequireCases("golden", "ops");
        GoldenCase c = GoldenCase.Load(SharedData.Path("golden", "ops", caseName));
        string? problem = GoldenRunner.Run(c, GoldenRunner.FullResolver(), out _, referenceKernels: referenceKernels);
        Assert.True(problem is null, $"{caseName}{(referenceKernels ? " (reference kernels)" : "")}: {problem}");
    }

    [GeneratedRegex("^(?<combination>[a-z0-9]+(?:_[a-z0-9]+)*?)_(?<k>[0-9]+)$")]
    private static partial Regex CaseName();

    /// <summary>
    /// No case is lost before <see cref="MatchesTflm"/> sees it: every folder is a complete case named
    /// &lt;op&gt;_&lt;types&gt;_&lt;k&gt; (its case.json, its model, one input and output file per tensor listed, of the size
    /// listed), and there are at least as many cases and op/type combinations as the shared README describes.
    /// </summary>
    [SkippableFact]
    public void Every_case_folder_is_complete_and_every_combination_is_there()
    {
        string folder = SharedData.Path("golden", "ops");
        var combinations = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        string[] names = [.. GoldenCase.OpCaseNames()];
        Assert.Equal(Directory.GetDirectories(folder).Length, names.Length);
        foreach (string name in names)
        {
            Match match = CaseName().Match(name);
            if (!match.Success) { problems.Add($"{name}: not named <op>_<types>_<k>"); continue; }
            string combination = match.Groups["combination"].Value;
            combinations[combination] = combinations.GetValueOrDefault(combination) + 1;
            GoldenCase c = GoldenCase.Load(System.IO.Path.Combine(folder, name));
            if (!File.Exists(c.ModelPath)) problems.Add($"{name}: no model at {c.ModelPath}");
            if (c.Outputs.Count == 0) problems.Add($"{name}: case.json lists no output");
            problems.AddRange(Missing(c, "input", c.Inputs));
            problems.AddRange(Missing(c, "output", c.Outputs));
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.True(names.Length >= SharedCases, $"{names.Length} cases in {folder}, the shared README describes {SharedCases}");
        Assert.True(combinations.Count >= SharedCombinations,
            $"{combinations.Count} op and type combinations in {folder}, the shared README describes {SharedCombinations}");
    }

    private static IEnumerable<string> Missing(GoldenCase c, string kind, IReadOnlyList<GoldenTensor> tensors)
    {
        for (int i = 0; i < tensors.Count; i++)
        {
            string file = System.IO.Path.Combine(c.Directory, $"{kind}{i}.bin");
            if (!File.Exists(file)) yield return $"{c.Name}: {kind}{i}.bin is missing";
            else if (tensors[i].Bytes >= 0 && new FileInfo(file).Length != tensors[i].Bytes)
                yield return $"{c.Name}: {kind}{i}.bin holds {new FileInfo(file).Length} bytes, case.json says {tensors[i].Bytes}";
        }
    }
}
