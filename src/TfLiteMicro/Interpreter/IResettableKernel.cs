namespace TfLiteMicro.Kernels;

/// <summary>
/// A kernel that keeps run state outside variable tensors (for example whether an initialisation subgraph has run)
/// and must forget it when the interpreter is reset, so a reset interpreter behaves as a freshly allocated one.
/// </summary>
public interface IResettableKernel
{
    void Reset();
}
