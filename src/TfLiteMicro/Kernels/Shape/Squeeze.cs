namespace TfLiteMicro.Kernels;

/// <summary>SQUEEZE: drops dimensions of size 1 (the listed ones, or all); the data is copied unchanged.</summary>
internal sealed class Squeeze : IKernel
{
    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        ShapeHelpers.ElementSize(context, input, "input");
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        int rank = input.Rank;
        if (rank > 8) throw context.Error($"input rank {rank} exceeds 8");
        int[] dims = SqueezeOptions.Read(context).GetSqueezeDims();
        Span<bool> drop = stackalloc bool[rank];
        if (dims.Length == 0)
        {
            for (int i = 0; i < rank; i++) drop[i] = input.Dim(i) == 1;
        }
        else
        {
            foreach (int d in dims)
            {
                int axis = ShapeHelpers.ResolveAxis(context, d, rank, "squeeze dimension");
                if (input.Dim(axis) != 1) throw context.Error($"cannot squeeze dimension {d} of size {input.Dim(axis)}");
                drop[axis] = true;
            }
        }
        var shape = new List<int>(rank);
        for (int i = 0; i < rank; i++)
            if (!drop[i]) shape.Add(input.Dim(i));
        ShapeHelpers.EnsureOutputShape(context, 0, shape.ToArray());
    }

    public void Invoke(InvokeContext context) => context.Input<byte>(0).CopyTo(context.Output<byte>(0));
}
