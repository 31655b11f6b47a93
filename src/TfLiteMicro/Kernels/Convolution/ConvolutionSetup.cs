using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>Checks and precomputations shared by CONV_2D and DEPTHWISE_CONV_2D.</summary>
internal static class ConvolutionSetup
{
    /// <summary>
    /// Validates the quantization of a quantized convolution and computes its per-channel multipliers and shifts
    /// (a per-tensor filter scale is broadcast to every channel).
    /// </summary>
    public static (int[] Multipliers, int[] Shifts) PerChannelMultipliers(
        PrepareContext context, Tensor input, Tensor filter, Tensor output, int channels, int quantizedDimension)
    {
        if (!input.Quantization.IsQuantized) throw context.Error("the quantized input has no scale");
        if (!output.Quantization.IsQuantized) throw context.Error("the quantized output has no scale");
        QuantizationParameters q = filter.Quantization;
        if (!q.IsQuantized) throw context.Error("the quantized filter has no scale");
        if (q.Scales.Length != 1)
        {
            if (q.Scales.Length != channels)
                throw context.Error($"the filter has {q.Scales.Length} scales but {channels} output channels");
            if (q.QuantizedDimension != quantizedDimension)
                throw context.Error($"the filter is quantized along dimension {q.QuantizedDimension}, expected {quantizedDimension}");
        }
        var multipliers = new int[channels];
        var shifts = new int[channels];
        string? problem = PerChannelQuantization.Compute(input.Scale, q.Scales, output.Scale, multipliers, shifts);
        if (problem is not null) throw context.Error(problem);
        return (multipliers, shifts);
    }

    /// <summary>Reads a constant int4 filter and sign-extends it to one value per byte (in Prepare, to precompute from it).</summary>
    public static sbyte[] UnpackInt4Filter(PrepareContext context, Tensor filter)
    {
        if (!filter.IsConstant) throw context.Error("an INT4 filter must be a constant of the model");
        int count = filter.ElementCount;
        ReadOnlySpan<byte> packed = filter.AsReadOnlySpan<byte>();
        if (packed.Length < (count + 1) / 2)
            throw context.Error($"the INT4 filter holds {packed.Length} bytes, {(count + 1) / 2} needed");
        var values = new sbyte[count];
        PackedInt4.Unpack(packed, count, values);
        return values;
    }

    /// <summary>
    /// The int8 filter for this Invoke: the model's bytes as they are, or, for a packed int4 filter, its values unpacked
    /// into the node's scratch buffer (as TFLM does, so no unpacked copy outlives the node).
    /// </summary>
    public static ReadOnlySpan<sbyte> Filter(InvokeContext context, int input, int unpackScratch)
    {
        if (unpackScratch < 0) return context.Input<sbyte>(input);
        Span<sbyte> unpacked = context.Scratch<sbyte>(unpackScratch);
        PackedInt4.Unpack(context.Input<byte>(input), unpacked.Length, unpacked);
        return unpacked;
    }

    /// <summary>Checks that a constant tensor's data covers its shape (a truncated buffer would be read past its end).</summary>
    public static void CheckConstantSize(PrepareContext context, Tensor tensor, string what)
    {
        if (tensor.IsConstant && !tensor.IsCompressed && tensor.Definition.Data.Length < tensor.ByteCount)
            throw context.Error($"{what} holds {tensor.Definition.Data.Length} bytes, its shape needs {tensor.ByteCount}");
    }

    public static void ExpectRank(PrepareContext context, Tensor tensor, string what, int rank)
    {
        if (tensor.Rank != rank)
            throw context.Error($"{what} has rank {tensor.Rank} ([{string.Join(",", tensor.ShapeArray)}]), expected {rank}");
    }
}
