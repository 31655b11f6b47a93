namespace TfLiteMicro.Kernels;

/// <summary>SPACE_TO_DEPTH: moves block_size × block_size spatial tiles into channels (NHWC).</summary>
internal sealed class SpaceToDepth : InputViewKernel
{
    protected override InputView PrepareView(PrepareContext context)
    {
        int bs = SpaceToDepthOptions.Read(context).BlockSize;
        (Tensor input, Tensor output) = ShapeHelpers.BlockOperands(context, bs);
        int b = input.Dim(0), h = input.Dim(1), w = input.Dim(2), c = input.Dim(3);
        if (h % bs != 0 || w % bs != 0) throw context.Error($"input height {h} and width {w} must be divisible by block size {bs}");
        int oh = h / bs, ow = w / bs;
        if ((long)c * bs * bs > int.MaxValue) throw context.Error($"input depth {c} times block size {bs} squared is larger than a tensor can hold");
        ShapeHelpers.EnsureOutputShape(context, 0, [b, oh, ow, c * bs * bs]);
        int[] s = StridedCopy.RowMajorStrides(input.Shape);
        int[] counts = [b, oh, ow, bs, bs, c];
        int[] source = [s[0], bs * s[1], bs * s[2], s[1], s[2], 1];
        return InputView.Planned(context, input, output, counts, source, 0, "space to depth");
    }
}
