namespace TfLiteMicro.Kernels;

/// <summary>
/// STRIDED_SLICE with constant begin/end/strides: every mask (begin, end, ellipsis, new-axis, shrink-axis),
/// negative indices and strides, and offset mode (end counted from begin).
/// </summary>
internal sealed class StridedSlice : InputViewKernel
{
    protected override InputView PrepareView(PrepareContext context)
    {
        context.ExpectCounts(4, 4, 1);
        Tensor input = context.Input(0);
        Tensor beginTensor = context.Input(1);
        Tensor endTensor = context.Input(2);
        Tensor stridesTensor = context.Input(3);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Bool, TensorType.Float32, TensorType.Int8, TensorType.Int16, TensorType.Int32);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        ShapeHelpers.RequireConstantIndices(context, beginTensor, "begin");
        ShapeHelpers.RequireConstantIndices(context, endTensor, "end");
        ShapeHelpers.RequireConstantIndices(context, stridesTensor, "strides");
        int rank = input.Rank;
        if (rank > StridedCopy.MaxRank) throw context.Error($"input rank {rank} exceeds {StridedCopy.MaxRank}");
        int n = beginTensor.ElementCount;
        if (beginTensor.Rank != 1 || endTensor.Rank != 1 || stridesTensor.Rank != 1
            || endTensor.ElementCount != n || stridesTensor.ElementCount != n)
            throw context.Error("begin, end and strides must be vectors of equal length");
        if (n > 31) throw context.Error($"{n} slice indices are too many");
        int[] begin = ShapeHelpers.ReadIndices(context, beginTensor, "begin");
        int[] end = ShapeHelpers.ReadIndices(context, endTensor, "end");
        int[] strides = ShapeHelpers.ReadIndices(context, stridesTensor, "strides");
        StridedSliceOptions options = StridedSliceOptions.Read(context);
        int beginMask = options.BeginMask, endMask = options.EndMask, ellipsisMask = options.EllipsisMask;
        int newAxisMask = options.NewAxisMask, shrinkMask = options.ShrinkAxisMask;
        bool offsetMode = options.Offset;

        // Expand the sparse specification (with ellipsis and new axes) into one entry per input dimension.
        int ellipsisAt = -1;
        for (int i = 0; i < n; i++)
            if ((ellipsisMask & (1 << i)) != 0) { ellipsisAt = i; break; }
        int realSpecs = 0;
        for (int i = 0; i < n; i++)
            if (i != ellipsisAt && (newAxisMask & (1 << i)) == 0 && !(ellipsisAt >= 0 && i > ellipsisAt && (ellipsisMask & (1 << i)) != 0)) realSpecs++;
        if (realSpecs > rank) throw context.Error($"{realSpecs} slice indices given for rank {rank}");

        var dBegin = new int[rank];
        var dEnd = new int[rank];
        var dStride = new int[rank];
        var dBeginMask = new bool[rank];
        var dEndMask = new bool[rank];
        var dShrink = new bool[rank];
        var outputShape = new List<int>();
        // Marks, in output order, which input dimension each output dimension shows (-1 for a new axis).
        var outputSource = new List<int>();
        int dim = 0;
        void Full(int d)
        {
            dBegin[d] = 0; dEnd[d] = 0; dStride[d] = 1; dBeginMask[d] = true; dEndMask[d] = true;
            outputSource.Add(d);
        }
        for (int i = 0; i < n; i++)
        {
            if (i == ellipsisAt)
            {
                int covered = rank - realSpecs;
                for (int k = 0; k < covered; k++) Full(dim++);
                continue;
            }
            if (ellipsisAt >= 0 && i > ellipsisAt && (ellipsisMask & (1 << i)) != 0) continue;
            if ((newAxisMask & (1 << i)) != 0)
            {
                outputSource.Add(-1);
                continue;
            }
            dBegin[dim] = begin[i];
            dEnd[dim] = end[i];
            dStride[dim] = strides[i];
            dBeginMask[dim] = (beginMask & (1 << i)) != 0;
            dEndMask[dim] = (endMask & (1 << i)) != 0;
            dShrink[dim] = (shrinkMask & (1 << i)) != 0;
            if (!dShrink[dim]) outputSource.Add(dim);
            dim++;
        }
        while (dim < rank) Full(dim++);

        int[] inStrides = StridedCopy.RowMajorStrides(input.Shape);
        var counts = new int[rank];
        var sourceStrides = new int[rank];
        int offset = 0;
        for (int d = 0; d < rank; d++)
        {
            int size = input.Dim(d);
            int stride = dStride[d];
            if (stride == 0) throw context.Error("stride value has to be non-zero");
            int start = dBegin[d];
            if (start < 0) start += size;
            start = stride > 0 ? Math.Clamp(start, 0, size) : Math.Clamp(start, -1, size - 1);
            if (dBeginMask[d]) start = stride > 0 ? 0 : size - 1;
            int count;
            if (dShrink[d])
            {
                // A shrunk axis takes exactly the element at begin; one outside the dimension is an error, not an empty slice.
                if (start < 0 || start >= size || (!dBeginMask[d] && (dBegin[d] < -size || dBegin[d] >= size))) throw context.Error($"shrink index {dBegin[d]} is out of range for dimension {d} of size {size}");
                count = 1;
                stride = 1;
            }
            else
            {
                long stop = dEnd[d];
                if (offsetMode) stop += start;
                if (stop < 0) stop += size;
                stop = stride > 0 ? Math.Clamp(stop, 0, size) : Math.Clamp(stop, -1, size - 1);
                if (dEndMask[d]) stop = stride > 0 ? size : -1;
                long span = stride > 0 ? stop - start : start - stop;
                long step = Math.Abs((long)stride);
                count = span <= 0 ? 0 : (int)((span + step - 1) / step);
            }
            counts[d] = count;
            sourceStrides[d] = stride * inStrides[d];
            if (count > 0) offset += start * inStrides[d];
        }
        foreach (int source in outputSource) outputShape.Add(source < 0 ? 1 : counts[source]);
        ShapeHelpers.EnsureOutputShape(context, 0, outputShape.ToArray());
        return InputView.Planned(context, input, output, counts, sourceStrides, offset, "slice");
    }
}
