namespace TfLiteMicro;

/// <summary>
/// An operator cannot run as the model describes it: a type or shape its kernel does not accept, a bad parameter,
/// or (during Invoke) an index out of range in the data. The message names the subgraph, the operator and the cause.
/// </summary>
public sealed class KernelException : TfLiteMicroException
{
    /// <summary>An error with <paramref name="message"/>, which should name the operator and the cause.</summary>
    public KernelException(string message) : base(message) { }
    /// <summary>An error with <paramref name="message"/> caused by <paramref name="inner"/>.</summary>
    public KernelException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>
    /// Raised by shared arithmetic that does not know which operator called it (e.g. turning scales into a
    /// multiplier); the interpreter adds the operator's place to the message.
    /// </summary>
    internal static KernelException Unplaced(string message) => new(message) { IsUnplaced = true };

    internal bool IsUnplaced { get; private init; }
}
