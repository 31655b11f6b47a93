namespace TfLiteMicro.Kernels;

/// <summary>SPLIT_V: cuts a tensor along a constant axis into parts of constant sizes (one size may be -1, the rest).</summary>
internal sealed class SplitV : IKernel
{
    private AxisParts _parts;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(3, 3, context.OutputCount);
        Tensor input = context.Input(0);
        Tensor sizesTensor = context.Input(1);
        Tensor axisTensor = context.Input(2);
        int axis = SplitPlans.Axis(context, axisTensor, input);
        int count = context.OutputCount;
        int[] sizes;
        if (sizesTensor.IsConstant)
        {
            ShapeHelpers.RequireConstantIndices(context, sizesTensor, "size_splits", allowInt64: true);
            sizes = ShapeHelpers.ReadIndices(context, sizesTensor, "size_splits");
            if (sizes.Length != count) throw context.Error($"size_splits holds {sizes.Length} values for {count} outputs");
            int unknown = -1, known = 0;
            for (int i = 0; i < count; i++)
            {
                if (sizes[i] == -1 && unknown < 0) unknown = i;
                else if (sizes[i] < 0) throw context.Error($"size_splits {ShapeHelpers.Format(sizes)} is invalid");
                else known += sizes[i];
            }
            if (unknown >= 0) sizes[unknown] = input.Dim(axis) - known;
            if (sizes[Math.Max(unknown, 0)] < 0 || (unknown < 0 && known != input.Dim(axis)) || (unknown >= 0 && known > input.Dim(axis)))
                throw context.Error($"size_splits {ShapeHelpers.Format(sizes)} does not add up to the axis size {input.Dim(axis)}");
        }
        else
        {
            sizes = new int[count];
            for (int i = 0; i < count; i++)
            {
                Tensor o = context.Output(i);
                if (o.Rank != input.Rank) throw context.Error($"output {i} rank {o.Rank} differs from the input's");
                sizes[i] = o.Dim(axis);
            }
        }
        _parts = SplitPlans.Build(context, 0, axis, sizes, null);
    }

    public void Invoke(InvokeContext context) => _parts.Cut(context, 0);
}
