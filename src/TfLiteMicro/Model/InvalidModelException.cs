namespace TfLiteMicro;

/// <summary>
/// The model bytes are not a well-formed TFLite FlatBuffer, or a field holds a value the schema does not allow.
/// The message names the place, e.g. "subgraph 0, operator 7, input 2: tensor 91 out of range (57 tensors)".
/// </summary>
public sealed class InvalidModelException : TfLiteMicroException
{
    /// <summary>An error with <paramref name="message"/>, which should name the place in the model.</summary>
    public InvalidModelException(string message) : base(message) { }
    /// <summary>An error with <paramref name="message"/> caused by <paramref name="inner"/>.</summary>
    public InvalidModelException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>Returns a copy whose message starts with <paramref name="where"/>, for errors found deep in a table.</summary>
    internal InvalidModelException At(string where) => new(where + ": " + Message, this);
}
