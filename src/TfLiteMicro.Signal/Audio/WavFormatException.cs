namespace TfLiteMicro.Signal;

/// <summary>The bytes are not a WAV file this reader accepts (RIFF/WAVE, 16-bit PCM, mono); the message says why.</summary>
public sealed class WavFormatException : FormatException
{
    public WavFormatException(string message) : base(message) { }
}
