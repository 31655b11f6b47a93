using TfLiteMicro.Kernels;

namespace TfLiteMicro.Tests.Kernels;

/// <summary>
/// The assertions property tests of fast paths make (see <c>FastPathComparison.cs</c> for how the runs are poisoned).
/// Name the test class <c>...PropertyTests</c>: CI runs those again with the runtime's AVX-VNNI, AVX2 and all
/// hardware intrinsics switched off. TFLM_PROPERTY_CASES sets the number of cases (<see cref="Cases"/>).
/// </summary>
/// <example>
/// <code>
/// var random = new Random(6006);
/// for (int i = 0; i &lt; FastPath.Cases(1000); i++)
/// {
///     var m = new OperatorModel();
///     int a = m.Input(TensorType.Int8, [3, 40], Quant.PerTensor(0.05f, random.Next(-128, 128)));
///     int b = m.Input(TensorType.Int8, [3, 40], Quant.PerTensor(0.02f, 7));
///     m.Output(TensorType.Int8, [3, 40], Quant.PerTensor(0.07f, -3));
///     FastPath.AssertMatchesReference(m.Build(BuiltinOperator.Add, [a, b], OperatorOptions.Add()), random, $"case {i}: ADD");
/// }
/// </code>
/// </example>
internal static partial class FastPath
{
    /// <summary>The number of random cases a property test runs: TFLM_PROPERTY_CASES when set, else <paramref name="fallback"/>.</summary>
    public static int Cases(int fallback)
        => int.TryParse(Environment.GetEnvironmentVariable("TFLM_PROPERTY_CASES"), out int n) && n > 0 ? n : fallback;

    /// <summary>
    /// The model gives the reference kernels' outputs at every instruction-set level: integers bit for bit, float32 within
    /// <paramref name="floatTolerance"/> × max(1, |reference|). Inputs are random (<see cref="FillRandomly"/>) unless
    /// <paramref name="fill"/> writes them; <paramref name="invokes"/> &gt; 1 runs that many Invokes on one interpreter
    /// (state carried in variable tensors is compared after each); <paramref name="prearrangeWeights"/> runs the fast side with
    /// <see cref="InterpreterOptions.PrearrangeWeights"/>.
    /// </summary>
    public static void AssertMatchesReference(byte[] model, Random random, string description, double floatTolerance = 0,
        InputFill? fill = null, int invokes = 1, OpResolver? resolver = null, bool prearrangeWeights = false)
    {
        if (Compare(model, random, description, floatTolerance, fill, invokes, resolver, prearrangeWeights) is { } difference) Assert.Fail(difference);
    }

    /// <summary>
    /// A fast loop writes what the reference loop writes, at every level, and nothing past the end of its output
    /// (<paramref name="length"/> elements).
    /// </summary>
    public static void AssertLoopMatchesReference<T>(int length, LoopRun<T> reference, LevelLoopRun<T> fast, string description,
        double floatTolerance = 0) where T : unmanaged
    {
        if (CompareLoop(length, reference, fast, description, floatTolerance) is { } difference) Assert.Fail(difference);
    }
}
