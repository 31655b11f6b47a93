namespace TfLiteMicro.Kernels;

/// <summary>SPLIT: cuts a tensor into equal parts along a constant axis (input 0 is the axis, input 1 the data).</summary>
internal sealed class Split : IKernel
{
    private AxisParts _parts;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, context.OutputCount);
        Tensor axisTensor = context.Input(0);
        Tensor input = context.Input(1);
        int axis = SplitPlans.Axis(context, axisTensor, input);
        int count = context.OutputCount;
        int numSplits = SplitOptions.Read(context).NumSplits;
        if (count < 1 || (numSplits != 0 && numSplits != count)) throw context.Error($"num_splits {numSplits} does not match {count} outputs");
        if (input.Dim(axis) % count != 0) throw context.Error($"axis size {input.Dim(axis)} is not divisible by {count}");
        int part = input.Dim(axis) / count;
        int[] shape = input.ShapeArray;
        shape[axis] = part;
        _parts = SplitPlans.Build(context, 1, axis, Enumerable.Repeat(part, count).ToArray(), shape);
    }

    public void Invoke(InvokeContext context) => _parts.Cut(context, 1);
}
