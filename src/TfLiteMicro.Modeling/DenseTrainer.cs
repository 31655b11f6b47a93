namespace TfLiteMicro.Modeling;

/// <summary>Settings of <see cref="DenseTrainer.Train"/>. The defaults fit the sine example in about a second.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 150;
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's step size at the start; it decays linearly to <see cref="FinalLearningRate"/> by the last epoch.</summary>
    public float LearningRate { get; init; } = 0.01f;

    public float FinalLearningRate { get; init; } = 0.0005f;
    public float Beta1 { get; init; } = 0.9f;
    public float Beta2 { get; init; } = 0.999f;
    public float Epsilon { get; init; } = 1e-7f;

    /// <summary>Seeds the order in which samples are visited.</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>
/// Trains a <see cref="DenseNetwork"/> on mean squared error with Adam and mini-batches, in float32.
/// Deterministic: the same network, data and options give the same weights, bit for bit.
/// </summary>
public static class DenseTrainer
{
    /// <summary>
    /// Trains <paramref name="network"/> in place. <paramref name="inputs"/> holds the samples one after another
    /// (count × InputSize values) and <paramref name="targets"/> the expected outputs (count × OutputSize).
    /// Returns the mean squared error over the data after training.
    /// </summary>
    public static float Train(DenseNetwork network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new TrainingOptions();
        if (options.Epochs < 0 || options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options));
        int inSize = network.InputSize, outSize = network.OutputSize;
        if (inputs.Length % inSize != 0) throw new ArgumentException($"the input length is not a multiple of {inSize}", nameof(inputs));
        int count = inputs.Length / inSize;
        if (count == 0) throw new ArgumentException("no samples", nameof(inputs));
        if (targets.Length != count * outSize) throw new ArgumentException($"expected {count * outSize} targets, got {targets.Length}", nameof(targets));

        IReadOnlyList<DenseLayer> layers = network.Layers;
        int layerCount = layers.Count;
        var gradW = new float[layerCount][];
        var gradB = new float[layerCount][];
        var mW = new float[layerCount][];
        var vW = new float[layerCount][];
        var mB = new float[layerCount][];
        var vB = new float[layerCount][];
        var activations = new float[layerCount + 1][];
        var deltas = new float[layerCount][];
        activations[0] = new float[inSize];
        for (int l = 0; l < layerCount; l++)
        {
            gradW[l] = new float[layers[l].Weights.Length];
            mW[l] = new float[layers[l].Weights.Length];
            vW[l] = new float[layers[l].Weights.Length];
            gradB[l] = new float[layers[l].Outputs];
            mB[l] = new float[layers[l].Outputs];
            vB[l] = new float[layers[l].Outputs];
            activations[l + 1] = new float[layers[l].Outputs];
            deltas[l] = new float[layers[l].Outputs];
        }

        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        var random = new SeededRandom(options.Seed);
        int step = 0;
        double beta1Power = 1, beta2Power = 1;

        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            float progress = options.Epochs > 1 ? epoch / (float)(options.Epochs - 1) : 0f;
            float rate = options.LearningRate + (options.FinalLearningRate - options.LearningRate) * progress;
            random.Shuffle(order);
            for (int start = 0; start < count; start += options.BatchSize)
            {
                int batch = Math.Min(options.BatchSize, count - start);
                for (int l = 0; l < layerCount; l++)
                {
                    Array.Clear(gradW[l]);
                    Array.Clear(gradB[l]);
                }

                float lossScale = 2f / (batch * outSize);
                for (int s = 0; s < batch; s++)
                {
                    int sample = order[start + s];
                    inputs.Slice(sample * inSize, inSize).CopyTo(activations[0]);
                    for (int l = 0; l < layerCount; l++) layers[l].Forward(activations[l], activations[l + 1]);

                    ReadOnlySpan<float> target = targets.Slice(sample * outSize, outSize);
                    float[] last = deltas[layerCount - 1];
                    for (int o = 0; o < outSize; o++) last[o] = lossScale * (activations[layerCount][o] - target[o]);
                    Backward(layers, activations, deltas, gradW, gradB);
                }

                step++;
                beta1Power *= options.Beta1;
                beta2Power *= options.Beta2;
                float correction1 = (float)(1 - beta1Power);
                float correction2 = (float)(1 - beta2Power);
                for (int l = 0; l < layerCount; l++)
                {
                    Adam(layers[l].Weights, gradW[l], mW[l], vW[l], rate, options, correction1, correction2);
                    Adam(layers[l].Bias, gradB[l], mB[l], vB[l], rate, options, correction1, correction2);
                }
            }
        }

        return MeanSquaredError(network, inputs, targets);
    }

    private static void Backward(IReadOnlyList<DenseLayer> layers, float[][] activations, float[][] deltas, float[][] gradW, float[][] gradB)
    {
        for (int l = layers.Count - 1; l >= 0; l--)
        {
            DenseLayer layer = layers[l];
            float[] delta = deltas[l];
            float[] output = activations[l + 1];
            if (layer.Relu)
                for (int o = 0; o < layer.Outputs; o++)
                    if (output[o] <= 0f) delta[o] = 0f;

            float[] input = activations[l];
            float[] gw = gradW[l];
            for (int o = 0; o < layer.Outputs; o++)
            {
                float d = delta[o];
                gradB[l][o] += d;
                int row = o * layer.Inputs;
                for (int i = 0; i < layer.Inputs; i++) gw[row + i] += d * input[i];
            }

            if (l == 0) break;
            float[] previous = deltas[l - 1];
            Array.Clear(previous);
            for (int o = 0; o < layer.Outputs; o++)
            {
                float d = delta[o];
                int row = o * layer.Inputs;
                for (int i = 0; i < layer.Inputs; i++) previous[i] += layer.Weights[row + i] * d;
            }
        }
    }

    private static void Adam(float[] parameters, float[] gradient, float[] m, float[] v, float rate, TrainingOptions options,
        float correction1, float correction2)
    {
        float beta1 = options.Beta1, beta2 = options.Beta2;
        for (int k = 0; k < parameters.Length; k++)
        {
            float g = gradient[k];
            m[k] = beta1 * m[k] + (1f - beta1) * g;
            v[k] = beta2 * v[k] + (1f - beta2) * g * g;
            float mHat = m[k] / correction1;
            float vHat = v[k] / correction2;
            parameters[k] -= rate * mHat / (MathF.Sqrt(vHat) + options.Epsilon);
        }
    }

    /// <summary>Mean squared error of the network over the samples.</summary>
    public static float MeanSquaredError(DenseNetwork network, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets)
    {
        ArgumentNullException.ThrowIfNull(network);
        int inSize = network.InputSize, outSize = network.OutputSize;
        int count = inputs.Length / inSize;
        double sum = 0;
        for (int s = 0; s < count; s++)
        {
            float[] y = network.Predict(inputs.Slice(s * inSize, inSize));
            for (int o = 0; o < outSize; o++)
            {
                double e = y[o] - targets[s * outSize + o];
                sum += e * e;
            }
        }
        return (float)(sum / Math.Max(1, count * outSize));
    }
}
