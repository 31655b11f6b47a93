namespace TfLiteMicro.Kernels;

/// <summary>PAD: pads with zero (the output zero point for int8).</summary>
internal sealed class Pad : IKernel
{
    private readonly Padding _padding = new();

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        _padding.Prepare(context);
    }

    public void Invoke(InvokeContext context) => _padding.Invoke(context);
}
