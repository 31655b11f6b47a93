namespace TfLiteMicro;

/// <summary>The arena given to the interpreter is smaller than the model needs.</summary>
public sealed class ArenaTooSmallException : TfLiteMicroException
{
    /// <summary>An error for an arena of <paramref name="bytesGiven"/> bytes where <paramref name="bytesNeeded"/> are needed.</summary>
    public ArenaTooSmallException(long bytesNeeded, long bytesGiven)
        : base($"the arena holds {bytesGiven} bytes but the model needs {bytesNeeded} bytes; give at least {bytesNeeded}")
    {
        BytesNeeded = bytesNeeded;
        BytesGiven = bytesGiven;
    }

    /// <summary>Bytes the model needs (the smallest arena that works).</summary>
    public long BytesNeeded { get; }
    /// <summary>Bytes of the arena that was given.</summary>
    public long BytesGiven { get; }
}
