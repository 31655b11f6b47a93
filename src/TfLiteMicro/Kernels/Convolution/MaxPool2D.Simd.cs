using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace TfLiteMicro.Kernels;

/// <summary>The optimized int8 path of MAX_POOL_2D: sixteen channels at a time with vector maximum; same bytes as the reference.</summary>
internal sealed partial class MaxPool2D
{
    private bool _int8Optimized;

    protected override void PrepareOptimized(PrepareContext context)
        => _int8Optimized = Window.Type == TensorType.Int8 && Simd.For(context) != SimdLevel.Reference;

    protected override bool RunOptimized(InvokeContext context)
    {
        if (!_int8Optimized) return false;
        RunInt8Optimized(context.Input<sbyte>(0), context.Output<sbyte>(0));
        return true;
    }

    private void RunInt8Optimized(ReadOnlySpan<sbyte> input, Span<sbyte> output)
    {
        PoolWindow w = Window;
        int depth = w.Depth;
        if (input.Length < w.Batches * w.InputHeight * w.InputWidth * depth || output.Length < w.Batches * w.OutputHeight * w.OutputWidth * depth)
            throw new InvalidOperationException("tensor data is shorter than its shape");
        ref sbyte x = ref MemoryMarshal.GetReference(input);
        Vector128<sbyte> low = Vector128.Create((sbyte)w.QuantizedMin), high = Vector128.Create((sbyte)w.QuantizedMax);
        for (int b = 0; b < w.Batches; b++)
            for (int oy = 0; oy < w.OutputHeight; oy++)
                for (int ox = 0; ox < w.OutputWidth; ox++)
                {
                    (int yOrigin, int yStart, int yEnd) = w.Rows(oy);
                    (int xOrigin, int xStart, int xEnd) = w.Columns(ox);
                    int outBase = ((b * w.OutputHeight + oy) * w.OutputWidth + ox) * depth;
                    int c = 0;
                    for (; c + 16 <= depth; c += 16)
                    {
                        Vector128<sbyte> max = Vector128.Create(sbyte.MinValue);
                        for (int fy = yStart; fy < yEnd; fy++)
                        {
                            int row = ((b * w.InputHeight + yOrigin + fy) * w.InputWidth + xOrigin) * depth + c;
                            for (int fx = xStart; fx < xEnd; fx++)
                                max = Vector128.Max(max, Vector128.LoadUnsafe(ref x, (nuint)(row + fx * depth)));
                        }
                        Vector128.Min(Vector128.Max(max, low), high).CopyTo(output.Slice(outBase + c, 16));
                    }
                    for (; c < depth; c++)
                    {
                        int max = sbyte.MinValue;
                        for (int fy = yStart; fy < yEnd; fy++)
                        {
                            int row = ((b * w.InputHeight + yOrigin + fy) * w.InputWidth + xOrigin) * depth + c;
                            for (int fx = xStart; fx < xEnd; fx++) max = Math.Max(max, input[row + fx * depth]);
                        }
                        output[outBase + c] = (sbyte)Math.Min(Math.Max(max, w.QuantizedMin), w.QuantizedMax);
                    }
                }
    }
}
