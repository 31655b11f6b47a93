using TfLiteMicro.Memory;
using TfLiteMicro.Tests.Support;
using Xunit.Abstractions;

namespace TfLiteMicro.Tests.Memory;

/// <summary>
/// Every operator on the in-place list (<see cref="BufferSharing.InPlace"/>) run over TFLM's golden cases with its output
/// written over its input (the model's input, which <see cref="InterpreterOptions.InputsMayBeOverwritten"/> allows), with
/// the optimized and the reference kernels, in a poisoned arena: the outputs are TFLM's bytes.
/// </summary>
public sealed class InPlaceOperatorTests(ITestOutputHelper output)
{
    /// <summary>The golden case name prefix of each operator on the list.</summary>
    private static readonly string[] Prefixes = ["add_", "sub_", "mul_", "relu_", "relu6_", "logistic_", "tanh_", "abs_", "leakyrelu_"];

    [SkippableFact]
    public void EveryInPlaceOperatorGivesTflmsBytesOverItsOwnInput()
    {
        string folder = SharedData.Path("golden", "ops");
        var problems = new List<string>();
        var inPlaceCases = Prefixes.ToDictionary(p => p, _ => 0);
        foreach (string name in GoldenCase.OpCaseNames())
        {
            string? prefix = Prefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal) && char.IsAsciiLetterLower(name[p.Length]));
            if (prefix is null) continue;
            GoldenCase c = GoldenCase.Load(Path.Combine(folder, name));
            foreach (bool reference in new[] { false, true })
            {
                string? problem = GoldenRunner.Run(c, GoldenRunner.FullResolver(), out MicroInterpreter interpreter, referenceKernels: reference,
                    inputsMayBeOverwritten: true);
                if (problem is not null) problems.Add($"{name}{(reference ? " (reference)" : "")}: {problem}");
                if (!BufferSharing.InPlace(interpreter.Graph.Nodes[0].Kernel))
                    problems.Add($"{name}: {interpreter.Graph.Nodes[0].Kernel.GetType().Name} is not on the in-place list");
                int outputOffset = interpreter.Output(0).ArenaOffset;
                bool inPlace = Enumerable.Range(0, interpreter.InputCount).Any(i => interpreter.Input(i).ArenaOffset == outputOffset);
                bool expected = Enumerable.Range(0, interpreter.InputCount)
                    .Any(i => interpreter.Input(i).Type == interpreter.Output(0).Type && interpreter.Input(i).Shape.SequenceEqual(interpreter.Output(0).Shape));
                if (inPlace != expected) problems.Add($"{name}: in place {inPlace}, expected {expected}");
                if (inPlace && !reference) inPlaceCases[prefix]++;
            }
        }
        output.WriteLine(string.Join(", ", inPlaceCases.Select(p => $"{p.Key.TrimEnd('_')} {p.Value}")));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
        Assert.All(inPlaceCases, p => Assert.True(p.Value > 0, $"no golden case of {p.Key.TrimEnd('_')} ran in place"));
    }
}
