namespace TfLiteMicro.Kernels;

/// <summary>MIRROR_PAD: pads by mirroring the input, without the border (REFLECT) or with it (SYMMETRIC).</summary>
internal sealed class MirrorPad : IKernel
{
    private int[] _inShape = [];
    private int[] _leftPads = [];
    private int[] _inStrides = [];
    private int[] _outShape = [];
    private int _elementSize, _offset;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0);
        Tensor paddings = context.Input(1);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8, TensorType.Int32, TensorType.Int64);
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        int rank = input.Rank;
        if (rank > StridedCopy.MaxRank) throw context.Error($"input rank {rank} exceeds {StridedCopy.MaxRank}");
        ShapeHelpers.RequireConstantIndices(context, paddings, "paddings", allowInt64: true);
        if (paddings.Rank != 2 || paddings.Dim(0) != rank || paddings.Dim(1) != 2)
            throw context.Error($"paddings has shape {ShapeHelpers.Format(paddings.Shape)}, expected [{rank},2]");
        int[] pads = ShapeHelpers.ReadIndices(context, paddings, "paddings");
        int offset = MirrorPadOptions.Read(context).Mode == MirrorPadMode.Reflect ? 1 : 0;
        _offset = offset;
        _outShape = Padding.PaddedShape(context, input, pads, offset);
        _leftPads = new int[rank];
        for (int d = 0; d < rank; d++) _leftPads[d] = pads[2 * d];
        _inShape = input.Shape.ToArray();
        ShapeHelpers.EnsureOutputShape(context, 0, _outShape);
        _inStrides = StridedCopy.RowMajorStrides(input.Shape);
        _elementSize = TensorTypes.ElementSize(input.Type);
    }

    public void Invoke(InvokeContext context)
    {
        ReadOnlySpan<byte> input = context.Input<byte>(0);
        Span<byte> output = context.Output<byte>(0);
        int rank = _outShape.Length;
        int total = 1;
        foreach (int d in _outShape) total *= d;
        if (total == 0) return;
        if (rank == 0) { input[.._elementSize].CopyTo(output); return; }
        Span<int> index = stackalloc int[StridedCopy.MaxRank];
        index.Clear();
        int es = _elementSize;
        int inner = rank - 1;
        int innerStride = _inStrides[inner];
        int o = 0;
        while (true)
        {
            int baseOffset = 0;
            for (int d = 0; d < inner; d++) baseOffset += Source(d, index[d]) * _inStrides[d];
            for (int x = 0; x < _outShape[inner]; x++, o++)
                input.Slice((baseOffset + Source(inner, x) * innerStride) * es, es).CopyTo(output.Slice(o * es, es));
            int k = inner - 1;
            for (; k >= 0; k--)
            {
                if (++index[k] < _outShape[k]) break;
                index[k] = 0;
            }
            if (k < 0) return;
        }
    }

    /// <summary>The input index output index <paramref name="o"/> of dimension <paramref name="d"/> mirrors (computed, not tabled, so Prepare allocates nothing sized by the model).</summary>
    private int Source(int d, int o)
    {
        int n = _inShape[d];
        int i = o - _leftPads[d];
        if (i < 0) return -i - 1 + _offset;
        if (i >= n) return 2 * n - i - 1 - _offset;
        return i;
    }
}
