namespace TfLiteMicro.Kernels;

/// <summary>BATCH_TO_SPACE_ND: moves batch entries into block_shape spatial tiles, then crops (3-D or 4-D).</summary>
internal sealed class BatchToSpaceNd : IKernel
{
    private readonly int[] _in = new int[4];
    private readonly int[] _out = new int[4];
    private int _rank, _elementSize;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(3, 3, 1);
        Tensor input = context.Input(0), block = context.Input(1), crops = context.Input(2), output = context.Output(0);
        SpaceBatchLayout.Check(context, input, block, crops, output, "crops");
        _rank = input.Rank;
        if (block.IsConstant && crops.IsConstant)
        {
            ReadOnlySpan<int> b = block.AsReadOnlySpan<int>(), c = crops.AsReadOnlySpan<int>();
            int[] shape = input.ShapeArray;
            int product = 1;
            for (int i = 0; i < _rank - 2; i++)
            {
                if (b[i] <= 0 || c[2 * i] < 0 || c[2 * i + 1] < 0) throw context.Error("block shape must be positive and crops non-negative");
                long size = (long)shape[i + 1] * b[i] - c[2 * i] - c[2 * i + 1];
                if (size < 0) throw context.Error($"crops exceed dimension {i + 1}");
                shape[i + 1] = (int)size;
                product *= b[i];
            }
            if (shape[0] % product != 0) throw context.Error($"input batch {shape[0]} is not divisible by the block size product {product}");
            shape[0] /= product;
            ShapeHelpers.EnsureOutputShape(context, 0, shape);
        }
        SpaceBatchLayout.Extend(input.Shape, _in);
        SpaceBatchLayout.Extend(output.Shape, _out);
        if (_in[3] != _out[3]) throw context.Error($"output depth {_out[3]} differs from input depth {_in[3]}");
        if (_out[0] == 0 && _in[0] != 0) throw context.Error("output batch is empty");
        _elementSize = TensorTypes.ElementSize(input.Type);
    }

    public void Invoke(InvokeContext context)
    {
        if (!SpaceBatchLayout.Read(context.Input<int>(1), context.Input<int>(2), _rank, out int bh, out int bw, out int top, out int left))
            throw context.Error("block shape must be positive");
        ReadOnlySpan<byte> input = context.Input<byte>(0);
        Span<byte> output = context.Output<byte>(0);
        int depth = _in[3] * _elementSize;
        int outBatch = _out[0], outH = _out[1], outW = _out[2];
        for (int ib = 0; ib < _in[0]; ib++)
        {
            int ob = ib % outBatch;
            int spatial = ib / outBatch;
            for (int ih = 0; ih < _in[1]; ih++)
            {
                long oh = (long)ih * bh + spatial / bw - top;
                if (oh < 0 || oh >= outH) continue;
                for (int iw = 0; iw < _in[2]; iw++)
                {
                    long ow = (long)iw * bw + spatial % bw - left;
                    if (ow < 0 || ow >= outW) continue;
                    input.Slice(((ib * _in[1] + ih) * _in[2] + iw) * depth, depth)
                        .CopyTo(output.Slice((int)(((ob * outH + oh) * outW + ow) * depth), depth));
                }
            }
        }
    }
}
