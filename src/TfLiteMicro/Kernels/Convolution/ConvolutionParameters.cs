using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>Which of the convolution ops a <see cref="ConvolutionParameters"/> describes (their tensors differ in layout).</summary>
internal enum ConvolutionKind : byte
{
    /// <summary>CONV_2D: filter [out_channels, height, width, in_channels / groups], grouped when the depths say so.</summary>
    Standard,

    /// <summary>DEPTHWISE_CONV_2D: filter [1, height, width, in_channels * depth_multiplier].</summary>
    Depthwise,

    /// <summary>TRANSPOSE_CONV: inputs (output shape, filter [out_channels, height, width, in_channels], input, bias).</summary>
    Transpose,
}

/// <summary>The window options of a convolution, as the options views read them.</summary>
internal readonly record struct ConvolutionWindow(PaddingKind Padding, int StrideHeight, int StrideWidth, int DilationHeight, int DilationWidth,
    FusedActivation Activation, int DepthMultiplier = 0);

/// <summary>
/// Everything CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV need at Invoke, computed once in Prepare by
/// <see cref="Prepare"/>: the geometry (NHWC input and output, filter window, strides, dilations, leading padding),
/// checked in 64-bit arithmetic so that every index the unchecked loops form lies inside its tensor; the requantization
/// (offsets, and the multipliers and shifts in the arena's persistent part: one pair for a per-tensor filter scale, one
/// per output channel otherwise); and the fused activation's range.
/// </summary>
internal readonly partial struct ConvolutionParameters
{
    public ConvolutionKind Kind { get; init; }
    public TensorType Type { get; init; }
    public int Batches { get; init; }
    public int InputHeight { get; init; }
    public int InputWidth { get; init; }
    public int InputDepth { get; init; }
    public int FilterHeight { get; init; }
    public int FilterWidth { get; init; }

    /// <summary>Input channels one filter tap reads: in_channels / groups for CONV_2D, 1 for DEPTHWISE_CONV_2D, in_channels for TRANSPOSE_CONV.</summary>
    public int FilterDepth { get; init; }

    public int OutputHeight { get; init; }
    public int OutputWidth { get; init; }
    public int OutputDepth { get; init; }

    /// <summary>Output channels per group of input channels: the filters per group of CONV_2D, the depth multiplier of DEPTHWISE_CONV_2D.</summary>
    public int ChannelsPerGroup { get; init; }

    public int StrideHeight { get; init; }
    public int StrideWidth { get; init; }
    public int DilationHeight { get; init; }
    public int DilationWidth { get; init; }
    public int PadHeight { get; init; }
    public int PadWidth { get; init; }

    /// <summary>
    /// Whether the model's output extent is the one the padding was computed for (TFLM loops over the model's extent);
    /// the fast paths assume it, otherwise the reference loops run (they check every input position).
    /// </summary>
    public bool WindowMatchesOutput { get; init; }

    public bool HasBias { get; init; }
    public TensorType BiasType { get; init; }

    /// <summary>Float32 activation range.</summary>
    public float FloatMin { get; init; }
    public float FloatMax { get; init; }

    /// <summary>Quantized activation range (output terms) and offsets: input offset is minus the input zero point.</summary>
    public int QuantizedMin { get; init; }
    public int QuantizedMax { get; init; }
    public int InputOffset { get; init; }
    public int OutputOffset { get; init; }

    /// <summary>The requantization multipliers and shifts (one pair when the filter has one scale).</summary>
    public PersistentChannelScales Scales { get; init; }

    /// <summary>
    /// Whether every multiplier is non-negative and every shift in [-31, 30], as the vector requantizers assume (every
    /// multiplier QuantizeMultiplier makes satisfies it).
    /// </summary>
    public bool ScalesFitVectors { get; init; }

    /// <summary>Scratch buffer a packed int4 filter is unpacked into each Invoke, or -1.</summary>
    public int UnpackedFilterScratch { get; init; }

    /// <summary>The depth multiplier of DEPTHWISE_CONV_2D (the same number as <see cref="ChannelsPerGroup"/>).</summary>
    public int DepthMultiplier => ChannelsPerGroup;

    /// <summary>Values one filter (of one output channel) holds: height x width x depth.</summary>
    public int FilterSize => FilterHeight * FilterWidth * FilterDepth;

    /// <summary>
    /// Reads the node's tensors for <paramref name="kind"/>, checks types, ranks, shapes, geometry and quantization, and
    /// computes the parameters (allocating the requantization table and the int4 unpacking scratch). For an int4
    /// filter, <paramref name="unpackedFilter"/> receives its values, for fast paths that precompute from them.
    /// </summary>
    public static ConvolutionParameters Prepare(PrepareContext context, ConvolutionKind kind, ConvolutionWindow window, out sbyte[]? unpackedFilter)
    {
        bool transpose = kind == ConvolutionKind.Transpose;
        if (transpose) context.ExpectCounts(3, 4, 1);
        else context.ExpectCounts(2, 3, 1);
        Tensor filter = context.Input(1);
        Tensor input = context.Input(transpose ? 2 : 0);
        Tensor? bias = context.OptionalInput(transpose ? 3 : 2);
        Tensor output = context.Output(0);

        TensorType type = CheckTypes(context, kind, input, filter, output);
        ExpectRank(context, input, "input", 4);
        ExpectRank(context, filter, "filter", 4);
        ExpectRank(context, output, "output", 4);
        CheckConstantSize(context, filter, "filter");

        int batches = input.Dim(0), inputHeight = input.Dim(1), inputWidth = input.Dim(2), inputDepth = input.Dim(3);
        int filterHeight = filter.Dim(1), filterWidth = filter.Dim(2);
        int outputHeight = output.Dim(1), outputWidth = output.Dim(2);
        (int outputDepth, int filterDepth, int channelsPerGroup) = Channels(context, kind, window, input, filter, output);

        int dilationHeight = transpose ? 1 : window.DilationHeight, dilationWidth = transpose ? 1 : window.DilationWidth;
        WindowGeometry height, width;
        bool windowMatchesOutput = true;
        if (transpose)
        {
            // The padding is that of the forward convolution from the output back to the input; each input pixel
            // scatters to output rows in * stride - padding + tap.
            height = WindowGeometry.Compute(context, "height", window.Padding, outputHeight, filterHeight, window.StrideHeight, 1);
            width = WindowGeometry.Compute(context, "width", window.Padding, outputWidth, filterWidth, window.StrideWidth, 1);
            CheckReach(context, "height", inputHeight, filterHeight, window.StrideHeight, 1);
            CheckReach(context, "width", inputWidth, filterWidth, window.StrideWidth, 1);
            if (output.Dim(0) != batches) throw context.Error($"output batch {output.Dim(0)} differs from input batch {batches}");
        }
        else
        {
            height = WindowGeometry.Compute(context, "height", window.Padding, inputHeight, filterHeight, window.StrideHeight, dilationHeight);
            width = WindowGeometry.Compute(context, "width", window.Padding, inputWidth, filterWidth, window.StrideWidth, dilationWidth);
            // Like TFLM, the padding follows the computed output size while the loops cover the model's output shape.
            // Window positions are formed as out * stride - padding + tap * dilation in 32-bit arithmetic (one output
            // further for paired pixels): they must not pass int.MaxValue, where they would wrap into the input.
            CheckReach(context, "height", Math.Max(outputHeight, height.OutputSize), filterHeight, window.StrideHeight, dilationHeight);
            CheckReach(context, "width", Math.Max(outputWidth, width.OutputSize), filterWidth, window.StrideWidth, dilationWidth);
            windowMatchesOutput = outputHeight == height.OutputSize && outputWidth == width.OutputSize;
            if (output.Dim(0) != batches || output.Dim(3) != outputDepth)
                throw context.Error($"output shape [{string.Join(",", output.ShapeArray)}] should be [{batches},{height.OutputSize},{width.OutputSize},{outputDepth}]");
        }

        TensorType biasType = CheckBias(context, kind, type, bias, outputDepth);
        var parameters = new ConvolutionParameters
        {
            Kind = kind, Type = type, Batches = batches,
            InputHeight = inputHeight, InputWidth = inputWidth, InputDepth = inputDepth,
            FilterHeight = filterHeight, FilterWidth = filterWidth, FilterDepth = filterDepth,
            OutputHeight = outputHeight, OutputWidth = outputWidth, OutputDepth = outputDepth, ChannelsPerGroup = channelsPerGroup,
            StrideHeight = window.StrideHeight, StrideWidth = window.StrideWidth,
            DilationHeight = dilationHeight, DilationWidth = dilationWidth,
            PadHeight = height.Padding, PadWidth = width.Padding, WindowMatchesOutput = windowMatchesOutput,
            HasBias = bias is not null, BiasType = biasType, UnpackedFilterScratch = -1,
        };
        unpackedFilter = null;
        if (type == TensorType.Float32)
        {
            (float min, float max) = ActivationRange.Float(window.Activation);
            return parameters with { FloatMin = min, FloatMax = max };
        }

        if (kind == ConvolutionKind.Depthwise && type == TensorType.Int8)
        {
            QuantizationParameters fq = filter.Quantization;
            if (fq.IsQuantized && fq.ZeroPoints.Length != 0 && fq.Scales.Length != fq.ZeroPoints.Length)
                throw context.Error($"the filter has {fq.Scales.Length} scales but {fq.ZeroPoints.Length} zero points");
        }
        (int[] multipliers, int[] shifts) = Multipliers(context, input, filter, output, outputDepth, kind == ConvolutionKind.Depthwise ? 3 : 0);
        (int quantizedMin, int quantizedMax) = ActivationRange.Quantized(window.Activation, output);
        int unpackedScratch = -1;
        if (filter.Type == TensorType.Int4)
        {
            unpackedFilter = UnpackInt4Filter(context, filter);
            unpackedScratch = context.RequestScratch(unpackedFilter.Length);
        }
        return parameters with
        {
            Scales = PersistentChannelScales.Allocate(context, multipliers, shifts),
            ScalesFitVectors = FitVectors(multipliers, shifts),
            QuantizedMin = quantizedMin, QuantizedMax = quantizedMax,
            InputOffset = -input.ZeroPoint, OutputOffset = output.ZeroPoint,
            UnpackedFilterScratch = unpackedScratch,
        };
    }

    /// <summary>
    /// The filter for this Invoke: the model's bytes as they are, or, for a packed int4 filter, its values unpacked into
    /// the node's scratch buffer (as TFLM does, so no unpacked copy outlives the node).
    /// </summary>
    public ReadOnlySpan<sbyte> Int8Filter(InvokeContext context)
    {
        if (UnpackedFilterScratch < 0) return context.Input<sbyte>(1);
        Span<sbyte> unpacked = context.Scratch<sbyte>(UnpackedFilterScratch);
        PackedInt4.Unpack(context.Input<byte>(1), unpacked.Length, unpacked);
        return unpacked;
    }

    /// <summary>
    /// The filter as <see cref="Int8Filter"/> left it in this Invoke, without unpacking it again: for the bands of a layer
    /// split over threads, which read what the calling thread unpacked before handing them out.
    /// </summary>
    public ReadOnlySpan<sbyte> UnpackedInt8Filter(InvokeContext context)
        => UnpackedFilterScratch < 0 ? context.Input<sbyte>(1) : context.Scratch<sbyte>(UnpackedFilterScratch);

    /// <summary>The multipliers and shifts for this Invoke (one pair for a per-tensor filter scale).</summary>
    public ChannelRequantization Requantization(InvokeContext context) => new(Scales.Multipliers(context), Scales.Shifts(context));

    private static TensorType CheckTypes(PrepareContext context, ConvolutionKind kind, Tensor input, Tensor filter, Tensor output)
    {
        if (input.Type != output.Type)
            throw context.Error($"input type {TensorTypes.GetName(input.Type)} differs from output type {TensorTypes.GetName(output.Type)}");
        bool filterOk = input.Type switch
        {
            TensorType.Float32 => filter.Type == TensorType.Float32,
            TensorType.Int8 => filter.Type == TensorType.Int8 || (filter.Type == TensorType.Int4 && kind != ConvolutionKind.Transpose),
            TensorType.Int16 => filter.Type == TensorType.Int8,
            _ => throw context.UnsupportedType("input", input.Type),
        };
        if (!filterOk) throw context.UnsupportedType($"filter (for {TensorTypes.GetName(input.Type)} input)", filter.Type);
        return input.Type;
    }

    /// <summary>(output channels, input channels per filter tap, output channels per group), checked against the shapes.</summary>
    private static (int OutputDepth, int FilterDepth, int ChannelsPerGroup) Channels(
        PrepareContext context, ConvolutionKind kind, ConvolutionWindow window, Tensor input, Tensor filter, Tensor output)
    {
        int inputDepth = input.Dim(3);
        switch (kind)
        {
            case ConvolutionKind.Standard:
            {
                int outputDepth = filter.Dim(0), filterDepth = filter.Dim(3);
                if (filterDepth <= 0 || inputDepth % filterDepth != 0)
                    throw context.Error($"input depth {inputDepth} is not a multiple of the filter depth {filterDepth}");
                int groups = inputDepth / filterDepth;
                if (groups == 0 || outputDepth % groups != 0)
                    throw context.Error($"{outputDepth} output channels cannot be split into {groups} groups");
                return (outputDepth, filterDepth, outputDepth / groups);
            }
            case ConvolutionKind.Depthwise:
            {
                int outputDepth = filter.Dim(3), multiplier = window.DepthMultiplier;
                if (filter.Dim(0) != 1)
                    throw context.Error($"filter shape [{string.Join(",", filter.ShapeArray)}] must start with 1");
                // The schema calls depth_multiplier redundant; when a converter leaves it out, the shapes say what it is.
                if (multiplier == 0 && inputDepth > 0 && outputDepth % inputDepth == 0) multiplier = outputDepth / inputDepth;
                if (multiplier <= 0 || (long)inputDepth * multiplier != outputDepth)
                    throw context.Error($"{outputDepth} filter channels are not {inputDepth} input channels times depth multiplier {multiplier}");
                return (outputDepth, 1, multiplier);
            }
            default:
            {
                int outputDepth = filter.Dim(0);
                if (filter.Dim(3) != inputDepth) throw context.Error($"filter depth {filter.Dim(3)} differs from input depth {inputDepth}");
                if (output.Dim(3) != outputDepth) throw context.Error($"output depth {output.Dim(3)} differs from the filter's {outputDepth} output channels");
                return (outputDepth, inputDepth, outputDepth);
            }
        }
    }

    /// <summary>
    /// Window positions are formed as index * stride - padding + tap * dilation in 32-bit arithmetic: throws when one
    /// could pass int.MaxValue (it would wrap to a position inside the tensor).
    /// </summary>
    private static void CheckReach(PrepareContext context, string dimension, int positions, int filterSize, int stride, int dilation)
    {
        long farthest = (long)positions * stride + (long)(filterSize - 1) * dilation;
        if (farthest > int.MaxValue)
            throw context.Error($"{dimension}: {positions} positions with stride {stride}, {filterSize} taps with dilation {dilation} reach position {farthest}, beyond 32-bit arithmetic");
    }

    /// <summary>The bias type the op takes for <paramref name="type"/> activations (TensorType.NoType without a bias).</summary>
    private static TensorType CheckBias(PrepareContext context, ConvolutionKind kind, TensorType type, Tensor? bias, int outputDepth)
    {
        if (bias is null) return default;
        if (bias.ElementCount != outputDepth)
            throw context.Error($"bias has {bias.ElementCount} values for {outputDepth} output channels");
        CheckConstantSize(context, bias, "bias");
        bool ok = type switch
        {
            TensorType.Float32 => bias.Type == TensorType.Float32,
            TensorType.Int8 => bias.Type == TensorType.Int32,
            _ => bias.Type == TensorType.Int64
                || (kind == ConvolutionKind.Standard && bias.Type == TensorType.Int32)
                || (kind == ConvolutionKind.Transpose && bias.Type == TensorType.Int16),
        };
        if (!ok) throw context.UnsupportedType($"bias (for {TensorTypes.GetName(type)} input)", bias.Type);
        return bias.Type;
    }

    /// <summary>
    /// Validates the quantization and computes the requantization: one multiplier and shift for a per-tensor filter
    /// scale, one per output channel for a per-channel one.
    /// </summary>
    private static (int[] Multipliers, int[] Shifts) Multipliers(
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
        int count = q.Scales.Length;
        var multipliers = new int[count];
        var shifts = new int[count];
        string? problem = PerChannelQuantization.Compute(input.Scale, q.Scales, output.Scale, multipliers, shifts);
        if (problem is not null) throw context.Error(problem);
        return (multipliers, shifts);
    }

    private static bool FitVectors(int[] multipliers, int[] shifts)
    {
        for (int c = 0; c < multipliers.Length; c++)
            if (multipliers[c] < 0 || shifts[c] > 30 || shifts[c] < -31) return false;
        return true;
    }

    /// <summary>Reads a constant int4 filter and sign-extends it to one value per byte (in Prepare, to precompute from it).</summary>
    private static sbyte[] UnpackInt4Filter(PrepareContext context, Tensor filter)
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

    /// <summary>Checks that a constant tensor's data covers its shape (a truncated buffer would be read past its end).</summary>
    private static void CheckConstantSize(PrepareContext context, Tensor tensor, string what)
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

/// <summary>
/// A view, made in Invoke, of a convolution's multipliers and shifts in the arena's persistent part: one pair serves
/// every channel (per-tensor filter scale) or one pair per channel.
/// </summary>
internal readonly ref struct ChannelRequantization
{
    public ChannelRequantization(ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts)
    {
        Multipliers = multipliers;
        Shifts = shifts;
    }

    public ReadOnlySpan<int> Multipliers { get; }
    public ReadOnlySpan<int> Shifts { get; }

    /// <summary>Whether one multiplier and shift serve every channel.</summary>
    public bool PerTensor => Multipliers.Length == 1;

    /// <summary>sum x multiplier x 2^shift of <paramref name="channel"/>, rounded as TFLM does.</summary>
    public int Scale(int sum, int channel)
    {
        int c = Multipliers.Length == 1 ? 0 : channel;
        return FixedPoint.MultiplyByQuantizedMultiplier(sum, Multipliers[c], Shifts[c]);
    }

    /// <inheritdoc cref="Scale(int, int)"/>
    public int Scale(long sum, int channel)
    {
        int c = Multipliers.Length == 1 ? 0 : channel;
        return FixedPoint.MultiplyByQuantizedMultiplier(sum, Multipliers[c], Shifts[c]);
    }
}
