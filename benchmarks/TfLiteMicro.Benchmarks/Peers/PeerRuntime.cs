namespace TfLiteMicro.Benchmarks.Peers;

/// <summary>The runtimes of the side-by-side comparison: ours with either kernel set, and the peers a user could pick instead.</summary>
public enum PeerRuntime
{
    Ours,
    OursPrearranged,
    OursTwoThreads,
    OursReference,
    OnnxRuntimeInt8,
    OnnxRuntimeUint8Activations,
    TfLite,
    TfLiteXnnpack,
}

/// <summary>Which runtime runs which shared model, from which file, and how to start it.</summary>
internal static class PeerModels
{
    /// <summary>The models of the comparison, in the order of the table.</summary>
    public static readonly string[] Names =
    [
        "person_detect", "micro_speech_quantized", "simple_add_model", "hello_world_int8", "hello_world_float",
        "trained_lstm", "trained_lstm_int8", "keyword_scrambled", "audio_preprocessor_int8",
    ];

    public static string Label(PeerRuntime runtime) => runtime switch
    {
        PeerRuntime.Ours => "ours",
        PeerRuntime.OursPrearranged => "ours, weights pre-arranged",
        PeerRuntime.OursTwoThreads => "ours, 2 threads",
        PeerRuntime.OursReference => "ours, reference kernels",
        PeerRuntime.OnnxRuntimeInt8 => "ONNX Runtime int8",
        PeerRuntime.OnnxRuntimeUint8Activations => "ONNX Runtime uint8 activations",
        PeerRuntime.TfLite => "TFLite built-in kernels",
        PeerRuntime.TfLiteXnnpack => "TFLite + XNNPACK",
        _ => runtime.ToString(),
    };

    /// <summary>The shared models that exist here.</summary>
    public static IEnumerable<string> Present()
        => SharedModels.Directory() is { } shared ? Names.Where(n => File.Exists(OurPath(shared, n))) : [];

    /// <summary>Why <paramref name="runtime"/> cannot run <paramref name="model"/> here, or null when it can.</summary>
    public static string? Unavailable(PeerRuntime runtime, string model)
    {
        string? shared = SharedModels.Directory();
        if (shared is null || !File.Exists(OurPath(shared, model))) return "shared model not found";
        switch (runtime)
        {
            case PeerRuntime.OnnxRuntimeInt8 or PeerRuntime.OnnxRuntimeUint8Activations:
                string onnx = OnnxPath(shared, model, runtime);
                if (!File.Exists(onnx)) return $"no ONNX version ({Path.GetRelativePath(shared, onnx)} is absent)";
                // A float model's two ONNX versions are one graph: its int8 row says it all.
                string int8 = OnnxPath(shared, model, PeerRuntime.OnnxRuntimeInt8);
                return runtime == PeerRuntime.OnnxRuntimeUint8Activations && File.ReadAllBytes(onnx).AsSpan().SequenceEqual(File.ReadAllBytes(int8))
                    ? "the uint8-activation graph is the int8 one (a float model)" : null;
            case PeerRuntime.TfLite or PeerRuntime.TfLiteXnnpack:
                if (TfLiteNative.LoadError is { } error) return error;
                foreach (OperatorCode code in Model.Load(File.ReadAllBytes(OurPath(shared, model))).OperatorCodes)
                    if (code.IsCustom) return $"custom op {code.Name}, which TFLite does not have";
                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// The model's multiply-adds per invoke (<see cref="MultiplyAddCount"/>), or 0 when recurrent or custom ops, which
    /// that count leaves out, do much of the work.
    /// </summary>
    public static long MultiplyAdds(string model)
    {
        Model parsed = Model.Load(File.ReadAllBytes(OurPath(SharedModels.Directory()!, model)));
        foreach (OperatorCode code in parsed.OperatorCodes)
            if (code.IsCustom || code.BuiltinCode is BuiltinOperator.UnidirectionalSequenceLstm or BuiltinOperator.Svdf
                or BuiltinOperator.Lstm or BuiltinOperator.BidirectionalSequenceLstm or BuiltinOperator.UnidirectionalSequenceRnn)
                return 0;
        return MultiplyAddCount.Of(parsed);
    }

    /// <summary>Ours over the shared model, with random inputs (seed 42) every peer then copies.</summary>
    public static InterpreterRun StartOurs(string model, bool reference)
        => new(File.ReadAllBytes(OurPath(SharedModels.Directory()!, model)), reference);

    /// <summary>A runtime over <paramref name="model"/> with the inputs of <paramref name="ours"/>.</summary>
    public static IModelRun Start(PeerRuntime runtime, string model, InterpreterRun ours)
    {
        string shared = SharedModels.Directory()!;
        return runtime switch
        {
            PeerRuntime.Ours => StartOurs(model, reference: false),
            PeerRuntime.OursReference => StartOurs(model, reference: true),
            PeerRuntime.OursPrearranged => new InterpreterRun(File.ReadAllBytes(OurPath(shared, model)), reference: false,
                options: new InterpreterOptions { PrearrangeWeights = true }),
            PeerRuntime.OursTwoThreads => new InterpreterRun(File.ReadAllBytes(OurPath(shared, model)), reference: false,
                options: new InterpreterOptions { Threads = 2 }),
            PeerRuntime.OnnxRuntimeInt8 or PeerRuntime.OnnxRuntimeUint8Activations
                => new OnnxRuntimeRun(OnnxPath(shared, model, runtime), ours),
            PeerRuntime.TfLite or PeerRuntime.TfLiteXnnpack
                => new TfLiteRun(TfLitePath(shared, model), ours, runtime == PeerRuntime.TfLiteXnnpack),
            _ => throw new ArgumentOutOfRangeException(nameof(runtime)),
        };
    }

    private static string OurPath(string shared, string model) => Path.Combine(shared, "models", model + ".tflite");

    private static string OnnxPath(string shared, string model, PeerRuntime runtime)
        => Path.Combine(shared, "peers", "onnx", runtime == PeerRuntime.OnnxRuntimeInt8 ? "int8" : "uint8-activations", model + ".onnx");

    /// <summary>The .tflite that full TFLite accepts: person_detect with its bias quantization fixed, the others as they are.</summary>
    private static string TfLitePath(string shared, string model)
    {
        string fixedUp = Path.Combine(shared, "peers", "tflite", model + "_tflite.tflite");
        return File.Exists(fixedUp) ? fixedUp : OurPath(shared, model);
    }
}
