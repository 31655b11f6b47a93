namespace TfLiteMicro;

/// <summary>
/// An operator cannot run as the model describes it: a type or shape its kernel does not accept, a bad parameter,
/// or (during Invoke) an index out of range in the data. The message names the subgraph, the operator and the cause.
/// </summary>
public sealed class KernelException : TfLiteMicroException
{
    public KernelException(string message) : base(message) { }
    public KernelException(string message, Exception? inner) : base(message, inner) { }
}
