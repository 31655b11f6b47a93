namespace TfLiteMicro;

/// <summary>
/// A kernel that keeps state outside variable tensors (noise estimates and delay lines in its persistent buffers,
/// whether an initialisation subgraph has run) and must set it to its initial value. The interpreter calls <see cref="Reset"/> once after AllocateTensors has
/// planned the arena (before the first Invoke) and again on every <see cref="MicroInterpreter.Reset"/>.
/// </summary>
public interface IResettableKernel
{
    /// <summary>Writes the initial state into the kernel's persistent buffers (reached through <paramref name="context"/>).</summary>
    void Reset(InvokeContext context);
}
