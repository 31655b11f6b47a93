namespace TfLiteMicro.Kernels;

/// <summary>DEPTH_TO_SPACE: moves blocks of channels into block_size × block_size spatial tiles (NHWC).</summary>
internal sealed class DepthToSpace : InputViewKernel
{
    protected override InputView PrepareView(PrepareContext context)
    {
        int bs = DepthToSpaceOptions.Read(context).BlockSize;
        (Tensor input, Tensor output) = ShapeHelpers.BlockOperands(context, bs);
        int b = input.Dim(0), h = input.Dim(1), w = input.Dim(2), c = input.Dim(3);
        long square = (long)bs * bs;
        if (c % square != 0) throw context.Error($"input depth {c} is not divisible by block size squared ({square})");
        int oc = (int)(c / square);
        // Height and width grow by the block size; a product past int is a shape no tensor can have.
        if ((long)h * bs > int.MaxValue || (long)w * bs > int.MaxValue)
            throw context.Error($"input {h}x{w} times block size {bs} is larger than a tensor can hold");
        ShapeHelpers.EnsureOutputShape(context, 0, [b, h * bs, w * bs, oc]);
        int[] s = StridedCopy.RowMajorStrides(input.Shape);
        int[] counts = [b, h, bs, w, bs, oc];
        int[] source = [s[0], s[1], bs * oc, s[2], oc, 1];
        return InputView.Planned(context, input, output, counts, source, 0, "depth to space");
    }
}
