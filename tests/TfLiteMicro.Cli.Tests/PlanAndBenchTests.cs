using System.Text.Json;
using System.Xml.Linq;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Cli.Tests;

public class PlanAndBenchTests
{
    private static Model RequireRunnable(string name)
    {
        Model model = Model.Load(SharedData.ReadModel(name));
        SharedModels.AssertAllOpsSupported(model, name);
        return model;
    }

    [SkippableTheory]
    [MemberData(nameof(SharedModels.Names), MemberType = typeof(SharedModels))]
    public void Plan_total_equals_ArenaUsedBytes_and_buffers_never_collide(string name)
    {
        Model model = RequireRunnable(name);
        using var interpreter = new MicroInterpreter(model, KernelSets.CreateFullResolver(), new byte[ModelFile.DefaultArenaBytes]);
        interpreter.AllocateTensors();

        using TempDir dir = CliRunner.TempDir();
        string svg = dir.File("plan.svg");
        CliRunner.Result result = CliRunner.Run("plan", CliRunner.ModelPath(name), "--json", "--svg", svg);
        Assert.True(result.ExitCode == 0, result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        JsonElement root = doc.RootElement;
        Assert.Equal(interpreter.ArenaUsedBytes, root.GetProperty("totalBytes").GetInt32());

        Assert.True(root.GetProperty("plannedBytes").GetInt32() <= root.GetProperty("greedyBytes").GetInt32());
        Assert.True(root.GetProperty("plannedBytes").GetInt32() >= root.GetProperty("lowerBoundBytes").GetInt32());
        // Tensors sharing bytes (an alias or an in-place output and the tensor whose bytes it takes) form one group.
        var buffers = root.GetProperty("buffers").EnumerateArray()
            .Select(b => (Offset: b.GetProperty("offset").GetInt32(), Size: b.GetProperty("size").GetInt32(),
                          First: b.GetProperty("first").GetInt32(), Last: b.GetProperty("last").GetInt32(),
                          Group: b.GetProperty("kind").GetString() + ":" + (b.TryGetProperty("sharesWith", out JsonElement w) ? w.GetString() : b.GetProperty("name").GetString())))
            .ToList();
        Assert.Equal(interpreter.MemoryPlan.Count, buffers.Count);
        foreach (var b in buffers) Assert.True(b.Offset + b.Size <= interpreter.ArenaUsedBytes);
        for (int i = 0; i < buffers.Count; i++)
            for (int j = i + 1; j < buffers.Count; j++)
            {
                var (a, c) = (buffers[i], buffers[j]);
                bool timeOverlap = a.First <= c.Last && c.First <= a.Last;
                bool spaceOverlap = a.Offset < c.Offset + c.Size && c.Offset < a.Offset + a.Size;
                Assert.False(timeOverlap && spaceOverlap && a.Size > 0 && c.Size > 0 && a.Group != c.Group, $"buffers {i} and {j} overlap");
            }

        // The picture is well-formed SVG with one rectangle per buffer (plus background and frame).
        XDocument picture = XDocument.Load(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", picture.Root!.Name);
        Assert.Equal(buffers.Count + 2, picture.Descendants(ns + "rect").Count());
    }

    [SkippableFact]
    public void Plan_text_ends_with_the_total()
    {
        Model model = RequireRunnable("hello_world_int8");
        using var interpreter = new MicroInterpreter(model, KernelSets.CreateFullResolver(), new byte[1 << 20]);
        interpreter.AllocateTensors();
        CliRunner.Result result = CliRunner.Run("plan", CliRunner.ModelPath("hello_world_int8"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"Total arena used: {TensorText.Bytes(interpreter.ArenaUsedBytes)}", result.Output);
        Assert.Contains("offset", result.Output);
    }

    [SkippableFact]
    public void Plan_shows_the_lower_bound_greedy_and_shared_buffers_and_writes_an_offline_plan()
    {
        RequireRunnable("person_detect");
        using TempDir dir = CliRunner.TempDir();
        string rewritten = dir.File("person_detect.offline.tflite");
        CliRunner.Result result = CliRunner.Run("plan", CliRunner.ModelPath("person_detect"), "--write-offline", rewritten);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("Lower bound", result.Output);
        Assert.Contains("Greedy (TFLM's planner", result.Output);
        Assert.Contains("alias over", result.Output);
        Assert.Contains($"Wrote {rewritten}", result.Output);

        // The plan written is the one the interpreter over the original model makes, and the rewritten model places its
        // tensors there.
        using var original = new MicroInterpreter(Model.Load(SharedData.ReadModel("person_detect")), KernelSets.CreateFullResolver(), new byte[1 << 20]);
        original.AllocateTensors();
        int[] offsets = original.CreateOfflinePlan();
        Model model = Model.Load(File.ReadAllBytes(rewritten));
        Assert.NotNull(model.FindMetadata("OfflineMemoryAllocation"));
        using var interpreter = new MicroInterpreter(model, KernelSets.CreateFullResolver(), new byte[1 << 20]);
        interpreter.AllocateTensors();
        for (int t = 0; t < offsets.Length; t++)
            if (offsets[t] >= 0) Assert.Equal(offsets[t], interpreter.GetTensor(t).ArenaOffset);

        CliRunner.Result greedy = CliRunner.Run("plan", CliRunner.ModelPath("person_detect"), "--planner", "greedy");
        Assert.True(greedy.ExitCode == 0, greedy.Error);
        Assert.Contains("Planner in use: greedy", greedy.Output);
        CliRunner.AssertOneLineError(CliRunner.Run("plan", CliRunner.ModelPath("person_detect"), "--planner", "best"), "planner");
    }

    [SkippableTheory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Bench_reports_zero_bytes_allocated_per_invoke(bool profile, bool reference)
    {
        Model model = RequireRunnable("hello_world_int8");
        var args = new List<string> { "bench", CliRunner.ModelPath("hello_world_int8"), "--iterations", "50", "--warmup", "20", "--json" };
        if (profile) args.Add("--profile");
        if (reference) args.Add("--reference");
        CliRunner.Result result = CliRunner.Run([.. args]);
        Assert.True(result.ExitCode == 0, result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        JsonElement root = doc.RootElement;
        Assert.Equal(0.0, root.GetProperty("allocatedBytesPerInvoke").GetDouble());
        Assert.True(root.GetProperty("medianMicroseconds").GetDouble() > 0);
        Assert.True(root.GetProperty("minMicroseconds").GetDouble() <= root.GetProperty("p90Microseconds").GetDouble());
        Assert.Equal(reference, root.GetProperty("referenceKernels").GetBoolean());
        Assert.True(root.GetProperty("arenaUsedBytes").GetInt32() > 0);
        if (profile)
        {
            Assert.Equal(model.Subgraphs[0].Operators.Count, root.GetProperty("nodes").GetArrayLength());
            Assert.Equal("FULLY_CONNECTED", root.GetProperty("operatorTypes")[0].GetProperty("op").GetString());
        }
    }

    [SkippableTheory]
    [InlineData("hello_world_int8")]
    [InlineData("hello_world_float")]
    [InlineData("simple_add_model")]
    public void Bench_reports_zero_bytes_per_invoke_for_allocation_free_models(string name)
    {
        RequireRunnable(name);
        // The JIT may still be re-compiling hot methods (which allocates) during a short run; a kernel that allocates
        // would show in every run, so one clean run out of three proves the point without racing the JIT.
        var reports = new List<double>();
        for (int attempt = 0; attempt < 3; attempt++)
        {
            CliRunner.Result result = CliRunner.Run("bench", CliRunner.ModelPath(name), "--iterations", "20", "--json");
            Assert.True(result.ExitCode == 0, result.Error);
            using JsonDocument doc = JsonDocument.Parse(result.Output);
            reports.Add(doc.RootElement.GetProperty("allocatedBytesPerInvoke").GetDouble());
            if (reports[^1] == 0) break;
        }
        Assert.Contains(0.0, reports);
    }

    [SkippableFact]
    public void Bench_text_with_profile_shows_the_tables()
    {
        RequireRunnable("hello_world_int8");
        CliRunner.Result result = CliRunner.Run("bench", CliRunner.ModelPath("hello_world_int8"), "-n", "10", "-w", "2", "--profile");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("0 bytes per invoke", result.Output);
        Assert.Contains("Per operator type", result.Output);
        Assert.Contains("Per node", result.Output);
        CliRunner.AssertOneLineError(CliRunner.Run("bench", CliRunner.ModelPath("hello_world_int8"), "-n", "0"), "--iterations");
    }

    [SkippableFact]
    public void Bench_and_info_report_the_weight_mode_and_the_threads()
    {
        RequireRunnable("person_detect");
        string path = CliRunner.ModelPath("person_detect");
        CliRunner.Result bench = CliRunner.Run("bench", path, "-n", "5", "-w", "2", "--threads", "2", "--prearrange", "--json");
        Assert.True(bench.ExitCode == 0, bench.Error);
        using (JsonDocument doc = JsonDocument.Parse(bench.Output))
        {
            Assert.True(doc.RootElement.GetProperty("prearrangedWeights").GetBoolean());
            Assert.Equal(2, doc.RootElement.GetProperty("threads").GetInt32());
            Assert.Equal(2, doc.RootElement.GetProperty("threadsInUse").GetInt32());
        }
        CliRunner.Result text = CliRunner.Run("bench", path, "-n", "5", "-w", "2", "--threads", "2");
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains("(default kernels, weights arranged per Invoke, 2 threads, zero inputs)", text.Output);

        CliRunner.Result info = CliRunner.Run("info", path, "--threads", "2", "--prearrange");
        Assert.True(info.ExitCode == 0, info.Error);
        Assert.Contains("(default kernels, weights pre-arranged once, 2 threads)", info.Output);
        CliRunner.Result small = CliRunner.Run("info", CliRunner.ModelPath("hello_world_int8"), "--threads", "2");
        Assert.Contains("2 threads asked for, 1 in use (no layer splits)", small.Output);
        CliRunner.AssertOneLineError(CliRunner.Run("bench", path, "--threads", "0"), "--threads");
    }

    [SkippableFact]
    public void The_profiler_itself_allocates_nothing_per_invoke()
    {
        Model model = RequireRunnable("hello_world_int8");
        var profiler = new OperatorProfiler(model);
        var options = new InterpreterOptions { Profiler = profiler };
        using var interpreter = new MicroInterpreter(model, KernelSets.CreateFullResolver(), new byte[1 << 16], options);
        interpreter.AllocateTensors();
        for (int i = 0; i < 20; i++) interpreter.Invoke();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++) interpreter.Invoke();
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(220, profiler.Calls(0, 0));
        Assert.True(profiler.Ticks(0, 1) > 0);
    }
}
