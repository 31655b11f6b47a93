namespace TfLiteMicro.Modeling;

/// <summary>One fully connected layer: weights in TFLite's FULLY_CONNECTED layout [outputs, inputs], a bias, and an optional ReLU.</summary>
public sealed class DenseLayer
{
    public DenseLayer(int inputs, int outputs, bool relu)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        Inputs = inputs;
        Outputs = outputs;
        Relu = relu;
        Weights = new float[inputs * outputs];
        Bias = new float[outputs];
    }

    public int Inputs { get; }
    public int Outputs { get; }
    public bool Relu { get; }

    /// <summary>Row-major [outputs, inputs]: the weight from input i to output o is at o * Inputs + i.</summary>
    public float[] Weights { get; }

    public float[] Bias { get; }

    /// <summary>output = activation(W · input + bias), accumulated in float in input order, as TFLM's float kernel does.</summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int o = 0; o < Outputs; o++)
        {
            ReadOnlySpan<float> row = Weights.AsSpan(o * Inputs, Inputs);
            float sum = 0f;
            for (int i = 0; i < Inputs; i++) sum += row[i] * input[i];
            sum += Bias[o];
            output[o] = Relu && sum < 0f ? 0f : sum;
        }
    }
}

/// <summary>A stack of fully connected layers (float32): ReLU on hidden layers, linear output.</summary>
public sealed class DenseNetwork
{
    public DenseNetwork(IReadOnlyList<DenseLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("a network needs at least one layer", nameof(layers));
        for (int l = 1; l < layers.Count; l++)
            if (layers[l].Inputs != layers[l - 1].Outputs)
                throw new ArgumentException($"layer {l} takes {layers[l].Inputs} inputs but layer {l - 1} gives {layers[l - 1].Outputs}");
        Layers = [.. layers];
    }

    public IReadOnlyList<DenseLayer> Layers { get; }

    public int InputSize => Layers[0].Inputs;
    public int OutputSize => Layers[^1].Outputs;

    /// <summary>
    /// A network with the given layer sizes (e.g. [1, 16, 16, 1]): ReLU after every hidden layer, weights drawn
    /// Glorot-uniform from <paramref name="seed"/>, biases zero (Keras' defaults for Dense).
    /// </summary>
    public static DenseNetwork Create(ReadOnlySpan<int> sizes, ulong seed)
    {
        if (sizes.Length < 2) throw new ArgumentException("give at least the input and output sizes", nameof(sizes));
        var random = new SeededRandom(seed);
        var layers = new DenseLayer[sizes.Length - 1];
        for (int l = 0; l < layers.Length; l++)
        {
            var layer = new DenseLayer(sizes[l], sizes[l + 1], relu: l < layers.Length - 1);
            double limit = Math.Sqrt(6.0 / (sizes[l] + sizes[l + 1]));
            for (int k = 0; k < layer.Weights.Length; k++) layer.Weights[k] = (float)random.NextDouble(-limit, limit);
            layers[l] = layer;
        }
        return new DenseNetwork(layers);
    }

    /// <summary>Runs the network on one sample.</summary>
    public float[] Predict(ReadOnlySpan<float> input)
    {
        if (input.Length != InputSize) throw new ArgumentException($"expected {InputSize} inputs, got {input.Length}", nameof(input));
        float[] current = input.ToArray();
        foreach (DenseLayer layer in Layers)
        {
            var next = new float[layer.Outputs];
            layer.Forward(current, next);
            current = next;
        }
        return current;
    }

    /// <summary>Runs the network on one sample and keeps every layer's output (used for calibration).</summary>
    public float[][] PredictAllLayers(ReadOnlySpan<float> input)
    {
        var outputs = new float[Layers.Count + 1][];
        outputs[0] = input.ToArray();
        for (int l = 0; l < Layers.Count; l++)
        {
            outputs[l + 1] = new float[Layers[l].Outputs];
            Layers[l].Forward(outputs[l], outputs[l + 1]);
        }
        return outputs;
    }

    /// <summary>A single-input, single-output network evaluated at <paramref name="x"/>.</summary>
    public float Predict(float x) => Predict([x])[0];
}
