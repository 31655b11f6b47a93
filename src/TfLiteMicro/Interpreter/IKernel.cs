namespace TfLiteMicro.Kernels;

/// <summary>
/// The contract every operator implements. The resolver creates one instance per node of the model.
/// <see cref="Prepare"/> runs once, in AllocateTensors: it checks types and shapes, precomputes everything
/// that does not depend on input values (multipliers, shifts, activation ranges, lookup tables) into the
/// instance's fields, and requests scratch memory. <see cref="Invoke"/> runs on every inference: it reads
/// inputs and writes outputs through the context's spans and must not allocate managed memory.
/// </summary>
public interface IKernel
{
    void Prepare(PrepareContext context);

    void Invoke(InvokeContext context);
}
