namespace TfLiteMicro.Kernels;

/// <summary>SPACE_TO_BATCH_ND: pads the spatial dimensions, then moves block_shape tiles into the batch (3-D or 4-D).</summary>
internal sealed class SpaceToBatchNd : IKernel
{
    private readonly int[] _in = new int[4];
    private readonly int[] _out = new int[4];
    private int _rank, _pixelBytes;

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
            long product = 1;
            for (int i = 0; i < _rank - 2; i++)
            {
                if (b[i] <= 0 || p[2 * i] < 0 || p[2 * i + 1] < 0) throw context.Error("block shape must be positive and paddings non-negative");
                long padded = (long)shape[i + 1] + p[2 * i] + p[2 * i + 1];
                if (padded % b[i] != 0) throw context.Error($"padded dimension {i + 1} ({padded}) is not divisible by block size {b[i]}");
                shape[i + 1] = (int)(padded / b[i]);
                product *= b[i];
            }
            if (product > int.MaxValue || shape[0] * product > int.MaxValue) throw context.Error($"output batch {shape[0]} x {product} is larger than a tensor can hold");
            shape[0] = (int)(shape[0] * product);
            ShapeHelpers.EnsureOutputShape(context, 0, shape);
        }
        _pixelBytes = SpaceBatchLayout.Views(context, input, output, _in, _out, spaceIsOutput: false);
    }

    public void Invoke(InvokeContext context)
    {
        if (!SpaceBatchLayout.Read(context.Input<int>(1), context.Input<int>(2), _rank, out int bh, out int bw, out int top, out int left))
            throw context.Error("block shape must be positive");
        SpaceBatchLayout.Move(context.Input<byte>(0), context.Output<byte>(0), _out, _in, _pixelBytes, bh, bw, top, left, toSpace: false);
    }
}
