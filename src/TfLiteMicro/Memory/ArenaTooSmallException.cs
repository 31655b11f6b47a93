namespace TfLiteMicro;

/// <summary>The arena given to the interpreter is smaller than the model needs.</summary>
public sealed class ArenaTooSmallException : TfLiteMicroException
{
    public ArenaTooSmallException(long bytesNeeded, long bytesGiven)
        : base($"the arena holds {bytesGiven} bytes but the model needs {bytesNeeded} bytes; give at least {bytesNeeded}")
    {
        BytesNeeded = bytesNeeded;
        BytesGiven = bytesGiven;
    }

    public long BytesNeeded { get; }
    public long BytesGiven { get; }
}
