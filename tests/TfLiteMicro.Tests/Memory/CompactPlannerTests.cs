using TfLiteMicro.Memory;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Kernels.MatMul;
using TfLiteMicro.Tests.Support;
using Xunit.Abstractions;

namespace TfLiteMicro.Tests.Memory;

/// <summary>The compact planner on hand-made lifetimes: valid plans, never above greedy, down to the lower bound where placement allows.</summary>
public sealed class CompactMemoryPlannerTests(ITestOutputHelper output)
{
    [Fact]
    public void BeatsGreedyWhereGreedyBySizeLeavesAHole()
    {
        // Greedy places the largest (a) at 0, then c (64 bytes, alive with a) above it; b (48, alive with c only) fits at
        // 0 below c, but d (64, alive with b and c) then has to go above everything. Placing c at 0 first avoids that.
        (int Size, int First, int Last)[] buffers = [(96, 0, 1), (48, 2, 3), (64, 1, 3), (48, 3, 4), (80, 4, 5)];
        var greedy = new GreedyMemoryPlanner();
        var compact = new CompactMemoryPlanner();
        foreach ((int size, int first, int last) in buffers)
        {
            greedy.AddBuffer(size, first, last);
            compact.AddBuffer(size, first, last);
        }
        AssertValid(compact, buffers);
        Assert.True(compact.TotalSize <= greedy.TotalSize);
        Assert.Equal(compact.LowerBound, compact.TotalSize);
        Assert.Equal(greedy.TotalSize, compact.GreedyBytes);
    }

    [Fact]
    public void LowerBoundIsTheMostBytesAliveAtOneStep()
    {
        var compact = new CompactMemoryPlanner();
        compact.AddBuffer(100, 0, 1);  // 112 aligned
        compact.AddBuffer(32, 1, 2);
        compact.AddBuffer(64, 2, 2);
        compact.AddBuffer(16, 3, 3);
        // Step 1: 112 + 32; step 2: 32 + 64.
        Assert.Equal(144, compact.LowerBound);
        Assert.Equal(144, compact.TotalSize);
    }

    [Fact]
    public void RandomLifetimesGiveValidPlansNeverAboveGreedy()
    {
        var random = new Random(1601);
        int improved = 0, atLowerBound = 0, greedyAtLowerBound = 0;
        long greedyBytes = 0, compactBytes = 0;
        for (int round = 0; round < 200; round++)
        {
            int n = random.Next(1, 40), steps = random.Next(1, 30);
            var buffers = new (int Size, int First, int Last)[n];
            var greedy = new GreedyMemoryPlanner();
            var compact = new CompactMemoryPlanner { EvaluationLimit = 300 };
            for (int i = 0; i < n; i++)
            {
                int first = random.Next(steps);
                buffers[i] = (random.Next(0, 2000), first, Math.Min(steps - 1, first + random.Next(0, 6)));
                greedy.AddBuffer(buffers[i].Size, buffers[i].First, buffers[i].Last);
                compact.AddBuffer(buffers[i].Size, buffers[i].First, buffers[i].Last);
            }
            AssertValid(compact, buffers);
            Assert.True(compact.TotalSize <= greedy.TotalSize, $"round {round}: {compact.TotalSize} > greedy {greedy.TotalSize}");
            Assert.True(compact.TotalSize >= compact.LowerBound, $"round {round}: below the lower bound");
            if (compact.TotalSize < greedy.TotalSize) improved++;
            if (compact.TotalSize == compact.LowerBound) atLowerBound++;
            if (greedy.TotalSize == compact.LowerBound) greedyAtLowerBound++;
            greedyBytes += greedy.TotalSize;
            compactBytes += compact.TotalSize;
        }
        output.WriteLine($"200 random plans: {improved} below greedy, {atLowerBound} at the lower bound (greedy {greedyAtLowerBound}), "
            + $"bytes in all {compactBytes} against greedy's {greedyBytes}");
        Assert.True(improved > 0, "the search never did better than greedy");
    }

    [Fact]
    public void FixedOffsetsAreKept()
    {
        var compact = new CompactMemoryPlanner();
        int a = compact.AddBuffer(64, 0, 2, fixedOffset: 128);
        int b = compact.AddBuffer(64, 1, 1);
        int c = compact.AddBuffer(32, 2, 3);
        Assert.Equal(128, compact.GetOffset(a));
        AssertValid(compact, [(64, 0, 2), (64, 1, 1), (32, 2, 3)]);
        Assert.True(compact.GetOffset(b) + 64 <= 128 || compact.GetOffset(b) >= 192);
        Assert.True(compact.GetOffset(c) >= 0);
    }

    /// <summary>No two buffers alive at one step share a byte, and the total covers every buffer.</summary>
    internal static void AssertValid(IMemoryPlanner planner, (int Size, int First, int Last)[] buffers)
    {
        for (int i = 0; i < buffers.Length; i++)
        {
            long ai = planner.GetOffset(i), ei = ai + GreedyMemoryPlanner.AlignUp(buffers[i].Size);
            Assert.True(ai >= 0 && ei <= planner.TotalSize, $"buffer {i} at {ai}..{ei} outside 0..{planner.TotalSize}");
            for (int j = i + 1; j < buffers.Length; j++)
            {
                if (buffers[i].Last < buffers[j].First || buffers[j].Last < buffers[i].First) continue;
                long aj = planner.GetOffset(j), ej = aj + GreedyMemoryPlanner.AlignUp(buffers[j].Size);
                if (ei == ai || ej == aj) continue;
                Assert.True(ei <= aj || ej <= ai, $"buffers {i} ({ai}..{ei}) and {j} ({aj}..{ej}) overlap while both alive");
            }
        }
    }
}

/// <summary>Buffers that share bytes in the interpreter's plan: RESHAPE-like aliases and element-wise operators in place.</summary>
public sealed class BufferSharingTests
{
    /// <summary>
    /// x [1,8] -> FC -> h [1,64] -> OP -> y -> FC -> z [1,8], float32, h[i] = x[i % 8] and z = y[0..8]; OP is
    /// <paramref name="op"/> (RELU, RESHAPE to [64,1], or ADD h + h), over x itself when <paramref name="opOnInput"/>.
    /// </summary>
    private static byte[] ChainModel(BuiltinOperator op, bool opOnInput = false)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph("main");
        int width = opOnInput ? 8 : 64;
        float[] spread = new float[64 * 8], pick = new float[8 * width];
        for (int i = 0; i < 64; i++) spread[i * 8 + i % 8] = 1f;
        for (int j = 0; j < 8; j++) pick[j * width + j] = 1f;
        int x = graph.AddTensor("x", TensorType.Float32, [1, 8]);
        int w1 = graph.AddConstant<float>("w1", TensorType.Float32, [64, 8], spread);
        int w2 = graph.AddConstant<float>("w2", TensorType.Float32, [8, width], pick);
        int h = graph.AddTensor("h", TensorType.Float32, [1, 64]);
        int y = graph.AddTensor("y", TensorType.Float32, op == BuiltinOperator.Reshape ? [width, 1] : [1, width]);
        int z = graph.AddTensor("z", TensorType.Float32, [1, 8]);
        if (!opOnInput) graph.AddOperator(BuiltinOperator.FullyConnected, [x, w1, -1], [h], OperatorOptions.FullyConnected());
        int source = opOnInput ? x : h;
        if (op == BuiltinOperator.Add) graph.AddOperator(op, [source, source], [y], OperatorOptions.Add());
        else graph.AddOperator(op, [source], [y], op == BuiltinOperator.Reshape ? OperatorOptions.Reshape(width, 1) : null);
        graph.AddOperator(BuiltinOperator.FullyConnected, [y, w2, -1], [z], OperatorOptions.FullyConnected());
        graph.SetInputs(x);
        graph.SetOutputs(z);
        return builder.Build();
    }

    private static MicroInterpreter Allocate(byte[] model, MemoryPlannerKind planner = MemoryPlannerKind.Compact, bool inputsMayBeOverwritten = false)
    {
        var interpreter = new MicroInterpreter(Model.Load(model), OpResolver.WithAllBuiltins(), ArenaPoison.New(4096),
            new InterpreterOptions { Planner = planner, InputsMayBeOverwritten = inputsMayBeOverwritten });
        interpreter.AllocateTensors();
        return interpreter;
    }

    [Theory]
    [InlineData(BuiltinOperator.Reshape, BufferSharingKind.Alias)]
    [InlineData(BuiltinOperator.Relu, BufferSharingKind.InPlace)]
    [InlineData(BuiltinOperator.Add, BufferSharingKind.InPlace)]
    public void OutputTakesTheBytesOfAnInputThatDiesThere(BuiltinOperator op, BufferSharingKind kind)
    {
        using MicroInterpreter compact = Allocate(ChainModel(op));
        using MicroInterpreter greedy = Allocate(ChainModel(op), MemoryPlannerKind.Greedy);
        Assert.Equal(compact.GetTensor(3).ArenaOffset, compact.GetTensor(4).ArenaOffset);
        MemoryPlanEntry y = compact.MemoryPlan.Single(e => e.Kind == "tensor" && e.Name == "y");
        Assert.Equal(kind, y.Sharing);
        Assert.Equal("h", y.SharesWith);
        Assert.Equal(1, compact.MemoryPlanSummary!.SharedTensors);
        // h and y (256 bytes each) in one buffer, x and z (32 each) beside it; greedy needs both 256-byte buffers at step 1.
        Assert.Equal(288, compact.ArenaUsage.PlannedBytes);
        Assert.Equal(512, greedy.ArenaUsage.PlannedBytes);
        Assert.Equal(288, compact.MemoryPlanSummary.LowerBoundBytes);
        Assert.Equal(512, compact.MemoryPlanSummary.GreedyBytes);

        float[] input = [-3, -2, -1, 0, 1, 2, 3, 4];
        foreach (MicroInterpreter interpreter in new[] { compact, greedy })
        {
            interpreter.Input(0).CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(input.AsSpan()));
            interpreter.Invoke();
        }
        Assert.Equal(greedy.Output(0).AsReadOnlySpan<float>().ToArray(), compact.Output(0).AsReadOnlySpan<float>().ToArray());
        float[] expected = op switch
        {
            BuiltinOperator.Relu => [0, 0, 0, 0, 1, 2, 3, 4],
            BuiltinOperator.Add => [-6, -4, -2, 0, 2, 4, 6, 8],
            _ => input,
        };
        Assert.Equal(expected, compact.Output(0).AsReadOnlySpan<float>().ToArray());
    }

    [Fact]
    public void TheModelsInputIsNotOverwrittenUnlessAllowed()
    {
        using MicroInterpreter kept = Allocate(ChainModel(BuiltinOperator.Relu, opOnInput: true));
        Assert.NotEqual(kept.GetTensor(0).ArenaOffset, kept.GetTensor(4).ArenaOffset);
        using MicroInterpreter overwritten = Allocate(ChainModel(BuiltinOperator.Relu, opOnInput: true), inputsMayBeOverwritten: true);
        Assert.Equal(overwritten.GetTensor(0).ArenaOffset, overwritten.GetTensor(4).ArenaOffset);
        // A reshape only reinterprets the bytes: it may alias the input either way.
        using MicroInterpreter reshaped = Allocate(ChainModel(BuiltinOperator.Reshape, opOnInput: true));
        Assert.Equal(reshaped.GetTensor(0).ArenaOffset, reshaped.GetTensor(4).ArenaOffset);
    }

    [Fact]
    public void GreedyPlannerSharesNothing()
    {
        using MicroInterpreter greedy = Allocate(ChainModel(BuiltinOperator.Relu), MemoryPlannerKind.Greedy);
        Assert.NotEqual(greedy.GetTensor(3).ArenaOffset, greedy.GetTensor(4).ArenaOffset);
        Assert.All(greedy.MemoryPlan, e => Assert.Equal(BufferSharingKind.None, e.Sharing));
        Assert.Equal(MemoryPlannerKind.Greedy, greedy.MemoryPlanSummary!.Planner);
    }
}

/// <summary>
/// The planners on every shared model and every golden op model: the compact plan is never above greedy's and never below
/// the lower bound, and the arena never above TFLM's where case.json states it.
/// </summary>
public sealed class PlannerOnModelsTests(ITestOutputHelper output)
{
    public static TheoryData<string> SharedModels()
    {
        var data = new TheoryData<string>();
        string? root = SharedData.Root;
        string folder = root is null ? "" : Path.Combine(root, "models");
        if (Directory.Exists(folder))
            foreach (string path in Directory.GetFiles(folder, "*.tflite").Order(StringComparer.Ordinal)) data.Add(Path.GetFileNameWithoutExtension(path));
        if (data.Count == 0) data.Add(SharedData.NoCases);
        return data;
    }

    private static (MicroInterpreter Compact, MicroInterpreter Greedy) AllocateBoth(byte[] model)
    {
        // Once before, so that the planning time reported is not the planner's compilation.
        new MicroInterpreter(Model.Load(model), GoldenRunner.FullResolver(), new byte[8 << 20]).AllocateTensors();
        var compact = new MicroInterpreter(Model.Load(model), GoldenRunner.FullResolver(), new byte[8 << 20]);
        compact.AllocateTensors();
        var greedy = new MicroInterpreter(Model.Load(model), GoldenRunner.FullResolver(), new byte[8 << 20],
            new InterpreterOptions { Planner = MemoryPlannerKind.Greedy });
        greedy.AllocateTensors();
        return (compact, greedy);
    }

    [SkippableTheory]
    [MemberData(nameof(SharedModels))]
    public void CompactPlanIsNeverAboveGreedyOnASharedModel(string name)
    {
        if (name == SharedData.NoCases) SharedData.RequireCases("models");
        (MicroInterpreter compact, MicroInterpreter greedy) = AllocateBoth(SharedData.ReadModel(name));
        MemoryPlanSummary summary = compact.MemoryPlanSummary!;
        output.WriteLine($"{name}: lower bound {summary.LowerBoundBytes}, greedy {greedy.ArenaUsage.PlannedBytes}, compact {compact.ArenaUsage.PlannedBytes}, shared {summary.SharedTensors}, {summary.PlansTried} plans in {summary.PlanningTime.TotalMilliseconds:0.00} ms");
        Assert.Equal(greedy.ArenaUsage.PlannedBytes, summary.GreedyBytes);
        Assert.True(compact.ArenaUsage.PlannedBytes <= greedy.ArenaUsage.PlannedBytes,
            $"{name}: compact {compact.ArenaUsage.PlannedBytes} > greedy {greedy.ArenaUsage.PlannedBytes}");
        Assert.True(compact.ArenaUsage.PlannedBytes >= summary.LowerBoundBytes, $"{name}: below the lower bound");
        Assert.Equal(greedy.ArenaUsage.PersistentBytes, compact.ArenaUsage.PersistentBytes);
    }

    [SkippableFact]
    public void CompactPlanIsNeverAboveGreedyOnAGoldenOpModelAndTheArenaWithinTflms()
    {
        string folder = SharedData.Path("golden", "ops");
        var problems = new List<string>();
        int cases = 0, belowGreedy = 0;
        foreach (string name in GoldenCase.OpCaseNames())
        {
            GoldenCase c = GoldenCase.Load(Path.Combine(folder, name));
            (MicroInterpreter compact, MicroInterpreter greedy) = AllocateBoth(File.ReadAllBytes(c.ModelPath));
            cases++;
            if (compact.ArenaUsage.PlannedBytes > greedy.ArenaUsage.PlannedBytes)
                problems.Add($"{name}: compact {compact.ArenaUsage.PlannedBytes} > greedy {greedy.ArenaUsage.PlannedBytes}");
            if (compact.ArenaUsage.PlannedBytes < compact.MemoryPlanSummary!.LowerBoundBytes)
                problems.Add($"{name}: below the lower bound");
            if (compact.ArenaUsage.PlannedBytes < greedy.ArenaUsage.PlannedBytes) belowGreedy++;
            if (c.TflmArenaUsedBytes > 0 && compact.ArenaUsedBytes > c.TflmArenaUsedBytes)
                problems.Add($"{name}: arena {compact.ArenaUsedBytes} > TFLM's {c.TflmArenaUsedBytes}");
        }
        output.WriteLine($"{cases} op models, {belowGreedy} planned below greedy");
        Assert.True(cases > 0, $"no cases in {folder}");
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [InlineData(MemoryPlannerKind.Compact)]
    [InlineData(MemoryPlannerKind.Greedy)]
    public void AnomalyDetectionStackFitsTflmsArenaWithEitherPlanner(MemoryPlannerKind planner)
    {
        const int TflmAnomalyDetectionArena = 3424;
        byte[] model = AnomalyDetectionModel.Build(new Random(16));
        using var interpreter = new MicroInterpreter(Model.Load(model), OpResolver.WithAllBuiltins(), new byte[64 * 1024],
            new InterpreterOptions { Planner = planner });
        interpreter.AllocateTensors();
        Assert.True(interpreter.ArenaUsedBytes <= TflmAnomalyDetectionArena, $"arena {interpreter.ArenaUsedBytes} B exceeds TFLM's {TflmAnomalyDetectionArena} B");
        Assert.Equal(768, interpreter.MemoryPlanSummary!.LowerBoundBytes);
        Assert.Equal(768, interpreter.ArenaUsage.PlannedBytes);
    }
}
