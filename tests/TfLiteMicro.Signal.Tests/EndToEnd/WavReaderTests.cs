using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Signal.Tests.EndToEnd;

public class WavReaderTests
{
    [Fact]
    public void RoundTripsPcm()
    {
        short[] samples = [0, 1, -1, short.MaxValue, short.MinValue, 1234];
        WavAudio audio = WavReader.Read(WavReader.Write(samples, 16000));
        Assert.Equal(16000, audio.SampleRate);
        Assert.Equal(samples, audio.Samples);
    }

    [SkippableFact]
    public void ReadsTflmClipsAsTheGoldenDid()
    {
        // TFLM's reference skipped a 44-byte header and read the rest as int16.
        byte[] bytes = File.ReadAllBytes(SharedData.Path("testdata", "yes_1000ms.wav"));
        WavAudio audio = WavReader.Read(bytes);
        Assert.Equal(16000, audio.SampleRate);
        Assert.Equal((bytes.Length - 44) / 2, audio.Samples.Length);
        Assert.Equal(BitConverter.ToInt16(bytes, 44), audio.Samples[0]);
        Assert.Equal(BitConverter.ToInt16(bytes, bytes.Length - 2), audio.Samples[^1]);
    }

    private static byte[] WithFormat(ushort format, ushort channels, ushort bits)
    {
        byte[] bytes = WavReader.Write([1, 2, 3, 4], 16000);
        BitConverter.GetBytes(format).CopyTo(bytes, 20);
        BitConverter.GetBytes(channels).CopyTo(bytes, 22);
        BitConverter.GetBytes(bits).CopyTo(bytes, 34);
        return bytes;
    }

    [Fact]
    public void RejectsOtherFormatsClearly()
    {
        Assert.Contains("channels", Assert.Throws<WavFormatException>(() => WavReader.Read(WithFormat(1, 2, 16))).Message);
        Assert.Contains("8-bit", Assert.Throws<WavFormatException>(() => WavReader.Read(WithFormat(1, 1, 8))).Message);
        Assert.Contains("format 3", Assert.Throws<WavFormatException>(() => WavReader.Read(WithFormat(3, 1, 32))).Message);
        Assert.Contains("RIFF", Assert.Throws<WavFormatException>(() => WavReader.Read("not a wav file"u8)).Message);
        byte[] noData = WavReader.Write([1, 2], 16000)[..36];
        Assert.Contains("no data chunk", Assert.Throws<WavFormatException>(() => WavReader.Read(noData)).Message);
    }

    [Fact]
    public void SkipsUnknownChunks()
    {
        byte[] plain = WavReader.Write([5, -6, 7], 8000);
        byte[] list = [.. "LIST"u8, 3, 0, 0, 0, 1, 2, 3, 0];
        byte[] bytes = [.. plain[..36], .. list, .. plain[36..]];
        WavAudio audio = WavReader.Read(bytes);
        Assert.Equal(8000, audio.SampleRate);
        Assert.Equal(new short[] { 5, -6, 7 }, audio.Samples);
    }
}
