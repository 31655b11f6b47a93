namespace TfLiteMicro.Modeling;

/// <summary>The trained sine network and the two models made from it.</summary>
public sealed record SineModelSet(DenseNetwork Network, byte[] FloatModel, byte[] Int8Model);

/// <summary>
/// The whole hello_world workflow of TFLM, in C#: draw noisy sine samples, train a 1 → 16 → 16 → 1 ReLU network,
/// convert it to a float32 model and to an int8 model (int8 input and output, calibrated on the training inputs).
/// The same seed always gives the same bytes.
/// </summary>
public static class SineModels
{
    /// <summary>Samples drawn for training (x uniform in [0, 2π], noise σ = 0.1), also used for calibration.</summary>
    public const int SampleCount = 1000;

    /// <summary>The layer sizes of TFLM's hello_world model.</summary>
    public static ReadOnlySpan<int> LayerSizes => [1, 16, 16, 1];

    public static SineModelSet Create(ulong seed = 1, TrainingOptions? training = null, QuantizationOptions? quantization = null)
    {
        (float[] x, float[] y) = SineData.Generate(SampleCount, seed);
        DenseNetwork network = DenseNetwork.Create(LayerSizes, seed);
        DenseTrainer.Train(network, x, y, training ?? new TrainingOptions { Seed = seed });
        const string description = "hello_world sine model, trained and converted by TfLiteMicro.Modeling";
        byte[] floatModel = DenseConverter.ToFloatModel(network, description);
        byte[] int8Model = DenseConverter.ToInt8Model(network, x, (quantization ?? new QuantizationOptions()) with { Description = description });
        return new SineModelSet(network, floatModel, int8Model);
    }
}
