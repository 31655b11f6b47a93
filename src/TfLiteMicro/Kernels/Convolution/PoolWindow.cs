using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>Which pooling op a <see cref="PoolWindow"/> describes.</summary>
internal enum PoolKind : byte { Average, Max, L2 }

/// <summary>
/// The parameters of AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D, computed once in Prepare by <see cref="Prepare"/>:
/// the Pool2DOptions window (size, strides, padding, by the same <see cref="WindowGeometry"/> as the convolutions)
/// checked against the NHWC input and output shapes (depth unchanged), the element type and the fused activation's
/// range. The pools copy or average raw values, so a quantized output shares the input's quantization.
/// </summary>
internal readonly struct PoolWindow
{
    public PoolKind Kind { get; init; }
    public TensorType Type { get; init; }
    public int Batches { get; init; }
    public int InputHeight { get; init; }
    public int InputWidth { get; init; }
    public int Depth { get; init; }
    public int OutputHeight { get; init; }
    public int OutputWidth { get; init; }
    public int FilterHeight { get; init; }
    public int FilterWidth { get; init; }
    public int StrideHeight { get; init; }
    public int StrideWidth { get; init; }
    public int PadHeight { get; init; }
    public int PadWidth { get; init; }
    public float FloatMin { get; init; }
    public float FloatMax { get; init; }
    public int QuantizedMin { get; init; }
    public int QuantizedMax { get; init; }

    /// <summary>
    /// Reads the options and checks one input and one output of rank 4 and their types (float32, int8 or int16;
    /// float32 only for L2_POOL_2D, whose output takes the computed shape as in TFLM; the others' output shape must
    /// equal the computed one).
    /// </summary>
    public static PoolWindow Prepare(PrepareContext context, PoolKind kind)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        bool setOutputShape = kind == PoolKind.L2;
        if (input.Type is not (TensorType.Float32 or TensorType.Int8 or TensorType.Int16) || (kind == PoolKind.L2 && input.Type != TensorType.Float32))
            throw context.UnsupportedType("input", input.Type);
        if (input.Type != output.Type)
            throw context.Error($"input type {TensorTypes.GetName(input.Type)} differs from output type {TensorTypes.GetName(output.Type)}");
        ConvolutionParameters.ExpectRank(context, input, "input", 4);
        if (!setOutputShape) ConvolutionParameters.ExpectRank(context, output, "output", 4);

        Pool2DOptions options = Pool2DOptions.Read(context);
        WindowGeometry height = WindowGeometry.Compute(context, "height", options.Padding, input.Dim(1), options.FilterHeight, options.StrideH, 1);
        WindowGeometry width = WindowGeometry.Compute(context, "width", options.Padding, input.Dim(2), options.FilterWidth, options.StrideW, 1);
        int batches = input.Dim(0), depth = input.Dim(3);
        if (setOutputShape)
            context.SetOutputShape(0, [batches, height.OutputSize, width.OutputSize, depth]);
        else if (output.Dim(0) != batches || output.Dim(3) != depth)
            throw context.Error($"output shape [{string.Join(",", output.ShapeArray)}] should be [{batches},{height.OutputSize},{width.OutputSize},{depth}]");

        var window = new PoolWindow
        {
            Kind = kind,
            Type = input.Type,
            Batches = batches,
            InputHeight = input.Dim(1),
            InputWidth = input.Dim(2),
            Depth = depth,
            // As in TFLM the padding follows the computed size and the loops the output's shape; windows are clipped
            // to the input, so a model whose output differs cannot make the kernel read outside it.
            OutputHeight = context.Output(0).Dim(1),
            OutputWidth = context.Output(0).Dim(2),
            FilterHeight = options.FilterHeight,
            FilterWidth = options.FilterWidth,
            StrideHeight = options.StrideH,
            StrideWidth = options.StrideW,
            PadHeight = height.Padding,
            PadWidth = width.Padding,
        };
        // Window positions are formed as out * stride - padding + tap in 32-bit arithmetic.
        if ((long)Math.Max(window.OutputHeight, height.OutputSize) * window.StrideHeight + window.FilterHeight > int.MaxValue
            || (long)Math.Max(window.OutputWidth, width.OutputSize) * window.StrideWidth + window.FilterWidth > int.MaxValue)
            throw context.Error("the pooling window's positions pass 32-bit arithmetic");
        if (input.Type == TensorType.Float32)
        {
            (float floatMin, float floatMax) = ActivationRange.Float(options.FusedActivationFunction);
            return window with { FloatMin = floatMin, FloatMax = floatMax };
        }
        // TFLM requires the output to share the input's scale (within 1e-6) and zero point: raw values are not requantized.
        if (Math.Abs((double)input.Scale - output.Scale) > 1e-6)
            throw context.Error($"input scale {input.Scale} and output scale {output.Scale} differ");
        if (input.ZeroPoint != output.ZeroPoint)
            throw context.Error($"input zero point {input.ZeroPoint} and output zero point {output.ZeroPoint} differ");
        (int quantizedMin, int quantizedMax) = ActivationRange.Quantized(options.FusedActivationFunction, output);
        return window with { QuantizedMin = quantizedMin, QuantizedMax = quantizedMax };
    }

    /// <summary>The filter rows [Start, End) of output row <paramref name="oy"/>'s window that lie inside the input, and the window's first input row.</summary>
    public (int Origin, int Start, int End) Rows(int oy)
    {
        int origin = oy * StrideHeight - PadHeight;
        return (origin, Math.Max(0, -origin), Math.Min(FilterHeight, InputHeight - origin));
    }

    /// <summary>The filter columns [Start, End) of output column <paramref name="ox"/>'s window that lie inside the input, and the window's first input column.</summary>
    public (int Origin, int Start, int End) Columns(int ox)
    {
        int origin = ox * StrideWidth - PadWidth;
        return (origin, Math.Max(0, -origin), Math.Min(FilterWidth, InputWidth - origin));
    }
}
