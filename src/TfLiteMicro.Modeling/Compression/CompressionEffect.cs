namespace TfLiteMicro.Modeling.Compression;

/// <summary>How far one output of a compressed model moved from the original's, over random inputs.</summary>
/// <param name="Output">The output's position among the model's outputs.</param>
/// <param name="Name">The output tensor's name.</param>
/// <param name="Identical">True when every byte of the output was the same in every run.</param>
/// <param name="MaxDifference">Largest difference of an output value, in real units (dequantized) for quantized outputs.</param>
/// <param name="MeanDifference">Mean difference of an output value, in the same units.</param>
/// <param name="ArgmaxAgreement">
/// For outputs whose last dimension has two or more entries (a classifier's scores): the fraction of rows whose largest
/// entry is the same in both models; null for other outputs.
/// </param>
public sealed record OutputEffect(int Output, string Name, bool Identical, double MaxDifference, double MeanDifference, double? ArgmaxAgreement);

/// <summary>Runs an original and a compressed model side by side on the same random inputs and compares their outputs.</summary>
public static class CompressionEffect
{
    /// <summary>
    /// Invokes both models <paramref name="samples"/> times, one interpreter each (state carries over in both alike), on
    /// inputs drawn from <paramref name="seed"/>: integers uniform over their type's range (INT32 over -128..127, counts
    /// or indices more often than not), floats uniform in [-1, 1].
    /// </summary>
    public static IReadOnlyList<OutputEffect> Measure(Model original, Model compressed, OpResolver resolver, int samples = 20,
        ulong seed = 1, int arenaBytes = 16 * 1024 * 1024)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(compressed);
        ArgumentNullException.ThrowIfNull(resolver);
        using var before = new MicroInterpreter(original, resolver, new byte[arenaBytes]);
        using var after = new MicroInterpreter(compressed, resolver, new byte[arenaBytes]);
        before.AllocateTensors();
        after.AllocateTensors();
        if (before.InputCount != after.InputCount || before.OutputCount != after.OutputCount)
            throw new ArgumentException("the models have different inputs or outputs");

        int outputs = before.OutputCount;
        var maxima = new double[outputs];
        var sums = new double[outputs];
        var counts = new long[outputs];
        var identical = Enumerable.Repeat(true, outputs).ToArray();
        var agreeing = new long[outputs];
        var rows = new long[outputs];
        var random = new SeededRandom(seed);
        for (int n = 0; n < samples; n++)
        {
            for (int i = 0; i < before.InputCount; i++)
            {
                byte[] input = RandomInput(before.Input(i), random);
                before.Input(i).CopyFrom(input);
                after.Input(i).CopyFrom(input);
            }
            before.Invoke();
            after.Invoke();
            for (int o = 0; o < outputs; o++)
            {
                Tensor a = before.Output(o), b = after.Output(o);
                identical[o] &= a.AsReadOnlySpan<byte>().SequenceEqual(b.AsReadOnlySpan<byte>());
                int count = a.ElementCount;
                for (int e = 0; e < count; e++)
                {
                    double difference = Math.Abs(a.GetValueAsDouble(e) - b.GetValueAsDouble(e));
                    maxima[o] = Math.Max(maxima[o], difference);
                    sums[o] += difference;
                }
                counts[o] += count;
                int classes = a.Rank == 0 ? 1 : a.Dim(-1);
                if (classes < 2) continue;
                for (int row = 0; row < count / classes; row++)
                {
                    rows[o]++;
                    if (Argmax(a, row * classes, classes) == Argmax(b, row * classes, classes)) agreeing[o]++;
                }
            }
        }
        return [.. Enumerable.Range(0, outputs).Select(o => new OutputEffect(o, before.Output(o).Name, identical[o], maxima[o],
            counts[o] == 0 ? 0 : sums[o] / counts[o], rows[o] == 0 ? null : (double)agreeing[o] / rows[o]))];
    }

    private static int Argmax(Tensor tensor, int start, int length)
    {
        int best = 0;
        for (int k = 1; k < length; k++)
            if (tensor.GetValueAsDouble(start + k) > tensor.GetValueAsDouble(start + best)) best = k;
        return best;
    }

    private static byte[] RandomInput(Tensor tensor, SeededRandom random)
    {
        int count = tensor.ElementCount;
        var bytes = new byte[tensor.ByteCount];
        Span<byte> span = bytes;
        for (int i = 0; i < count; i++)
        {
            switch (tensor.Type)
            {
                case TensorType.Float32:
                    BitConverter.TryWriteBytes(span.Slice(4 * i), (float)random.NextDouble(-1, 1));
                    break;
                case TensorType.Int16:
                    BitConverter.TryWriteBytes(span.Slice(2 * i), (short)(random.NextInt(65536) - 32768));
                    break;
                case TensorType.Int32:
                    BitConverter.TryWriteBytes(span.Slice(4 * i), random.NextInt(256) - 128);
                    break;
                case TensorType.Bool:
                    span[i] = (byte)random.NextInt(2);
                    break;
                default:
                    // INT8, UINT8 and any other byte-sized type: every bit pattern.
                    if (TensorTypes.ElementSize(tensor.Type) != 1)
                        throw new NotSupportedException($"random {TensorTypes.GetName(tensor.Type)} inputs are not supported");
                    span[i] = (byte)random.NextInt(256);
                    break;
            }
        }
        return bytes;
    }
}
