using TfLiteMicro.Memory;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using Xunit.Abstractions;

namespace TfLiteMicro.Tests.Memory;

/// <summary>
/// A plan written into a model as TFLM's OfflineMemoryAllocation metadata reads back unchanged, places every tensor at its
/// offset, and the rewritten model gives TFLM's golden outputs.
/// </summary>
public sealed class OfflinePlanRoundTripTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string name in GoldenCase.ModelCaseNames())
            if (name.EndsWith("_seed1", StringComparison.Ordinal)) data.Add(name);
        if (data.Count == 0) data.Add(SharedData.NoCases);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void RewrittenModelLoadsWithThePlanAndGivesTflmsOutputs(string caseName)
    {
        if (caseName == SharedData.NoCases) SharedData.RequireCases("golden");
        GoldenCase c = GoldenCase.Load(SharedData.Path("golden", caseName));
        Model model = Model.Load(File.ReadAllBytes(c.ModelPath));
        using var planned = new MicroInterpreter(model, GoldenRunner.FullResolver(), new byte[8 << 20]);
        planned.AllocateTensors();
        int[] offsets = planned.CreateOfflinePlan();
        Assert.Contains(offsets, o => o >= 0);

        byte[] rewritten = OfflinePlanWriter.Write(model, offsets);
        Assert.Equal(offsets, OfflineMemoryPlan.Read(Model.Load(rewritten)));

        string path = Path.Combine(Path.GetTempPath(), $"tflm-offline-{Environment.ProcessId}-{caseName}.tflite");
        File.WriteAllBytes(path, rewritten);
        try
        {
            var offline = new GoldenCase
            {
                Name = c.Name, Directory = c.Directory, ModelPath = path, TflmArenaUsedBytes = c.TflmArenaUsedBytes,
                Inputs = c.Inputs, Outputs = c.Outputs,
            };
            string? problem = GoldenRunner.Run(offline, GoldenRunner.FullResolver(), out MicroInterpreter interpreter);
            Assert.True(problem is null, $"{caseName} with the offline plan: {problem}");
            for (int t = 0; t < offsets.Length; t++)
                if (offsets[t] >= 0) Assert.Equal(offsets[t], interpreter.GetTensor(t).ArenaOffset);
            output.WriteLine($"{caseName}: planned {planned.ArenaUsage.PlannedBytes} B online, {interpreter.ArenaUsage.PlannedBytes} B with the offline plan (scratch placed around it)");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AModelWithSeveralSubgraphsHasNoOfflinePlanTflmCouldRead()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder main = builder.AddSubgraph("main");
        int x = main.AddTensor("x", TensorType.Float32, [1, 4]);
        int y = main.AddTensor("y", TensorType.Float32, [1, 4]);
        main.AddOperator(BuiltinOperator.Relu, [x], [y]);
        main.SetInputs(x);
        main.SetOutputs(y);
        SubgraphBuilder other = builder.AddSubgraph("other");
        int a = other.AddTensor("a", TensorType.Float32, [1]);
        other.SetInputs(a);
        other.SetOutputs(a);
        using var interpreter = new MicroInterpreter(Model.Load(builder.Build()), OpResolver.WithAllBuiltins(), new byte[1024]);
        interpreter.AllocateTensors();
        var e = Assert.Throws<NotSupportedException>(() => interpreter.CreateOfflinePlan());
        Assert.Contains("subgraphs", e.Message);
    }
}
