namespace TfLiteMicro.Kernels;

/// <summary>BATCH_TO_SPACE_ND: moves batch entries into block_shape spatial tiles, then crops (3-D or 4-D).</summary>
internal sealed class BatchToSpaceNd : IKernel
{
    private readonly int[] _in = new int[4];
    private readonly int[] _out = new int[4];
    private int _rank, _pixelBytes;

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
            long product = 1;
            for (int i = 0; i < _rank - 2; i++)
            {
                if (b[i] <= 0 || c[2 * i] < 0 || c[2 * i + 1] < 0) throw context.Error("block shape must be positive and crops non-negative");
                long size = (long)shape[i + 1] * b[i] - c[2 * i] - c[2 * i + 1];
                if (size < 0) throw context.Error($"crops exceed dimension {i + 1}");
                shape[i + 1] = (int)size;
                product *= b[i];
            }
            if (shape[0] % product != 0) throw context.Error($"input batch {shape[0]} is not divisible by the block size product {product}");
            shape[0] = (int)(shape[0] / product);
            ShapeHelpers.EnsureOutputShape(context, 0, shape);
        }
        _pixelBytes = SpaceBatchLayout.Views(context, input, output, _in, _out, spaceIsOutput: true);
    }

    public void Invoke(InvokeContext context)
    {
        if (!SpaceBatchLayout.Read(context.Input<int>(1), context.Input<int>(2), _rank, out int bh, out int bw, out int top, out int left))
            throw context.Error("block shape must be positive");
        SpaceBatchLayout.Move(context.Input<byte>(0), context.Output<byte>(0), _in, _out, _pixelBytes, bh, bw, top, left, toSpace: true);
    }
}
