namespace TfLiteMicro;

/// <summary>Base of every error this runtime reports; catch it to handle all of them.</summary>
public class TfLiteMicroException : Exception
{
    /// <summary>An error with <paramref name="message"/>.</summary>
    public TfLiteMicroException(string message) : base(message) { }
    /// <summary>An error with <paramref name="message"/> caused by <paramref name="inner"/>.</summary>
    public TfLiteMicroException(string message, Exception? inner) : base(message, inner) { }
}
