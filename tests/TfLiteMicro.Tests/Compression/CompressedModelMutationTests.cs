using System.Runtime.InteropServices;
using TfLiteMicro.Kernels;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Compression;

/// <summary>
/// Corrupted compressed models (the golden compression cases, both forms) load and run or fail with a documented
/// exception, never another one: random corruption anywhere, and corruption aimed at the compression metadata, the
/// bit strings, the value tables and DECODE's ancillary data.
/// </summary>
public sealed class CompressedModelMutationTests
{
    [SkippableFact]
    public void EveryMutantLoadsOrFailsWithADocumentedException()
    {
        string dir = SharedData.Path("golden", "compression");
        var models = Directory.GetDirectories(dir).Order(StringComparer.Ordinal)
            .Select(d => File.ReadAllBytes(Path.Combine(d, "model.tflite"))).ToArray();
        Assert.Equal(12, models.Length);
        var targets = models.Select(CompressionRegions).ToArray();
        var random = new Random(20261205);
        var arena = new byte[1 << 20];
        OpResolver resolver = GoldenRunner.FullResolver().AddDecode();
        int ran = 0, rejected = 0;
        for (int i = 0; i < 6000; i++)
        {
            int which = random.Next(models.Length);
            byte[] mutant;
            string how;
            if (i % 2 == 0)
            {
                mutant = TfLiteMicro.Fuzz.Mutator.Mutate(models[which], random, out how);
            }
            else
            {
                // Aim at the bytes compression reads: a few bytes of one region overwritten.
                (int start, int length) = targets[which][random.Next(targets[which].Count)];
                mutant = (byte[])models[which].Clone();
                int at = start + random.Next(Math.Max(1, length));
                int count = random.Next(1, 5);
                for (int k = 0; k < count && at + k < mutant.Length; k++)
                    mutant[at + k] = random.Next(3) switch { 0 => 0, 1 => 0xFF, _ => (byte)random.Next(256) };
                how = $"{count} bytes at {at} (region at {start}, {length} bytes)";
            }
            try
            {
                var interpreter = new MicroInterpreter(Model.Load(mutant), resolver, arena);
                interpreter.AllocateTensors();
                interpreter.Invoke();
                ran++;
            }
            catch (TfLiteMicroException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                rejected++;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"mutant {i} of model {which} ({how}) threw {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        Assert.Equal(6000, ran + rejected);
        Assert.True(ran > 0 && rejected > 0, $"{ran} ran, {rejected} rejected");
    }

    /// <summary>Where in the file the compression metadata and every constant buffer (bit strings, tables, ancillary data) lie.</summary>
    private static List<(int Start, int Length)> CompressionRegions(byte[] bytes)
    {
        Model model = Model.Load(bytes);
        var regions = new List<(int, int)>();
        foreach (ReadOnlyMemory<byte> buffer in model.Buffers.Concat(model.Metadata.Select(m => m.Data)))
            if (!buffer.IsEmpty && MemoryMarshal.TryGetArray(buffer, out ArraySegment<byte> segment))
                regions.Add((segment.Offset, segment.Count));
        return regions;
    }
}
