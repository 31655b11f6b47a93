namespace TfLiteMicro.Kernels;

/// <summary>SPACE_TO_BATCH_ND: pads the spatial dimensions, then moves block_shape tiles into the batch (3-D or 4-D).</summary>
internal sealed class SpaceToBatchNd : IKernel
{
    private readonly int[] _in = new int[4];
    private readonly int[] _out = new int[4];
    private int _rank, _elementSize;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(3, 3, 1);
        Tensor input = context.Input(0), block = context.Input(1), pads = context.Input(2), output = context.Output(0);
        SpaceBatchLayout.Check(context, input, block, pads, output, "paddings");
        _rank = input.Rank;
        if (block.IsConstant && pads.IsConstant)
        {
            ReadOnlySpan<int> b = block.AsReadOnlySpan<int>(), p = pads.AsReadOnlySpan<int>();
            int[] shape = input.ShapeArray;
            int product = 1;
            for (int i = 0; i < _rank - 2; i++)
            {
                if (b[i] <= 0 || p[2 * i] < 0 || p[2 * i + 1] < 0) throw context.Error("block shape must be positive and paddings non-negative");
                int padded = shape[i + 1] + p[2 * i] + p[2 * i + 1];
                if (padded % b[i] != 0) throw context.Error($"padded dimension {i + 1} ({padded}) is not divisible by block size {b[i]}");
                shape[i + 1] = padded / b[i];
                product *= b[i];
            }
            shape[0] *= product;
            ShapeHelpers.EnsureOutputShape(context, 0, shape);
        }
        SpaceBatchLayout.Extend(input.Shape, _in);
        SpaceBatchLayout.Extend(output.Shape, _out);
        if (_in[3] != _out[3]) throw context.Error($"output depth {_out[3]} differs from input depth {_in[3]}");
        if (_in[0] == 0 && _out[0] != 0) throw context.Error("input batch is empty");
        _elementSize = TensorTypes.ElementSize(input.Type);
    }

    public void Invoke(InvokeContext context)
    {
        if (!SpaceBatchLayout.Read(context.Input<int>(1), context.Input<int>(2), _rank, out int bh, out int bw, out int top, out int left))
            throw context.Error("block shape must be positive");
        ReadOnlySpan<byte> input = context.Input<byte>(0);
        Span<byte> output = context.Output<byte>(0);
        int depth = _in[3] * _elementSize;
        int inBatch = _in[0], inH = _in[1], inW = _in[2];
        for (int ob = 0; ob < _out[0]; ob++)
        {
            int b = ob % inBatch;
            int shiftW = ob / inBatch % bw;
            int shiftH = ob / inBatch / bw;
            for (int oh = 0; oh < _out[1]; oh++)
                for (int ow = 0; ow < _out[2]; ow++)
                {
                    Span<byte> target = output.Slice(((ob * _out[1] + oh) * _out[2] + ow) * depth, depth);
                    long ih = (long)oh * bh + shiftH - top, iw = (long)ow * bw + shiftW - left;
                    if (ih < 0 || ih >= inH || iw < 0 || iw >= inW) target.Clear();
                    else input.Slice((int)(((b * inH + ih) * inW + iw) * depth), depth).CopyTo(target);
                }
        }
    }
}
