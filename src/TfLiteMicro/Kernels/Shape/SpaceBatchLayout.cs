namespace TfLiteMicro.Kernels;

/// <summary>
/// Shapes of SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND: 3-D NHC or 4-D NHWC tensors seen as 4-D (a 3-D tensor gets
/// width 1), and the checks on their int32 block shape and paddings/crops.
/// </summary>
internal static class SpaceBatchLayout
{
    /// <summary>[batch, height, width, depth] of a 3-D or 4-D shape.</summary>
    public static void Extend(ReadOnlySpan<int> shape, Span<int> nhwc)
    {
        nhwc[0] = shape[0];
        nhwc[1] = shape[1];
        nhwc[2] = shape.Length == 4 ? shape[2] : 1;
        nhwc[3] = shape[^1];
    }

    public static void Check(PrepareContext context, Tensor input, Tensor block, Tensor pads, Tensor output, string padsName)
    {
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        if (input.Rank < 3 || input.Rank > 4) throw context.Error($"input must have 3 or 4 dimensions, has {input.Rank}");
        if (output.Rank != input.Rank) throw context.Error($"output rank {output.Rank} differs from input rank {input.Rank}");
        if (block.Type != TensorType.Int32) throw context.UnsupportedType("block shape", block.Type);
        if (pads.Type != TensorType.Int32) throw context.UnsupportedType(padsName, pads.Type);
        int spatial = input.Rank - 2;
        if (block.ElementCount != spatial) throw context.Error($"block shape must hold {spatial} values, has {block.ElementCount}");
        if (pads.ElementCount != spatial * 2) throw context.Error($"{padsName} must hold {spatial * 2} values, has {pads.ElementCount}");
    }

    /// <summary>Block height/width and the top/left pad or crop; false when a block size is not positive.</summary>
    public static bool Read(ReadOnlySpan<int> block, ReadOnlySpan<int> pads, int rank, out int blockH, out int blockW, out int top, out int left)
    {
        blockH = block[0];
        blockW = rank == 4 ? block[1] : 1;
        top = pads[0];
        left = rank == 4 ? pads[2] : 0;
        return blockH > 0 && blockW > 0;
    }

    /// <summary>
    /// The NHWC views of both tensors, once the output's shape is set: the depths must agree, and the space side's batch
    /// must not be empty while the batch side has entries (it divides the batch index). Returns the bytes of one pixel.
    /// </summary>
    public static int Views(PrepareContext context, Tensor input, Tensor output, Span<int> inputView, Span<int> outputView, bool spaceIsOutput)
    {
        Extend(input.Shape, inputView);
        Extend(output.Shape, outputView);
        if (inputView[3] != outputView[3]) throw context.Error($"output depth {outputView[3]} differs from input depth {inputView[3]}");
        ReadOnlySpan<int> space = spaceIsOutput ? outputView : inputView, batch = spaceIsOutput ? inputView : outputView;
        if (space[0] == 0 && batch[0] != 0) throw context.Error($"{(spaceIsOutput ? "output" : "input")} batch is empty");
        long pixelBytes = (long)inputView[3] * TensorTypes.ElementSize(input.Type);
        return pixelBytes <= int.MaxValue ? (int)pixelBytes : throw context.Error($"depth {inputView[3]} is larger than a tensor can hold");
    }

    /// <summary>
    /// The one index mapping of both ops. Pixel (n, y, x) of the batch-side tensor (SPACE_TO_BATCH_ND's output,
    /// BATCH_TO_SPACE_ND's input) is pixel (n mod N, y × blockH + tileY − top, x × blockW + tileX − left) of the
    /// space-side tensor (N its batch), where tile n / N counts tiles row by row, blockW to a row. Positions outside the
    /// space tensor are its padding or crop: zeros when moving to the batch side, skipped when moving to the space side.
    /// </summary>
    public static void Move(ReadOnlySpan<byte> source, Span<byte> destination, ReadOnlySpan<int> batch, ReadOnlySpan<int> space, int pixelBytes,
        int blockH, int blockW, int top, int left, bool toSpace)
    {
        int spaceBatch = space[0], spaceH = space[1], spaceW = space[2];
        for (int n = 0; n < batch[0]; n++)
        {
            int b = n % spaceBatch, tile = n / spaceBatch;
            int tileY = tile / blockW, tileX = tile % blockW;
            for (int y = 0; y < batch[1]; y++)
            {
                long h = (long)y * blockH + tileY - top;
                for (int x = 0; x < batch[2]; x++)
                {
                    long w = (long)x * blockW + tileX - left;
                    int batchAt = ((n * batch[1] + y) * batch[2] + x) * pixelBytes;
                    bool inside = h >= 0 && h < spaceH && w >= 0 && w < spaceW;
                    int spaceAt = inside ? (int)(((b * spaceH + h) * spaceW + w) * pixelBytes) : 0;
                    if (toSpace)
                    {
                        if (inside) source.Slice(batchAt, pixelBytes).CopyTo(destination.Slice(spaceAt, pixelBytes));
                    }
                    else if (inside) source.Slice(spaceAt, pixelBytes).CopyTo(destination.Slice(batchAt, pixelBytes));
                    else destination.Slice(batchAt, pixelBytes).Clear();
                }
            }
        }
    }
}
