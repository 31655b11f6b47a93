using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace TfLiteMicro.Benchmarks.Peers;

/// <summary>How far a runtime's outputs are from ours over the same inputs, and whether that is as far as expected.</summary>
internal readonly record struct OutputDifference(long MaxSteps, double MaxFloat, int Differing, int Total, bool HasFloat, bool AsExpected, string Expected)
{
    public override string ToString()
    {
        string found = Differing == 0 ? $"identical ({Total} values)"
            : $"{Differing} of {Total} values differ, max " + (HasFloat ? $"|diff| {MaxFloat:G3}" : Steps);
        return AsExpected ? $"{found} (expected: {Expected})" : $"MISMATCH: {found}; expected {Expected}";
    }

    /// <summary>The table's short form.</summary>
    public string Short => !AsExpected ? $"MISMATCH {(HasFloat ? $"{MaxFloat:G2}" : Steps)}"
        : Differing == 0 ? "identical" : HasFloat ? $"|diff| {MaxFloat:G2}" : Steps;

    private string Steps => $"{MaxSteps} step{(MaxSteps == 1 ? "" : "s")}";
}

/// <summary>
/// The agreement each runtime owes ours: bit-exact integers unless shared/peers/README.md (ONNX Runtime) or the peer's
/// arithmetic (XNNPACK) says otherwise; float outputs within <see cref="FloatTolerance"/> relative.
/// </summary>
internal static class OutputComparison
{
    /// <summary>Float outputs agree when |ours - theirs| ≤ this × max(1, |ours|).</summary>
    public const double FloatTolerance = 1e-6;

    private static readonly ConcurrentDictionary<(PeerRuntime, string), OutputDifference> s_checked = new();

    /// <summary>Integer steps an output may differ by, and why.</summary>
    public static (long Steps, string Why) Allowed(PeerRuntime runtime, string model) => (runtime, model) switch
    {
        (PeerRuntime.OnnxRuntimeInt8 or PeerRuntime.OnnxRuntimeUint8Activations, "simple_add_model") => (1, "within 1 step (peers/README)"),
        (PeerRuntime.OnnxRuntimeInt8 or PeerRuntime.OnnxRuntimeUint8Activations, "trained_lstm_int8")
            => (2, "within 2 steps (peers/README: the LSTM runs in float, close, not exact)"),
        (PeerRuntime.OnnxRuntimeInt8 or PeerRuntime.OnnxRuntimeUint8Activations, _) => (0, "identical (peers/README)"),
        (PeerRuntime.TfLiteXnnpack, _) => (1, "within 1 step (XNNPACK requantizes int8 in float)"),
        _ => (0, "identical"),
    };

    /// <summary>Starts ours and <paramref name="runtime"/> on <paramref name="model"/> and compares them, once per process.</summary>
    public static OutputDifference Check(PeerRuntime runtime, string model) => s_checked.GetOrAdd((runtime, model), key =>
    {
        using InterpreterRun ours = PeerModels.StartOurs(model, reference: false);
        using IModelRun peer = PeerModels.Start(runtime, model, ours);
        return Measure(ours, peer, runtime, model);
    });

    /// <summary>
    /// Every output of <paramref name="peer"/>, just started (one invoke from its initial state), against ours
    /// invoked once from the start on the same inputs.
    /// </summary>
    public static OutputDifference Measure(InterpreterRun ours, IModelRun peer, PeerRuntime runtime, string model)
    {
        ours.InvokeFromStart();
        (long allowedSteps, string why) = Allowed(runtime, model);
        long maxSteps = 0;
        double maxFloat = 0;
        int differing = 0, total = 0;
        bool hasFloat = false, asExpected = true;
        for (int o = 0; o < ours.OutputCount; o++)
        {
            TensorValues a = ours.Output(o), b = peer.Output(o);
            if (a.Type != b.Type || a.Bytes.Length != b.Bytes.Length)
                throw new InvalidOperationException($"{model} output {o}: ours is {a.Type} of {a.Bytes.Length} bytes, {PeerModels.Label(runtime)}'s {b.Type} of {b.Bytes.Length}");
            if (a.Type == TensorType.Float32)
            {
                hasFloat = true;
                ReadOnlySpan<float> x = MemoryMarshal.Cast<byte, float>(a.Bytes), y = MemoryMarshal.Cast<byte, float>(b.Bytes);
                for (int i = 0; i < x.Length; i++, total++)
                {
                    double d = Math.Abs((double)x[i] - y[i]);
                    if (d == 0) continue;
                    differing++;
                    maxFloat = double.IsNaN(d) ? double.PositiveInfinity : Math.Max(maxFloat, d);
                    asExpected &= d <= FloatTolerance * Math.Max(1, Math.Abs(x[i]));
                }
            }
            else
            {
                for (int i = 0, n = a.Bytes.Length / TensorTypes.ElementSize(a.Type); i < n; i++, total++)
                {
                    long d = Math.Abs(Integer(a, i) - Integer(b, i));
                    if (d == 0) continue;
                    differing++;
                    maxSteps = Math.Max(maxSteps, d);
                    asExpected &= d <= allowedSteps;
                }
            }
        }
        string expected = hasFloat ? $"within {FloatTolerance:G1} relative" : why;
        return new OutputDifference(maxSteps, maxFloat, differing, total, hasFloat, asExpected, expected);
    }

    private static long Integer(TensorValues values, int index) => values.Type switch
    {
        TensorType.Int8 => (sbyte)values.Bytes[index],
        TensorType.UInt8 => values.Bytes[index],
        TensorType.Int16 => MemoryMarshal.Cast<byte, short>(values.Bytes)[index],
        TensorType.Int32 => MemoryMarshal.Cast<byte, int>(values.Bytes)[index],
        _ => throw new NotSupportedException($"comparing {values.Type} outputs"),
    };
}
