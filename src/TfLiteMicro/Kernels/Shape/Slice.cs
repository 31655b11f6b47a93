namespace TfLiteMicro.Kernels;

/// <summary>
/// SLICE: the block of <c>size</c> elements from <c>begin</c> in each dimension (size -1 takes the rest).
/// Constant begin/size tensors are resolved while preparing; otherwise the output shape of the model is used and
/// begin is checked against the input on every run.
/// </summary>
internal sealed class Slice : InputViewKernel
{
    private const int MaxDims = 5;

    protected override InputView PrepareView(PrepareContext context)
    {
        context.ExpectCounts(3, 3, 1);
        Tensor input = context.Input(0);
        Tensor begin = context.Input(1);
        Tensor size = context.Input(2);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Bool, TensorType.Float32, TensorType.Int8, TensorType.Int16, TensorType.Int32);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        ShapeHelpers.RequireType(context, "begin", begin.Type, TensorType.Int32, TensorType.Int64);
        ShapeHelpers.RequireSameType(context, begin, "begin", size, "size");
        int rank = input.Rank;
        if (rank > MaxDims) throw context.Error($"input rank {rank} exceeds {MaxDims}");
        if (begin.Rank != 1 || begin.ElementCount != rank || size.Rank != 1 || size.ElementCount != rank)
            throw context.Error($"begin and size must be vectors of {rank} values");
        if (!begin.IsConstant || !size.IsConstant)
        {
            if (output.Rank != rank) throw context.Error($"output rank {output.Rank} differs from input rank {rank}");
            return InputView.Deferred(input, output);
        }
        int[] inShape = input.ShapeArray;
        int[] inStrides = StridedCopy.RowMajorStrides(inShape);
        int[] b = ShapeHelpers.ReadIndices(context, begin, "begin");
        int[] s = ShapeHelpers.ReadIndices(context, size, "size");
        var shape = new int[rank];
        int offset = 0;
        for (int i = 0; i < rank; i++)
        {
            int extent = s[i] == -1 ? inShape[i] - b[i] : s[i];
            if (b[i] < 0 || extent < 0 || (long)b[i] + extent > inShape[i])
                throw context.Error($"slice begin {b[i]} size {s[i]} is out of range for dimension {i} of size {inShape[i]}");
            shape[i] = extent;
            offset += b[i] * inStrides[i];
        }
        ShapeHelpers.EnsureOutputShape(context, 0, shape);
        return InputView.Planned(context, input, output, shape, inStrides, offset, "slice");
    }

    /// <summary>Begin read at Invoke: the model's output shape from there must lie inside the input.</summary>
    protected override string? Resolve(InvokeContext context, InputView view, Span<int> sourceStrides, out int offset)
    {
        offset = 0;
        int rank = view.InputShape.Length;
        Span<int> b = stackalloc int[rank];
        ShapeHelpers.ReadIndices(context.InputType(1), context.Input<byte>(1), b, out string? problem);
        if (problem is not null) return $"begin: {problem}";
        for (int i = 0; i < rank; i++)
        {
            if (b[i] < 0 || (long)b[i] + view.OutputShape[i] > view.InputShape[i])
                return $"slice begin {b[i]} with size {view.OutputShape[i]} is out of range for dimension {i} of size {view.InputShape[i]}";
            offset += b[i] * view.InputStrides[i];
        }
        view.InputStrides.CopyTo(sourceStrides);
        return null;
    }
}
