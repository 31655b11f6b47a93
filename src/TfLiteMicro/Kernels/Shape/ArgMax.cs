namespace TfLiteMicro.Kernels;

/// <summary>ARG_MAX: index of the greatest element along an axis (the first on ties); float32 or int8 in, int32 out.</summary>
internal sealed class ArgMax : IKernel
{
    private readonly ArgReduction _engine = new();

    public void Prepare(PrepareContext context) => _engine.Prepare(context);

    public void Invoke(InvokeContext context) => _engine.Invoke(context, max: true);
}
