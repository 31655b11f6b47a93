using TfLiteMicro.Kernels;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Signal.Tests.EndToEnd;

internal static class SignalTestSupport
{
    public static OpResolver Resolver() => OpResolver.WithAllBuiltins().AddSignalOps();

    public static Model LoadModel(string name) => Model.Load(SharedData.ReadModel(name));

    /// <summary>Fails the test when an op the model needs has no kernel.</summary>
    public static void RequireOps(Model model) => GoldenRunner.AssertAllKernels(model, Resolver(), "the model");

    public static readonly string[] Labels = ["silence", "unknown", "yes", "no"];
}
