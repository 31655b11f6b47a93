namespace TfLiteMicro.Kernels;

/// <summary>GATHER: picks slices of the input along an axis by int32 indices (with optional batch dimensions).</summary>
internal sealed class Gather : IKernel
{
    private int _batchSize, _outerSize, _axisSize, _innerSize, _coordSize, _elementSize;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0);
        Tensor coords = context.Input(1);
        Tensor output = context.Output(0);
        if (coords.Type != TensorType.Int32) throw context.UnsupportedType("indices", coords.Type);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        GatherOptions options = GatherOptions.Read(context);
        int rank = input.Rank;
        int axis = ShapeHelpers.ResolveAxis(context, options.Axis, rank);
        int batchDims = options.BatchDims;
        if (batchDims < 0) batchDims += coords.Rank;
        if (batchDims < 0 || batchDims >= rank || batchDims > coords.Rank || batchDims > axis)
            throw context.Error($"batch_dims {options.BatchDims} is invalid for axis {axis}, input rank {rank} and indices rank {coords.Rank}");
        for (int i = 0; i < batchDims; i++)
            if (input.Dim(i) != coords.Dim(i)) throw context.Error($"batch dimension {i} differs between input and indices");
        var shape = new List<int>();
        for (int i = 0; i < axis; i++) shape.Add(input.Dim(i));
        for (int i = batchDims; i < coords.Rank; i++) shape.Add(coords.Dim(i));
        for (int i = axis + 1; i < rank; i++) shape.Add(input.Dim(i));
        ShapeHelpers.EnsureOutputShape(context, 0, shape.ToArray());
        _batchSize = AxisBlocks.Outer(input.Shape, batchDims);
        _outerSize = 1;
        for (int i = batchDims; i < axis; i++) _outerSize *= input.Dim(i);
        _axisSize = input.Dim(axis);
        _innerSize = AxisBlocks.Inner(input.Shape, axis);
        _coordSize = 1;
        for (int i = batchDims; i < coords.Rank; i++) _coordSize *= coords.Dim(i);
        _elementSize = TensorTypes.ElementSize(input.Type);
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<byte> input = context.Input<byte>(0);
        ReadOnlySpan<int> coords = context.Input<int>(1);
        Span<byte> output = context.Output<byte>(0);
        int row = _innerSize * _elementSize;
        for (int batch = 0; batch < _batchSize; batch++)
            for (int outer = 0; outer < _outerSize; outer++)
                for (int c = 0; c < _coordSize; c++)
                {
                    int index = coords[batch * _coordSize + c];
                    if (index < 0 || index >= _axisSize)
                        throw context.Error($"index {index} is out of range [0, {_axisSize})");
                    int from = ((batch * _outerSize + outer) * _axisSize + index) * row;
                    int to = ((batch * _outerSize + outer) * _coordSize + c) * row;
                    input.Slice(from, row).CopyTo(output.Slice(to, row));
                }
    }
}
