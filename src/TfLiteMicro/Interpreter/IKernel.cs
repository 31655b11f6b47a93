namespace TfLiteMicro;

/// <summary>
/// The contract every operator implements. The resolver creates one instance per node of the model.
/// <see cref="Prepare"/> runs once, in AllocateTensors: it checks types and shapes, precomputes everything
/// that does not depend on input values (multipliers, shifts, activation ranges, lookup tables) into the
/// instance's fields, and requests scratch memory. <see cref="Invoke"/> runs on every inference: it reads
/// inputs and writes outputs through the context's spans and must not allocate managed memory.
/// </summary>
public interface IKernel
{
    /// <summary>Checks the node's tensors and options, precomputes what Invoke needs and requests memory; runs once, in AllocateTensors.</summary>
    /// <exception cref="KernelException">The node is not one this kernel can run (use <see cref="PrepareContext.Error"/>).</exception>
    void Prepare(PrepareContext context);

    /// <summary>Computes the node's outputs from its inputs; runs on every inference and must not allocate.</summary>
    void Invoke(InvokeContext context);
}
