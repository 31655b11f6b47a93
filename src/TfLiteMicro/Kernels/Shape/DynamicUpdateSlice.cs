namespace TfLiteMicro.Kernels;

/// <summary>
/// DYNAMIC_UPDATE_SLICE: the operand with a block replaced by the update, placed at run-time start indices that
/// are clamped so the block stays inside the operand.
/// </summary>
internal sealed class DynamicUpdateSlice : IKernel
{
    private int[] _operandShape = [];
    private int[] _updateShape = [];
    private int[] _operandStrides = [];
    private int[] _updateStrides = [];
    private int _elementSize;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(3, 3, 1);
        Tensor operand = context.Input(0);
        Tensor update = context.Input(1);
        Tensor start = context.Input(2);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "operand", operand.Type, TensorType.Float32, TensorType.Int8, TensorType.Int16, TensorType.Int32, TensorType.Int64);
        ShapeHelpers.RequireSameType(context, operand, "operand", update, "update");
        ShapeHelpers.RequireSameType(context, operand, "operand", output, "output");
        ShapeHelpers.RequireType(context, "start indices", start.Type, TensorType.Int32, TensorType.Int64);
        int rank = operand.Rank;
        if (rank > 6) throw context.Error($"operand rank {rank} exceeds 6");
        if (update.Rank != rank) throw context.Error($"update rank {update.Rank} differs from operand rank {rank}");
        if (start.Rank != 1 || start.Dim(0) != rank) throw context.Error($"start indices must be a vector of {rank} values");
        for (int i = 0; i < rank; i++)
            if (update.Dim(i) > operand.Dim(i)) throw context.Error($"update {ShapeHelpers.Format(update.Shape)} is larger than operand {ShapeHelpers.Format(operand.Shape)}");
        ShapeHelpers.EnsureOutputShape(context, 0, operand.Shape);
        _operandShape = operand.ShapeArray;
        _updateShape = update.ShapeArray;
        _operandStrides = StridedCopy.RowMajorStrides(_operandShape);
        _updateStrides = StridedCopy.RowMajorStrides(_updateShape);
        _elementSize = TensorTypes.ElementSize(operand.Type);
    }

    public void Invoke(InvokeContext context)
    {
        int rank = _operandShape.Length;
        Span<int> start = stackalloc int[rank];
        Span<long> wide = stackalloc long[rank];
        ReadOnlySpan<byte> startBytes = context.Input<byte>(2);
        if (context.InputType(2) == TensorType.Int64)
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(startBytes)[..rank].CopyTo(wide);
        else
            for (int i = 0; i < rank; i++) wide[i] = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(startBytes)[i];
        int offset = 0;
        for (int i = 0; i < rank; i++)
        {
            start[i] = (int)Math.Clamp(wide[i], 0, _operandShape[i] - _updateShape[i]);
            offset += start[i] * _operandStrides[i];
        }
        Span<byte> output = context.Output<byte>(0);
        context.Input<byte>(0).CopyTo(output);
        StridedCopy.Run(context.Input<byte>(1), 0, _updateStrides, output, offset, _operandStrides, _updateShape, _elementSize);
    }
}
