using TfLiteMicro.Quantization;
namespace TfLiteMicro.Kernels;

/// <summary>
/// The Pool2DOptions of AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D, checked against the input and output shapes:
/// window size, strides, padding and the resulting output geometry (NHWC, depth unchanged).
/// </summary>
internal readonly struct PoolWindow
{
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
    public FusedActivation Activation { get; init; }

    /// <summary>
    /// Reads the options and checks one input and one output of rank 4. When <paramref name="setOutputShape"/> is set
    /// the output takes the computed shape; otherwise the model's output shape must equal it.
    /// </summary>
    public static PoolWindow Prepare(PrepareContext context, bool setOutputShape)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        if (input.Type != output.Type)
            throw context.Error($"input type {TensorTypes.GetName(input.Type)} differs from output type {TensorTypes.GetName(output.Type)}");
        ConvolutionParameters.ExpectRank(context, input, "input", 4);
        if (!setOutputShape) ConvolutionParameters.ExpectRank(context, output, "output", 4);

        Pool2DOptions options = Pool2DOptions.Read(context);
        PaddingKind padding = options.Padding;
        int strideWidth = options.StrideW;
        int strideHeight = options.StrideH;
        int filterWidth = options.FilterWidth;
        int filterHeight = options.FilterHeight;
        FusedActivation activation = options.FusedActivationFunction;

        WindowGeometry height = WindowGeometry.Compute(context, "height", padding, input.Dim(1), filterHeight, strideHeight, 1);
        WindowGeometry width = WindowGeometry.Compute(context, "width", padding, input.Dim(2), filterWidth, strideWidth, 1);
        int batches = input.Dim(0), depth = input.Dim(3);
        if (setOutputShape)
        {
            context.SetOutputShape(0, [batches, height.OutputSize, width.OutputSize, depth]);
        }
        else if (output.Dim(0) != batches || output.Dim(3) != depth)
        {
            throw context.Error($"output shape [{string.Join(",", output.ShapeArray)}] should be [{batches},{height.OutputSize},{width.OutputSize},{depth}]");
        }

        return new PoolWindow
        {
            Batches = batches,
            InputHeight = input.Dim(1),
            InputWidth = input.Dim(2),
            Depth = depth,
            // As in TFLM the padding follows the computed size and the loops the output's shape; windows are clipped
            // to the input, so a model whose output differs cannot make the kernel read outside it.
            OutputHeight = context.Output(0).Dim(1),
            OutputWidth = context.Output(0).Dim(2),
            FilterHeight = filterHeight,
            FilterWidth = filterWidth,
            StrideHeight = strideHeight,
            StrideWidth = strideWidth,
            PadHeight = height.Padding,
            PadWidth = width.Padding,
            Activation = activation,
        };
    }

    /// <summary>
    /// For quantized pooling: TFLM requires the output to share the input's scale (within 1e-6) and zero point,
    /// since the kernel copies or averages raw values without requantizing.
    /// </summary>
    /// <summary>
    /// The checks and clamp limits AVERAGE_POOL_2D and MAX_POOL_2D share: float32, int8 or int16 input, the output
    /// quantized like the input, and the fused activation's range in the output's terms.
    /// </summary>
    public static (TensorType Type, float FloatMin, float FloatMax, int QuantizedMin, int QuantizedMax) PrepareLimits(
        PrepareContext context, FusedActivation activation)
    {
        Tensor input = context.Input(0);
        switch (input.Type)
        {
            case TensorType.Float32:
                (float fmin, float fmax) = ActivationRange.Float(activation);
                return (input.Type, fmin, fmax, 0, 0);
            case TensorType.Int8:
            case TensorType.Int16:
                CheckSameQuantization(context, input, context.Output(0));
                (int qmin, int qmax) = ActivationRange.Quantized(activation, context.Output(0));
                return (input.Type, 0f, 0f, qmin, qmax);
            default:
                throw context.UnsupportedType("input", input.Type);
        }
    }

    public static void CheckSameQuantization(PrepareContext context, Tensor input, Tensor output)
    {
        if (Math.Abs((double)input.Scale - output.Scale) > 1e-6)
            throw context.Error($"input scale {input.Scale} and output scale {output.Scale} differ");
        if (input.ZeroPoint != output.ZeroPoint)
            throw context.Error($"input zero point {input.ZeroPoint} and output zero point {output.ZeroPoint} differ");
    }
}
