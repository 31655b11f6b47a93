namespace TfLiteMicro.Kernels;

/// <summary>
/// SLICE: the block of <c>size</c> elements from <c>begin</c> in each dimension (size -1 takes the rest).
/// Constant begin/size tensors are resolved while preparing; otherwise the output shape of the model is used and
/// begin is checked against the input on every run.
/// </summary>
internal sealed class Slice : IKernel
{
    private const int MaxDims = 5;
    private CopyPlan? _plan;
    private int[] _inStrides = [];
    private int[] _outStrides = [];
    private int[] _inShape = [];
    private int[] _outShape = [];
    private int _elementSize;

    public void Prepare(PrepareContext context)
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
        _elementSize = TensorTypes.ElementSize(input.Type);
        _inShape = input.ShapeArray;
        _inStrides = StridedCopy.RowMajorStrides(_inShape);
        if (begin.IsConstant && size.IsConstant)
        {
            int[] b = ShapeHelpers.ReadIndices(context, begin, "begin");
            int[] s = ShapeHelpers.ReadIndices(context, size, "size");
            var shape = new int[rank];
            int offset = 0;
            for (int i = 0; i < rank; i++)
            {
                int extent = s[i] == -1 ? _inShape[i] - b[i] : s[i];
                if (b[i] < 0 || extent < 0 || (long)b[i] + extent > _inShape[i])
                    throw context.Error($"slice begin {b[i]} size {s[i]} is out of range for dimension {i} of size {_inShape[i]}");
                shape[i] = extent;
                offset += b[i] * _inStrides[i];
            }
            ShapeHelpers.EnsureOutputShape(context, 0, shape);
            _plan = CopyPlan.Create(_elementSize, shape, _inStrides, offset, input.ElementCount,
                StridedCopy.RowMajorStrides(shape), 0, output.ElementCount) ?? throw context.Error("slice does not fit its tensors");
        }
        else
        {
            if (output.Rank != rank) throw context.Error($"output rank {output.Rank} differs from input rank {rank}");
            _outShape = output.ShapeArray;
            _outStrides = StridedCopy.RowMajorStrides(_outShape);
        }
    }

    public void Invoke(InvokeContext context)
    {
        if (_plan is not null)
        {
            _plan.Run(context.Input<byte>(0), context.Output<byte>(0));
            return;
        }
        int rank = _inShape.Length;
        Span<int> b = stackalloc int[rank];
        ShapeHelpers.ReadIndices(context.InputType(1), context.Input<byte>(1), b, out string? problem);
        if (problem is not null) throw context.Error($"begin: {problem}");
        int offset = 0;
        for (int i = 0; i < rank; i++)
        {
            if (b[i] < 0 || (long)b[i] + _outShape[i] > _inShape[i])
                throw context.Error($"slice begin {b[i]} with size {_outShape[i]} is out of range for dimension {i} of size {_inShape[i]}");
            offset += b[i] * _inStrides[i];
        }
        StridedCopy.Run(context.Input<byte>(0), offset, _inStrides, context.Output<byte>(0), 0, _outStrides, _outShape, _elementSize);
    }
}
