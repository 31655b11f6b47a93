namespace TfLiteMicro;

/// <summary>Base of every error this runtime reports; catch it to handle all of them.</summary>
public class TfLiteMicroException : Exception
{
    public TfLiteMicroException(string message) : base(message) { }
    public TfLiteMicroException(string message, Exception? inner) : base(message, inner) { }
}
