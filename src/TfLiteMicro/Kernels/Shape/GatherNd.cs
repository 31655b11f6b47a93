namespace TfLiteMicro.Kernels;

/// <summary>GATHER_ND: picks slices of the input addressed by the last dimension of an int32 index tensor.</summary>
internal sealed class GatherNd : IKernel
{
    private const int MaxIndicesNd = 5;
    private int[] _paramsShape = [];
    private int[] _dimStrides = [];
    private int _indicesNd, _slices, _sliceSize, _elementSize;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor parameters = context.Input(0);
        Tensor indices = context.Input(1);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "params", parameters.Type, TensorType.Float32, TensorType.Int8);
        ShapeHelpers.RequireSameType(context, parameters, "params", output, "output");
        if (indices.Type != TensorType.Int32) throw context.UnsupportedType("indices", indices.Type);
        int paramsRank = parameters.Rank, indicesRank = indices.Rank;
        if (paramsRank < 1) throw context.Error("params must have at least one dimension");
        if (indicesRank < 1) throw context.Error("indices must have at least one dimension");
        _indicesNd = indices.Dim(indicesRank - 1);
        if (_indicesNd > paramsRank) throw context.Error($"index depth {_indicesNd} exceeds the params rank {paramsRank}");
        if (_indicesNd > MaxIndicesNd) throw context.Error($"index depth {_indicesNd} exceeds {MaxIndicesNd}");
        var shape = new List<int>();
        for (int i = 0; i < indicesRank - 1; i++) shape.Add(indices.Dim(i));
        for (int i = _indicesNd; i < paramsRank; i++) shape.Add(parameters.Dim(i));
        ShapeHelpers.EnsureOutputShape(context, 0, shape.ToArray());
        _paramsShape = parameters.ShapeArray;
        _dimStrides = StridedCopy.RowMajorStrides(_paramsShape);
        _slices = AxisBlocks.Outer(indices.Shape, indicesRank - 1);
        _sliceSize = 1;
        for (int i = _indicesNd; i < paramsRank; i++) _sliceSize *= parameters.Dim(i);
        _elementSize = TensorTypes.ElementSize(parameters.Type);
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<byte> parameters = context.Input<byte>(0);
        ReadOnlySpan<int> indices = context.Input<int>(1);
        Span<byte> output = context.Output<byte>(0);
        int bytes = _sliceSize * _elementSize;
        for (int i = 0; i < _slices; i++)
        {
            int from = 0;
            for (int j = 0; j < _indicesNd; j++)
            {
                int index = indices[i * _indicesNd + j];
                if (index < 0 || index >= _paramsShape[j])
                    throw context.Error($"index {index} is out of range [0, {_paramsShape[j]}) for dimension {j}");
                from += index * _dimStrides[j];
            }
            parameters.Slice(from * _elementSize, bytes).CopyTo(output.Slice(i * bytes, bytes));
        }
    }
}
