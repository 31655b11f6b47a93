using TfLiteMicro.Fuzz;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Hostile;

/// <summary>
/// Every model in ../shared/hostile (crafted and fuzz-found models that once crashed, hung, exhausted memory or gave
/// different answers with the optimized and the reference kernels) either fails with a named
/// <see cref="TfLiteMicroException"/> from both kernel sets or runs on both with the same outputs; each kernel set
/// within a second and 100 MB of managed allocation, on a 1.5 MB stack, with the model in read-only pages and the
/// arena between no-access pages (<see cref="Differential"/>).
/// </summary>
public sealed class HostileModelTests
{
    public static TheoryData<string> Models()
    {
        var data = new TheoryData<string>();
        string? root = SharedData.Root;
        string folder = root is null ? "" : Path.Combine(root, "hostile");
        if (Directory.Exists(folder))
            foreach (string file in Directory.GetFiles(folder, "*.tflite", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                data.Add(Path.GetRelativePath(folder, file));
        if (data.Count == 0) data.Add(SharedData.NoCases);
        return data;
    }

    /// <summary>A second per kernel set, for every model (planning is linear in the number of subgraphs, so the 3,001-subgraph IF chain too).</summary>
    private static TimeSpan TimeLimit(string name) => TimeSpan.FromSeconds(1);

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void FailsWithANamedErrorOrMatchesTheReference(string name)
    {
        if (name == SharedData.NoCases) SharedData.RequireCases("hostile");
        byte[] bytes = File.ReadAllBytes(SharedData.Path("hostile", name));
        Outcome outcome = default;
        TimeSpan longest = default;
        long allocated = 0;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                // The WHILE models loop forever by design; the iteration limit turns that into a named error (20,000 iterations
                // keep the slowest body well inside the time limit on a loaded machine).
                using var differential = new Differential(bytes.Length + 64) { MaxWhileIterations = 20_000 };
                outcome = differential.Run(bytes);
                (longest, allocated) = (differential.LongestRun, differential.MostAllocated);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, 1536 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), $"{name} did not finish within a minute");
        if (failure is not null) throw failure;

        Assert.True(outcome.Kind is OutcomeKind.Equal or OutcomeKind.RejectedByBoth, $"{name}: {outcome.Kind}: {outcome.Detail}");
        Assert.True(longest < TimeLimit(name), $"{name}: one kernel set took {longest.TotalMilliseconds:F0} ms");
        Assert.True(allocated < 100L << 20, $"{name}: one kernel set allocated {allocated >> 20} MB");
    }
}
