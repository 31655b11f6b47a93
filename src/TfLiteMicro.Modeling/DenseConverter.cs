using System.Text;
using TfLiteMicro.Kernels;

namespace TfLiteMicro.Modeling;

/// <summary>Choices for <see cref="DenseConverter.ToInt8Model"/>.</summary>
public sealed record QuantizationOptions
{
    /// <summary>
    /// True (default): the model's input and output are int8 and the caller quantizes x and dequantizes y with the
    /// tensors' scale and zero point. False: float input and output, with QUANTIZE and DEQUANTIZE operators at the edges.
    /// </summary>
    public bool Int8InputOutput { get; init; } = true;

    /// <summary>One weight scale per output channel (quantized_dimension 0) instead of one per tensor.</summary>
    public bool PerChannelWeights { get; init; }

    /// <summary>The model's description string.</summary>
    public string Description { get; init; } = "TfLiteMicro.Modeling";
}

/// <summary>
/// Turns a <see cref="DenseNetwork"/> into a .tflite model of FULLY_CONNECTED operators (ReLU fused), in float32
/// or with post-training int8 quantization calibrated on representative inputs, as TFLite's converter does.
/// </summary>
public static class DenseConverter
{
    /// <summary>A float32 model: one FULLY_CONNECTED per layer, float input [1, n] and output [1, m].</summary>
    public static byte[] ToFloatModel(DenseNetwork network, string description = "TfLiteMicro.Modeling")
    {
        ArgumentNullException.ThrowIfNull(network);
        var builder = new ModelBuilder(description);
        SubgraphBuilder g = builder.AddSubgraph("main");
        int current = g.AddTensor("input", TensorType.Float32, [1, network.InputSize], shapeSignature: [-1, network.InputSize]);
        int input = current;
        for (int l = 0; l < network.Layers.Count; l++)
        {
            DenseLayer layer = network.Layers[l];
            int weights = g.AddConstant<float>($"dense_{l}/weights", TensorType.Float32, [layer.Outputs, layer.Inputs], layer.Weights);
            int bias = g.AddConstant<float>($"dense_{l}/bias", TensorType.Float32, [layer.Outputs], layer.Bias);
            bool last = l == network.Layers.Count - 1;
            int output = g.AddTensor(last ? "output" : $"dense_{l}/output", TensorType.Float32, [1, layer.Outputs],
                shapeSignature: [-1, layer.Outputs]);
            g.AddOperator(BuiltinOperator.FullyConnected, [current, weights, bias], [output],
                OperatorOptions.FullyConnected(layer.Relu ? FusedActivation.Relu : FusedActivation.None));
            current = output;
        }
        g.SetInputs(input);
        g.SetOutputs(current);
        AddCommonMetadata(builder, "1.5.0", input, current);
        return builder.Build();
    }

    /// <summary>
    /// Activation ranges over the representative inputs (count × InputSize values): entry 0 is the input, entry l + 1
    /// the output of layer l after its activation.
    /// </summary>
    public static (float Min, float Max)[] Calibrate(DenseNetwork network, ReadOnlySpan<float> representativeInputs)
    {
        ArgumentNullException.ThrowIfNull(network);
        int size = network.InputSize;
        if (representativeInputs.Length == 0 || representativeInputs.Length % size != 0)
            throw new ArgumentException($"give a non-empty multiple of {size} representative values", nameof(representativeInputs));
        var ranges = new (float Min, float Max)[network.Layers.Count + 1];
        for (int k = 0; k < ranges.Length; k++) ranges[k] = (float.PositiveInfinity, float.NegativeInfinity);
        for (int s = 0; s < representativeInputs.Length / size; s++)
        {
            float[][] values = network.PredictAllLayers(representativeInputs.Slice(s * size, size));
            for (int k = 0; k < values.Length; k++)
                foreach (float v in values[k])
                    ranges[k] = (Math.Min(ranges[k].Min, v), Math.Max(ranges[k].Max, v));
        }
        return ranges;
    }

    /// <summary>
    /// An int8 model: activations int8 (asymmetric, from the calibrated ranges), weights int8 (symmetric, per tensor or
    /// per channel), biases int32 with scale input_scale × weight_scale.
    /// </summary>
    public static byte[] ToInt8Model(DenseNetwork network, ReadOnlySpan<float> representativeInputs, QuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new QuantizationOptions();
        (float Min, float Max)[] ranges = Calibrate(network, representativeInputs);
        var activation = new (float Scale, int ZeroPoint)[ranges.Length];
        for (int k = 0; k < ranges.Length; k++) activation[k] = QuantizationMath.AsymmetricInt8(ranges[k].Min, ranges[k].Max);

        var builder = new ModelBuilder(options.Description);
        SubgraphBuilder g = builder.AddSubgraph("main");
        int inSize = network.InputSize;
        int modelInput, current;
        if (options.Int8InputOutput)
        {
            modelInput = current = g.AddTensor("input", TensorType.Int8, [1, inSize], PerTensor(activation[0]), shapeSignature: [-1, inSize]);
        }
        else
        {
            modelInput = g.AddTensor("input", TensorType.Float32, [1, inSize], shapeSignature: [-1, inSize]);
            current = g.AddTensor("input_int8", TensorType.Int8, [1, inSize], PerTensor(activation[0]), shapeSignature: [-1, inSize]);
            g.AddOperator(BuiltinOperator.Quantize, [modelInput], [current], version: 1);
        }

        for (int l = 0; l < network.Layers.Count; l++)
        {
            DenseLayer layer = network.Layers[l];
            float inputScale = activation[l].Scale;
            var weightScales = new float[options.PerChannelWeights ? layer.Outputs : 1];
            for (int c = 0; c < weightScales.Length; c++)
            {
                float maxAbs = 0;
                int from = options.PerChannelWeights ? c * layer.Inputs : 0;
                int count = options.PerChannelWeights ? layer.Inputs : layer.Weights.Length;
                for (int k = from; k < from + count; k++) maxAbs = Math.Max(maxAbs, Math.Abs(layer.Weights[k]));
                weightScales[c] = QuantizationMath.SymmetricInt8Scale(maxAbs);
            }

            var weights = new sbyte[layer.Weights.Length];
            for (int k = 0; k < weights.Length; k++)
                weights[k] = QuantizationMath.QuantizeWeight(layer.Weights[k], weightScales[options.PerChannelWeights ? k / layer.Inputs : 0]);
            var biasScales = new float[weightScales.Length];
            for (int c = 0; c < biasScales.Length; c++) biasScales[c] = QuantizationMath.BiasScale(inputScale, weightScales[c]);
            var bias = new int[layer.Outputs];
            for (int o = 0; o < bias.Length; o++) bias[o] = QuantizationMath.QuantizeBias(layer.Bias[o], biasScales[options.PerChannelWeights ? o : 0]);

            int weightTensor = g.AddConstant<sbyte>($"dense_{l}/weights", TensorType.Int8, [layer.Outputs, layer.Inputs], weights,
                new QuantizationParameters(weightScales, new long[weightScales.Length], 0));
            int biasTensor = g.AddConstant<int>($"dense_{l}/bias", TensorType.Int32, [layer.Outputs], bias,
                new QuantizationParameters(biasScales, new long[biasScales.Length], 0));
            bool last = l == network.Layers.Count - 1;
            string name = last && options.Int8InputOutput ? "output" : last ? "output_int8" : $"dense_{l}/output";
            int output = g.AddTensor(name, TensorType.Int8, [1, layer.Outputs], PerTensor(activation[l + 1]), shapeSignature: [-1, layer.Outputs]);
            g.AddOperator(BuiltinOperator.FullyConnected, [current, weightTensor, biasTensor], [output],
                OperatorOptions.FullyConnected(layer.Relu ? FusedActivation.Relu : FusedActivation.None), version: 4);
            current = output;
        }

        int modelOutput = current;
        if (!options.Int8InputOutput)
        {
            modelOutput = g.AddTensor("output", TensorType.Float32, [1, network.OutputSize], shapeSignature: [-1, network.OutputSize]);
            g.AddOperator(BuiltinOperator.Dequantize, [current], [modelOutput], version: 2);
        }
        g.SetInputs(modelInput);
        g.SetOutputs(modelOutput);
        AddCommonMetadata(builder, "1.14.0", modelInput, modelOutput);
        return builder.Build();
    }

    private static QuantizationParameters PerTensor((float Scale, int ZeroPoint) p) => new([p.Scale], [p.ZeroPoint], 0);

    private static void AddCommonMetadata(ModelBuilder builder, string minRuntimeVersion, int input, int output)
    {
        // The converter pads the version string with zeros to 16 bytes.
        var version = new byte[16];
        Encoding.ASCII.GetBytes(minRuntimeVersion, version);
        builder.AddMetadata("min_runtime_version", version);
        builder.AddSignature("serving_default", 0, [new("x", input)], [new("y", output)]);
    }
}
