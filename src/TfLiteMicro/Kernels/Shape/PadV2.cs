namespace TfLiteMicro.Kernels;

/// <summary>PADV2: pads with the value of a scalar third input (zero, or the int8 output zero point, when absent).</summary>
internal sealed class PadV2 : IKernel
{
    private readonly Padding _padding = new();

    public void Prepare(PrepareContext context) => _padding.Prepare(context);

    public void Invoke(InvokeContext context) => _padding.Invoke(context);
}
