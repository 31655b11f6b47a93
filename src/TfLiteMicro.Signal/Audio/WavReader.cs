using System.Buffers.Binary;
using System.Text;

namespace TfLiteMicro.Signal;

/// <summary>
/// Reads RIFF/WAVE files holding 16-bit PCM mono audio (the format of TFLM's keyword test clips). It walks
/// the chunk list, so extra chunks (LIST, fact, ...) are skipped; anything else (stereo, 8/24/32-bit, float,
/// compressed, truncated files) is a <see cref="WavFormatException"/> that names the problem.
/// </summary>
public static class WavReader
{
    private const ushort FormatPcm = 1;
    private const ushort FormatExtensible = 0xFFFE;

    public static WavAudio Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return Read(File.ReadAllBytes(path));
        }
        catch (WavFormatException e)
        {
            throw new WavFormatException($"{path}: {e.Message}");
        }
    }

    public static WavAudio Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Read(copy.ToArray());
    }

    public static WavAudio Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 12 || !bytes[..4].SequenceEqual("RIFF"u8) || !bytes.Slice(8, 4).SequenceEqual("WAVE"u8))
            throw new WavFormatException("not a WAV file (no RIFF/WAVE header)");

        int position = 12;
        int sampleRate = -1;
        bool formatSeen = false;
        while (position + 8 <= bytes.Length)
        {
            ReadOnlySpan<byte> id = bytes.Slice(position, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(position + 4));
            int body = position + 8;
            long available = bytes.Length - body;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || size > available)
                    throw new WavFormatException($"the fmt chunk is {size} bytes, expected at least 16 within the file");
                ReadOnlySpan<byte> fmt = bytes.Slice(body, (int)size);
                ushort format = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
                ushort channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
                ushort bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
                if (format == FormatExtensible && size >= 40)
                    format = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
                if (format != FormatPcm)
                    throw new WavFormatException($"audio format {format} is not supported; only integer PCM (format 1) is");
                if (bits != 16)
                    throw new WavFormatException($"{bits}-bit samples are not supported; only 16-bit PCM is");
                if (channels != 1)
                    throw new WavFormatException($"{channels} channels are not supported; only mono audio is");
                if (sampleRate <= 0)
                    throw new WavFormatException($"sample rate {sampleRate} is invalid");
                formatSeen = true;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (!formatSeen)
                    throw new WavFormatException("the data chunk comes before the fmt chunk");
                // Files cut short (or streamed with a placeholder size) keep the samples that are present.
                int length = (int)Math.Min(size, available) & ~1;
                var samples = new short[length / 2];
                for (int i = 0; i < samples.Length; i++)
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes.Slice(body + 2 * i));
                return new WavAudio(sampleRate, samples);
            }
            long next = (long)body + size + (size & 1);
            if (next > bytes.Length) break;
            position = (int)next;
        }
        throw new WavFormatException(formatSeen ? "the file has no data chunk" : "the file has no fmt chunk");
    }

    /// <summary>Writes 16-bit PCM mono samples as a canonical 44-byte-header WAV file.</summary>
    public static byte[] Write(ReadOnlySpan<short> samples, int sampleRate)
    {
        var bytes = new byte[44 + 2 * samples.Length];
        Span<byte> s = bytes;
        Encoding.ASCII.GetBytes("RIFF").CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], (uint)(bytes.Length - 8));
        Encoding.ASCII.GetBytes("WAVEfmt ").CopyTo(s[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(s[20..], FormatPcm);
        BinaryPrimitives.WriteUInt16LittleEndian(s[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], sampleRate * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(s[32..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(s[34..], 16);
        Encoding.ASCII.GetBytes("data").CopyTo(s[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(s[40..], (uint)(2 * samples.Length));
        for (int i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteInt16LittleEndian(s[(44 + 2 * i)..], samples[i]);
        return bytes;
    }
}
