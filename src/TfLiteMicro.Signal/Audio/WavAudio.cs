namespace TfLiteMicro.Signal;

/// <summary>Mono 16-bit PCM audio read from a WAV file.</summary>
public sealed class WavAudio
{
    public WavAudio(int sampleRate, short[] samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        SampleRate = sampleRate;
        Samples = samples;
    }

    /// <summary>Samples per second.</summary>
    public int SampleRate { get; }

    public short[] Samples { get; }

    public TimeSpan Duration => TimeSpan.FromSeconds((double)Samples.Length / SampleRate);
}
