namespace TfLiteMicro.Kernels;

/// <summary>The checks RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR share: a 4-D NHWC input and a constant int32 [2] size.</summary>
internal static class ResizeLayout
{
    /// <summary>Validates the tensors, sets the output shape, and returns the output height and width.</summary>
    public static (int Height, int Width) Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0);
        Tensor size = context.Input(1);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        if (input.Rank != 4) throw context.Error($"input must have 4 dimensions, has {input.Rank}");
        if (size.Type != TensorType.Int32) throw context.UnsupportedType("size", size.Type);
        if (size.Rank != 1 || size.Dim(0) != 2) throw context.Error($"size must be a vector of 2 values, has shape {ShapeHelpers.Format(size.Shape)}");
        if (!size.IsConstant) throw context.Error("non-constant size tensor is not supported");
        ReadOnlySpan<int> hw = size.AsReadOnlySpan<int>();
        if (hw.Length < 2 || hw[0] <= 0 || hw[1] <= 0) throw context.Error("output size must be positive");
        ShapeHelpers.EnsureOutputShape(context, 0, [input.Dim(0), hw[0], hw[1], input.Dim(3)]);
        return (hw[0], hw[1]);
    }
}
