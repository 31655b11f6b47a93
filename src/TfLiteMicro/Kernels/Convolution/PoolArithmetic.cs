namespace TfLiteMicro.Kernels;

/// <summary>How a pooling op folds a window's values and what it writes for the window.</summary>
internal interface IPoolOperation<T, TAccumulator>
{
    TAccumulator Start { get; }

    TAccumulator Add(TAccumulator accumulator, T value);

    /// <summary>The output for a window of <paramref name="count"/> values inside the input; false leaves the output as it is.</summary>
    bool Finish(TAccumulator accumulator, int count, out T result);
}

/// <summary>AVERAGE_POOL_2D, float32: the mean of the window's values (an empty window leaves the output untouched).</summary>
internal readonly struct FloatAverage(float min, float max) : IPoolOperation<float, float>
{
    public float Start => 0f;

    public float Add(float accumulator, float value) => accumulator + value;

    public bool Finish(float accumulator, int count, out float result)
    {
        result = Math.Min(Math.Max(accumulator / count, min), max);
        return count != 0;
    }
}

/// <summary>
/// AVERAGE_POOL_2D, int8 and int16: an int32 sum, then the mean rounded half away from zero, clamped; an empty window leaves the output untouched.
/// </summary>
internal readonly struct IntegerAverage<T>(int min, int max) : IPoolOperation<T, int> where T : unmanaged
{
    public int Start => 0;

    public int Add(int accumulator, T value) => accumulator + Scalar.ToInt32(value);

    public bool Finish(int accumulator, int count, out T result)
    {
        if (count == 0)
        {
            result = default;
            return false;
        }
        result = Scalar.Truncate<T>(Math.Min(Math.Max(PoolArithmetic.RoundedMean(accumulator, count), min), max));
        return true;
    }
}

/// <summary>MAX_POOL_2D, float32: the largest value (float.MinValue for an empty window), clamped.</summary>
internal readonly struct FloatMaximum(float min, float max) : IPoolOperation<float, float>
{
    public float Start => float.MinValue;

    // Written as the reference's std::max(max, v), which keeps max when v is NaN.
    public float Add(float accumulator, float value) => accumulator < value ? value : accumulator;

    public bool Finish(float accumulator, int count, out float result)
    {
        result = Math.Min(Math.Max(accumulator, min), max);
        return true;
    }
}

/// <summary>MAX_POOL_2D, int8 and int16: the largest value (the type's minimum for an empty window), clamped.</summary>
internal readonly struct IntegerMaximum<T>(int min, int max) : IPoolOperation<T, int> where T : unmanaged
{
    public int Start => Scalar.MinValue<T>();

    public int Add(int accumulator, T value) => Math.Max(accumulator, Scalar.ToInt32(value));

    public bool Finish(int accumulator, int count, out T result)
    {
        result = Scalar.Truncate<T>(Math.Min(Math.Max(accumulator, min), max));
        return true;
    }
}

/// <summary>L2_POOL_2D, float32: the square root of the mean of squares, clamped.</summary>
internal readonly struct FloatRootMeanSquare(float min, float max) : IPoolOperation<float, float>
{
    public float Start => 0f;

    public float Add(float accumulator, float value) => accumulator + value * value;

    public bool Finish(float accumulator, int count, out float result)
    {
        result = Math.Min(Math.Max(MathF.Sqrt(accumulator / count), min), max);
        return true;
    }
}

/// <summary>
/// The pooling ops' reference arithmetic: one loop over each output pixel's window clipped to the input, for every op
/// and type, and the dispatch the three kernels share.
/// </summary>
internal static class PoolArithmetic
{
    /// <summary>Runs the reference arithmetic of <paramref name="w"/>'s op and type on the node's input and output.</summary>
    public static void Run(InvokeContext context, in PoolWindow w)
    {
        switch (w.Type)
        {
            case TensorType.Float32: Float(w, context.Input<float>(0), context.Output<float>(0)); break;
            case TensorType.Int8: Integer(w, context.Input<sbyte>(0), context.Output<sbyte>(0)); break;
            default: Integer(w, context.Input<short>(0), context.Output<short>(0)); break;
        }
    }

    private static void Float(in PoolWindow w, ReadOnlySpan<float> input, Span<float> output)
    {
        switch (w.Kind)
        {
            case PoolKind.Average: Pool<float, float, FloatAverage>(w, new(w.FloatMin, w.FloatMax), input, output); break;
            case PoolKind.Max: Pool<float, float, FloatMaximum>(w, new(w.FloatMin, w.FloatMax), input, output); break;
            default: Pool<float, float, FloatRootMeanSquare>(w, new(w.FloatMin, w.FloatMax), input, output); break;
        }
    }

    /// <summary>int8 and int16 (L2_POOL_2D is float only).</summary>
    private static void Integer<T>(in PoolWindow w, ReadOnlySpan<T> input, Span<T> output) where T : unmanaged
    {
        if (w.Kind == PoolKind.Average) Pool<T, int, IntegerAverage<T>>(w, new(w.QuantizedMin, w.QuantizedMax), input, output);
        else Pool<T, int, IntegerMaximum<T>>(w, new(w.QuantizedMin, w.QuantizedMax), input, output);
    }

    /// <summary>The sum divided by the count, rounded half away from zero (integer division truncates toward zero).</summary>
    public static int RoundedMean(int sum, int count)
        => sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;

    /// <summary>Channels whose accumulators one pass over a window keeps (on the stack).</summary>
    private const int ChannelChunk = 256;

    /// <summary>
    /// Folds each output pixel's window (clipped to the input), channel by channel, in row-major tap order. The taps are
    /// visited once for a chunk of channels, each tap's channels contiguous in NHWC, and every channel's accumulator still
    /// takes its values in that tap order, so the results are those of one window walk per channel.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // the accumulators are filled before they are read
    public static void Pool<T, TAccumulator, TOperation>(in PoolWindow w, TOperation operation, ReadOnlySpan<T> input, Span<T> output)
        where TAccumulator : unmanaged
        where TOperation : struct, IPoolOperation<T, TAccumulator>
    {
        Span<TAccumulator> accumulators = stackalloc TAccumulator[ChannelChunk];
        // The sizes are read into locals once: read through the reference, each would be loaded again after every store.
        int depth = w.Depth, inputHeight = w.InputHeight, inputWidth = w.InputWidth;
        int o = 0;
        for (int b = 0; b < w.Batches; b++)
            for (int oy = 0; oy < w.OutputHeight; oy++)
            {
                (int yOrigin, int yStart, int yEnd) = w.Rows(oy);
                for (int ox = 0; ox < w.OutputWidth; ox++, o += depth)
                {
                    (int xOrigin, int xStart, int xEnd) = w.Columns(ox);
                    int count = Math.Max(0, yEnd - yStart) * Math.Max(0, xEnd - xStart);
                    for (int c0 = 0; c0 < depth; c0 += ChannelChunk)
                    {
                        int channels = Math.Min(ChannelChunk, depth - c0);
                        Span<TAccumulator> sums = accumulators.Slice(0, channels);
                        sums.Fill(operation.Start);
                        for (int fy = yStart; fy < yEnd; fy++)
                        {
                            int row = ((b * inputHeight + yOrigin + fy) * inputWidth + xOrigin) * depth + c0;
                            for (int fx = xStart; fx < xEnd; fx++)
                            {
                                ReadOnlySpan<T> tap = input.Slice(row + fx * depth, channels);
                                for (int c = 0; c < tap.Length; c++) sums[c] = operation.Add(sums[c], tap[c]);
                            }
                        }
                        Span<T> pixel = output.Slice(o + c0, channels);
                        for (int c = 0; c < pixel.Length; c++)
                            if (operation.Finish(sums[c], count, out T value)) pixel[c] = value;
                    }
                }
            }
    }
}
