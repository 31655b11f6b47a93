using System.Runtime.InteropServices;
using TfLiteMicro.Kernels;
using TfLiteMicro.Memory;
using TfLiteMicro.Signal;

namespace TfLiteMicro.Tests.Support;

/// <summary>Runs a golden case through our interpreter and compares with TFLM's bytes.</summary>
public static partial class GoldenRunner
{
    /// <summary>Float tolerance: |ours - tflm| &lt;= 1e-5 * max(1, |tflm|); NaN matches NaN, infinities match by sign.</summary>
    public const double FloatTolerance = 1e-5;

    /// <summary>Every kernel the project ships: all builtins and the signal library's custom ops.</summary>
    public static OpResolver FullResolver() => OpResolver.WithAllBuiltins().AddSignalOps();

    /// <summary>Ops of the model <paramref name="resolver"/> lacks (empty when every op has a kernel).</summary>
    public static List<string> MissingOps(Model model, OpResolver resolver)
    {
        var missing = new List<string>();
        foreach (Subgraph s in model.Subgraphs)
            foreach (ModelOperator op in s.Operators)
                if (!resolver.Supports(op.Code) && !missing.Contains(op.Code.Name)) missing.Add(op.Code.Name);
        return missing;
    }

    /// <summary>Fails the test when <paramref name="resolver"/> lacks a kernel the model needs: every op TFLM runs has one here.</summary>
    public static void AssertAllKernels(Model model, OpResolver resolver, string what)
    {
        List<string> missing = MissingOps(model, resolver);
        Assert.True(missing.Count == 0, $"{what}: no kernel for {string.Join(", ", missing)}");
    }

    /// <summary>
    /// The planner golden cases run with: <see cref="MemoryPlannerKind.Compact"/> (the default) unless the environment
    /// variable TFLM_TEST_PLANNER says "greedy"; .ci/run sets it for one of its passes over the conformance tests, so every
    /// golden case runs with both planners.
    /// </summary>
    public static MemoryPlannerKind Planner { get; } =
        string.Equals(Environment.GetEnvironmentVariable("TFLM_TEST_PLANNER"), "greedy", StringComparison.OrdinalIgnoreCase)
            ? MemoryPlannerKind.Greedy
            : MemoryPlannerKind.Compact;

    /// <summary>
    /// The threads golden cases run with (<see cref="InterpreterOptions.Threads"/>): 1 unless the environment variable
    /// TFLM_TEST_THREADS gives another number; .ci/run sets 2 for one of its passes over the conformance tests.
    /// </summary>
    public static int Threads { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("TFLM_TEST_THREADS"), out int threads) && threads > 1 ? threads : 1;

    /// <summary>
    /// Runs the case; returns null when it matches, otherwise a description of the first mismatch. With more than one
    /// thread (<paramref name="threads"/>, else <see cref="Threads"/>) every layer that can be split is, however small.
    /// </summary>
    public static string? Run(GoldenCase c, OpResolver resolver, out MicroInterpreter interpreter, int arenaBytes = 1 << 22, bool referenceKernels = false,
        bool inputsMayBeOverwritten = false, int? threads = null)
    {
        Model model = Model.Load(File.ReadAllBytes(c.ModelPath));
        AssertAllKernels(model, resolver, c.Name);
        var options = new InterpreterOptions
        {
            UseReferenceKernels = referenceKernels, Planner = Planner, InputsMayBeOverwritten = inputsMayBeOverwritten, Threads = threads ?? Threads,
        };
        interpreter = new MicroInterpreter(model, resolver, ArenaPoison.New(arenaBytes), options);
        AllocateSplittingEveryLayer(interpreter);
        for (int i = 0; i < interpreter.InputCount; i++)
            interpreter.Input(i).CopyFrom(c.ReadInput(i));
        interpreter.Invoke();
        for (int i = 0; i < interpreter.OutputCount; i++)
        {
            string? problem = Compare(interpreter.Output(i), c.ReadOutput(i), $"output {i}");
            if (problem is not null) return problem;
        }
        return null;
    }

    /// <summary>
    /// AllocateTensors; in the core tests, with every layer that can be split over threads split, however little work it
    /// has (the other test projects that compile this file see the core's public API only, and split as an application does).
    /// </summary>
    public static void AllocateSplittingEveryLayer(MicroInterpreter interpreter)
    {
        BeginSplittingEveryLayer();
        try
        {
            interpreter.AllocateTensors();
        }
        finally
        {
            EndSplittingEveryLayer();
        }
    }

    static partial void BeginSplittingEveryLayer();

    static partial void EndSplittingEveryLayer();

    public static string? Compare(Tensor actual, byte[] expected, string what)
    {
        ReadOnlySpan<byte> ours = actual.AsReadOnlySpan<byte>();
        if (ours.Length != expected.Length)
            return $"{what}: {ours.Length} bytes, expected {expected.Length}";
        if (actual.Type == TensorType.Float32)
        {
            ReadOnlySpan<float> a = MemoryMarshal.Cast<byte, float>(ours);
            ReadOnlySpan<float> e = MemoryMarshal.Cast<byte, float>(expected);
            for (int k = 0; k < a.Length; k++)
                if (!FloatsMatch(a[k], e[k]))
                    return $"{what}[{k}]: {a[k]:R}, expected {e[k]:R}";
            return null;
        }
        int size = Math.Max(1, TensorTypes.ElementSize(actual.Type));
        for (int k = 0; k < ours.Length; k++)
            if (ours[k] != expected[k])
                return $"{what}: element {k / size} differs ({Element(actual.Type, ours, k / size)}, expected {Element(actual.Type, expected, k / size)})";
        return null;
    }

    public static bool FloatsMatch(float a, float e)
    {
        if (float.IsNaN(e)) return float.IsNaN(a);
        if (float.IsInfinity(e)) return a == e;
        return Math.Abs((double)a - e) <= FloatTolerance * Math.Max(1.0, Math.Abs((double)e));
    }

    private static string Element(TensorType type, ReadOnlySpan<byte> bytes, int index) => type switch
    {
        TensorType.Int8 => ((sbyte)bytes[index]).ToString(),
        TensorType.Int16 => MemoryMarshal.Cast<byte, short>(bytes)[index].ToString(),
        TensorType.Int32 => MemoryMarshal.Cast<byte, int>(bytes)[index].ToString(),
        TensorType.Int64 => MemoryMarshal.Cast<byte, long>(bytes)[index].ToString(),
        _ => bytes[index].ToString(),
    };
}
