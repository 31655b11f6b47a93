using TfLiteMicro.Kernels;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Signal.Tests.EndToEnd;

internal static class SignalTestSupport
{
    public static OpResolver Resolver() => OpResolver.WithAllBuiltins().AddSignalOps();

    public static Model LoadModel(string name) => Model.Load(SharedData.ReadModel(name));

    /// <summary>Skips the test while a builtin op the model needs has no kernel yet (fails under CI).</summary>
    public static void RequireOps(Model model)
    {
        List<string> missing = GoldenRunner.MissingOps(model, Resolver());
        if (missing.Count == 0) return;
        string message = $"kernels missing for {string.Join(", ", missing)}";
        if (SharedData.IsCi) throw new InvalidOperationException(message);
        throw new SkipException(message);
    }

    public static readonly string[] Labels = ["silence", "unknown", "yes", "no"];
}
