using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// Everything a matrix product output[b, o] = activation(sum over d of (x[b, d] + InputOffset) * (w[o, d] + WeightsOffset)
/// + bias[o]) needs at Invoke, computed once in Prepare by <see cref="MatMulSetup"/> for FULLY_CONNECTED and BATCH_MATMUL.
/// Unmanaged and small: per-tensor quantization keeps one multiplier and shift here; only per-channel quantization keeps
/// a table, in the arena's persistent part (<see cref="ChannelScales"/>).
/// </summary>
internal readonly record struct MatMulParameters
{
    /// <summary>Rows of activations (Batches * AccumDepth values of the input are read, proven in Prepare).</summary>
    public int Batches { get; init; }

    /// <summary>Output channels, each a row of AccumDepth weights (OutputDepth * AccumDepth weights are read).</summary>
    public int OutputDepth { get; init; }

    /// <summary>Length of each dot product.</summary>
    public int AccumDepth { get; init; }

    /// <summary>Minus the input zero point.</summary>
    public int InputOffset { get; init; }

    /// <summary>Minus the weights' zero point; zero with per-channel weights, whose zero points the reference ignores.</summary>
    public int WeightsOffset { get; init; }

    /// <summary>The output zero point.</summary>
    public int OutputOffset { get; init; }

    /// <summary>Clamp of a quantized result (the fused activation within the output type's range).</summary>
    public int ActivationMin { get; init; }

    /// <summary>Clamp of a quantized result (the fused activation within the output type's range).</summary>
    public int ActivationMax { get; init; }

    /// <summary>Clamp of a float result (the fused activation).</summary>
    public float FloatMin { get; init; }

    /// <summary>Clamp of a float result (the fused activation).</summary>
    public float FloatMax { get; init; }

    /// <summary>The requantization multiplier of per-tensor quantization.</summary>
    public int Multiplier { get; init; }

    /// <summary>The requantization shift of per-tensor quantization.</summary>
    public int Shift { get; init; }

    /// <summary>Whether a quantized sum (before the bias) wraps in 32 bits like the reference's int32 accumulator; otherwise it is summed in 64 bits.</summary>
    public bool Int32Accumulator { get; init; }

    /// <summary>
    /// Whether every multiplier is non-negative and every shift within [-31, 30], as the vector requantization
    /// (<see cref="Int8Requantizer.CanVectorize"/>) assumes.
    /// </summary>
    public bool ScalesVectorizable { get; init; }

    /// <summary>Per-channel multipliers and shifts in the persistent part; no channels with per-tensor quantization.</summary>
    public PersistentChannelScales ChannelScales { get; init; }

    /// <summary>Whether each output channel has its own multiplier and shift.</summary>
    public bool PerChannel => ChannelScales.Channels > 0;

    /// <summary>The multiplier of output channel <paramref name="o"/> (<paramref name="multipliers"/>: the per-channel table or empty).</summary>
    public int MultiplierOf(ReadOnlySpan<int> multipliers, int o) => PerChannel ? multipliers[o] : Multiplier;

    /// <summary>The shift of output channel <paramref name="o"/> (<paramref name="shifts"/>: the per-channel table or empty).</summary>
    public int ShiftOf(ReadOnlySpan<int> shifts, int o) => PerChannel ? shifts[o] : Shift;
}

/// <summary>The one Prepare helper of the matrix products: shapes proven in 64-bit arithmetic, quantization, activation range.</summary>
internal static class MatMulSetup
{
    /// <summary>
    /// Parameters of a product of <paramref name="batches"/> rows of <paramref name="input"/> with
    /// <paramref name="outputDepth"/> rows of <paramref name="weights"/>, each <paramref name="accumDepth"/> long. Checks
    /// that every index the loops form lies inside the tensors. <paramref name="allowPerChannel"/>: whether several weight
    /// scales mean per-channel quantization (FULLY_CONNECTED) or only the first scale counts (BATCH_MATMUL, as in TFLM).
    /// </summary>
    public static MatMulParameters Create(PrepareContext context, Tensor input, Tensor weights, Tensor? bias, Tensor output,
        FusedActivation activation, int batches, int outputDepth, int accumDepth, bool allowPerChannel, TensorType quantizedBiasType)
    {
        if (batches < 0 || outputDepth < 0 || accumDepth < 0)
            throw context.Error($"matrix product sizes must not be negative (batches {batches}, outputs {outputDepth}, depth {accumDepth})");
        if ((long)batches * accumDepth > input.ElementCount)
            throw context.Error($"input has {input.ElementCount} elements, fewer than {batches} batches x depth {accumDepth}");
        if ((long)outputDepth * accumDepth > weights.ElementCount)
            throw context.Error($"weights have {weights.ElementCount} elements, fewer than {outputDepth} rows x depth {accumDepth}");
        if ((long)batches * outputDepth > output.ElementCount)
            throw context.Error($"output has {output.ElementCount} elements, fewer than {batches} batches x {outputDepth} outputs");
        if (bias is not null && bias.ElementCount < outputDepth)
            throw context.Error($"bias has {bias.ElementCount} elements, fewer than the output depth {outputDepth}");

        var parameters = new MatMulParameters { Batches = batches, OutputDepth = outputDepth, AccumDepth = accumDepth };
        if (input.Type == TensorType.Float32)
        {
            (float min, float max) = ActivationRange.Float(activation);
            return parameters with { FloatMin = min, FloatMax = max };
        }

        (int activationMin, int activationMax) = ActivationRange.Quantized(activation, output);
        parameters = parameters with
        {
            InputOffset = -input.ZeroPoint,
            OutputOffset = output.ZeroPoint,
            ActivationMin = activationMin,
            ActivationMax = activationMax,
            Int32Accumulator = input.Type == TensorType.Int8
                || (bias is not null ? bias.Type == TensorType.Int32 : quantizedBiasType == TensorType.Int32),
        };

        ReadOnlySpan<float> scales = weights.Quantization.Scales;
        if (scales.Length == 0) throw context.Error("weights are not quantized");
        if (scales.Length > 1 && allowPerChannel)
        {
            if (weights.Type == TensorType.Int4) throw context.Error("per-channel quantization is not supported with int4 weights");
            int dimension = weights.Quantization.QuantizedDimension;
            if (dimension >= weights.Rank || weights.Dim(dimension) != scales.Length)
                throw context.Error($"weights have {scales.Length} scales, which does not match dimension {dimension}");
            if (scales.Length < outputDepth)
                throw context.Error($"weights have {scales.Length} scales for {outputDepth} output channels");
            var multipliers = new int[outputDepth];
            var shifts = new int[outputDepth];
            for (int c = 0; c < outputDepth; c++)
                (multipliers[c], shifts[c]) = FixedPoint.QuantizeMultiplier((double)input.Scale * scales[c] / output.Scale);
            return parameters with
            {
                ChannelScales = PersistentChannelScales.Allocate(context, multipliers, shifts),
                ScalesVectorizable = Int8Requantizer.ScalesFit(multipliers, shifts),
            };
        }

        if (!allowPerChannel)
        {
            // BATCH_MATMUL multiplies the two scales in single precision, as TFLM does.
            double product = (double)(input.Scale * weights.Scale);
            if (!(product >= 0) || !(output.Scale > 0)) throw context.Error("inputs and output need valid quantization scales");
            (int m, int s) = FixedPoint.QuantizeMultiplier(product / output.Scale);
            return parameters with { WeightsOffset = -weights.ZeroPoint, Multiplier = m, Shift = s, ScalesVectorizable = Int8Requantizer.ScalesFit([m], [s]) };
        }
        double inputProductScale = (double)input.Scale * weights.Scale;
        if (bias is not null && bias.Quantization.IsQuantized)
        {
            double biasScale = bias.Scale;
            if (Math.Abs(inputProductScale - biasScale) > 1e-6 * Math.Min(inputProductScale, biasScale))
                throw context.Error($"bias scale {biasScale} does not equal input scale x weights scale {inputProductScale}");
        }
        (int multiplier, int shift) = FixedPoint.QuantizeMultiplier(inputProductScale / output.Scale);
        return parameters with
        {
            WeightsOffset = -weights.ZeroPoint,
            Multiplier = multiplier,
            Shift = shift,
            ScalesVectorizable = Int8Requantizer.ScalesFit([multiplier], [shift]),
        };
    }
}
