using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TfLiteMicro.Kernels;

/// <summary>
/// One output pixel's window in an int8 pool's input: where its elements are, and the rows [YStart, YEnd) and columns
/// [XStart, XEnd) of it that lie inside the image.
/// </summary>
internal readonly struct Int8PoolWindow(int first, int rowStride, int depth, int yStart, int yEnd, int xStart, int xEnd)
{
    public readonly int YStart = yStart, YEnd = yEnd, XStart = xStart, XEnd = xEnd, Depth = depth;
    private readonly int _first = first, _rowStride = rowStride;

    /// <summary>Index of channel <paramref name="c"/> of window row <paramref name="fy"/>, column 0 (column fx is fx * Depth further).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Row(int fy, int c) => _first + fy * _rowStride + c;

    /// <summary>How many window elements lie inside the image.</summary>
    public int Count => Math.Max(0, YEnd - YStart) * Math.Max(0, XEnd - XStart);

    /// <summary>Adds every element of the window inside the image, at channel offset <paramref name="c"/>, to <paramref name="accumulator"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Accumulate<TAccumulator>(ref sbyte x, int c, ref TAccumulator accumulator) where TAccumulator : struct, IWindowAccumulator
    {
        for (int fy = YStart; fy < YEnd; fy++)
        {
            int row = Row(fy, c);
            for (int fx = XStart; fx < XEnd; fx++) accumulator.Add(ref x, row + fx * Depth);
        }
    }
}

/// <summary>A running reduction (sum, maximum) of window elements, of one channel or of a vector of channels.</summary>
internal interface IWindowAccumulator
{
    /// <summary>Takes in the element(s) at <paramref name="at"/>.</summary>
    void Add(ref sbyte x, int at);
}

/// <summary>What an int8 pool's fast path computes for one output pixel: all its channels, from the elements of its window.</summary>
internal interface IInt8PoolPixel
{
    /// <summary>Writes the channels of one output pixel to <paramref name="output"/> (Depth values).</summary>
    void Run(ref sbyte x, Span<sbyte> output, in Int8PoolWindow window);
}

/// <summary>The walk over output pixels and their windows that the int8 pool fast paths (MAX_POOL_2D, AVERAGE_POOL_2D) share.</summary>
internal static class Int8PoolWalk
{
    public static void Run<TPixel>(PoolWindow w, ReadOnlySpan<sbyte> input, Span<sbyte> output, TPixel pixel)
        where TPixel : struct, IInt8PoolPixel
    {
        // Sizes in locals: the window record is too large for the JIT to keep its fields in registers.
        int depth = w.Depth, inputHeight = w.InputHeight, inputWidth = w.InputWidth, outputHeight = w.OutputHeight, outputWidth = w.OutputWidth;
        if (input.Length < w.Batches * inputHeight * inputWidth * depth || output.Length < w.Batches * outputHeight * outputWidth * depth)
            throw new InvalidOperationException("tensor data is shorter than its shape");
        ref sbyte x = ref MemoryMarshal.GetReference(input);
        for (int b = 0; b < w.Batches; b++)
            for (int oy = 0; oy < outputHeight; oy++)
                for (int ox = 0; ox < outputWidth; ox++)
                {
                    (int yOrigin, int yStart, int yEnd) = w.Rows(oy);
                    (int xOrigin, int xStart, int xEnd) = w.Columns(ox);
                    var window = new Int8PoolWindow(((b * inputHeight + yOrigin) * inputWidth + xOrigin) * depth, inputWidth * depth, depth, yStart, yEnd, xStart, xEnd);
                    pixel.Run(ref x, output.Slice(((b * outputHeight + oy) * outputWidth + ox) * depth, depth), window);
                }
    }
}
