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
}
