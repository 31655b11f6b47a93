namespace TfLiteMicro;

/// <summary>The model uses an operator the <see cref="OpResolver"/> has no kernel for.</summary>
public sealed class UnsupportedOperatorException : TfLiteMicroException
{
    /// <summary>An error with <paramref name="message"/> for the unregistered operator <paramref name="code"/>.</summary>
    public UnsupportedOperatorException(string message, OperatorCode code) : base(message)
    {
        Code = code;
    }

    /// <summary>The operator code that has no registration.</summary>
    public OperatorCode Code { get; }
}
