namespace TfLiteMicro.Kernels;

/// <summary>ARG_MIN: index of the least element along an axis (the first on ties); float32 or int8 in, int32 out.</summary>
internal sealed class ArgMin : IKernel
{
    private readonly ArgReduction _engine = new();

    public void Prepare(PrepareContext context) => _engine.Prepare(context);

    public void Invoke(InvokeContext context) => _engine.Invoke(context, max: false);
}
