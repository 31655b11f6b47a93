namespace TfLiteMicro.Cli.Tests;

/// <summary>The shared models and the operators ../shared/README.md lists for each.</summary>
internal static class SharedModels
{
    private static readonly string[] Signal =
    [
        "SignalWindow", "SignalFftAutoScale", "SignalRfft", "SignalEnergy", "SignalFilterBank", "SignalFilterBankSquareRoot",
        "SignalFilterBankSpectralSubtraction", "SignalPCAN", "SignalFilterBankLog",
    ];

    public static readonly IReadOnlyDictionary<string, string[]> Ops = new Dictionary<string, string[]>
    {
        ["hello_world_float"] = ["FULLY_CONNECTED"],
        ["hello_world_int8"] = ["FULLY_CONNECTED"],
        ["micro_speech_quantized"] = ["RESHAPE", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "SOFTMAX"],
        ["audio_preprocessor_int8"] = [.. Signal, "RESHAPE", "CAST", "STRIDED_SLICE", "CONCATENATION", "MUL", "ADD", "DIV", "MINIMUM", "MAXIMUM"],
        // The README's row covers both preprocessors; the float one needs none of the int8 one's ADD, DIV, MINIMUM, MAXIMUM.
        ["audio_preprocessor_float"] = [.. Signal, "RESHAPE", "CAST", "STRIDED_SLICE", "CONCATENATION", "MUL"],
        ["person_detect"] = ["CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "RESHAPE", "SOFTMAX"],
        ["keyword_scrambled"] = ["QUANTIZE", "SVDF", "FULLY_CONNECTED", "SOFTMAX"],
        ["keyword_scrambled_8bit"] = ["QUANTIZE", "SVDF", "FULLY_CONNECTED", "SOFTMAX"],
        ["trained_lstm"] = ["UNIDIRECTIONAL_SEQUENCE_LSTM", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"],
        ["trained_lstm_int8"] = ["UNIDIRECTIONAL_SEQUENCE_LSTM", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"],
        ["simple_add_model"] = ["ADD"],
    };

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (string name in Ops.Keys) data.Add(name);
        return data;
    }

    /// <summary>
    /// audio_preprocessor_int8 with its first custom op renamed (same length, so the FlatBuffer stays valid):
    /// a real model that uses an op no kernel library provides.
    /// </summary>
    public static byte[] WithUnknownCustomOp()
    {
        byte[] bytes = TfLiteMicro.Tests.Support.SharedData.ReadModel("audio_preprocessor_int8");
        TfLiteMicro.Tests.Support.ModelBytes.ReplaceText(bytes, "SignalWindow", "MysteryOp_12");
        return bytes;
    }

    /// <summary>Fails the test unless the tool's resolver has a kernel for every op of the model (every shared model's ops have kernels).</summary>
    public static void AssertAllOpsSupported(Model model, string name)
        => TfLiteMicro.Tests.Support.GoldenRunner.AssertAllKernels(model, KernelSets.CreateFullResolver(), name);
}
