using System.Buffers.Binary;
using TfLiteMicro.Compression;

namespace TfLiteMicro.Modeling.Compression;

/// <summary>A constant to compress.</summary>
/// <param name="Subgraph">The subgraph holding the tensor.</param>
/// <param name="Tensor">The tensor's index in the subgraph.</param>
/// <param name="BitWidth">Bits per stored index, 1 to 7: at most 2^bits values per table.</param>
/// <param name="PerChannel">
/// Null to follow the tensor's quantization. TFLM reads one value table per channel exactly when the tensor is per-channel
/// quantized, so a value that contradicts the quantization is an error.
/// </param>
public sealed record LutCompressionSpec(int Subgraph, int Tensor, int BitWidth, bool? PerChannel = null);

/// <summary>What compressing one tensor did.</summary>
/// <param name="Subgraph">The subgraph holding the tensor.</param>
/// <param name="Tensor">The tensor's index in the subgraph.</param>
/// <param name="Name">The tensor's name.</param>
/// <param name="Type">The tensor's element type (that of its value tables).</param>
/// <param name="BitWidth">Bits per stored index.</param>
/// <param name="ChannelCount">Value tables: one, or one per channel.</param>
/// <param name="ChannelsOnLastAxis">True when the channels run along the last dimension.</param>
/// <param name="DistinctValues">The most distinct values any one table had to represent (before clustering).</param>
/// <param name="Lossless">True when every table holds its channel's values exactly (at most 2^bits distinct values).</param>
/// <param name="OriginalBytes">Bytes of the tensor's data before.</param>
/// <param name="EncodedBytes">Bytes of the packed indices that replace it.</param>
/// <param name="ValueTableBytes">Bytes of its value tables (a buffer of their own).</param>
/// <param name="MaxError">Largest change of a value, in real units for a quantized tensor (scale x steps), else raw.</param>
/// <param name="MeanError">Mean change of a value, in the same units.</param>
public sealed record CompressedTensorReport(int Subgraph, int Tensor, string Name, TensorType Type, int BitWidth, int ChannelCount,
    bool ChannelsOnLastAxis, int DistinctValues, bool Lossless, long OriginalBytes, long EncodedBytes, long ValueTableBytes,
    double MaxError, double MeanError)
{
    /// <summary>Bytes the tensor takes less in the model (negative when compression costs more).</summary>
    public long BytesSaved => OriginalBytes - EncodedBytes - ValueTableBytes;
}

/// <summary>The compressed model and what was done.</summary>
/// <param name="Model">The compressed model's bytes.</param>
/// <param name="Tensors">One report per compressed tensor.</param>
/// <param name="OriginalModelBytes">Size of the model before.</param>
public sealed record LutCompressionResult(byte[] Model, IReadOnlyList<CompressedTensorReport> Tensors, long OriginalModelBytes)
{
    public long CompressedModelBytes => Model.LongLength;
    public long BytesSaved => OriginalModelBytes - CompressedModelBytes;
}

/// <summary>
/// Compresses constants of a model into TFLM's LUT form with COMPRESSION_METADATA: each tensor's values (per channel when
/// it is per-channel quantized, along its quantized dimension) are clustered into at most 2^bits values by exact
/// one-dimensional k-means (<see cref="ValueClustering"/>; integer centroids rounded), each element is replaced by the
/// index of its nearest value, packed most significant bit first, and the tables (padded with zeros to 2^bits entries
/// per channel, as TFLM's own tool writes them) go into new buffers. A tensor with at most 2^bits distinct values per
/// table is compressed losslessly. The result loads in TFLM and in this runtime.
/// </summary>
public static class LutCompressor
{
    /// <summary>The operators whose TFLM kernels read compressed inputs; <see cref="ChooseTensors"/> picks only their constants.</summary>
    public static IReadOnlySet<BuiltinOperator> TflmKernels { get; } = new HashSet<BuiltinOperator>
    {
        BuiltinOperator.FullyConnected, BuiltinOperator.Conv2D, BuiltinOperator.DepthwiseConv2D,
        BuiltinOperator.TransposeConv, BuiltinOperator.Concatenation, BuiltinOperator.AssignVariable,
    };

    /// <summary>Compresses the tensors <paramref name="specs"/> names. Throws <see cref="ArgumentException"/> for a tensor that cannot be.</summary>
    public static LutCompressionResult Compress(Model model, IEnumerable<LutCompressionSpec> specs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(specs);
        if (model.FindMetadata(ModelCompression.MetadataName) is not null)
            throw new ArgumentException("the model is already compressed (it has COMPRESSION_METADATA)");
        List<LutCompressionSpec> list = [.. specs.OrderBy(s => s.Subgraph).ThenBy(s => s.Tensor)];
        if (list.Count == 0) throw new ArgumentException("no tensors to compress");
        var chosen = new HashSet<(int, int)>();
        foreach (LutCompressionSpec spec in list)
            if (!chosen.Add((spec.Subgraph, spec.Tensor)))
                throw new ArgumentException($"subgraph {spec.Subgraph}, tensor {spec.Tensor} is listed twice");

        var plans = list.Select(spec => Plan(model, spec, chosen)).ToList();
        var replaced = plans.ToDictionary(p => (p.Report.Subgraph, p.Report.Tensor), p => p.Encoded);
        ModelBuilder builder = ModelCopy.ToBuilder(model, replaced, entry => entry.Name != ModelCompression.MetadataName);
        var luts = new List<CompressionMetadataWriter.LutTensor>();
        foreach (TensorPlan plan in plans)
            luts.Add(new(plan.Report.Subgraph, plan.Report.Tensor, builder.AddBuffer(plan.Tables), plan.Report.BitWidth));
        builder.AddMetadata(ModelCompression.MetadataName, CompressionMetadataWriter.Write(luts));
        byte[] bytes = builder.Build();
        Model.Load(bytes); // the result must pass this runtime's checks, as it must TFLM's
        return new LutCompressionResult(bytes, [.. plans.Select(p => p.Report)], model.Bytes.Length);
    }

    /// <summary>
    /// Constants worth compressing (what <c>tflm compress --auto</c> does): those of the element types TFLM decompresses
    /// that only TFLM's compression-aware kernels read (<see cref="TflmKernels"/>), whose buffer is their own, and that
    /// come out smaller. Each at the fewest bits that keep it exact when that is at most <paramref name="bitWidth"/>,
    /// otherwise clustered to <paramref name="bitWidth"/> bits (unless <paramref name="losslessOnly"/>).
    /// </summary>
    public static IReadOnlyList<LutCompressionSpec> ChooseTensors(Model model, int bitWidth, bool losslessOnly = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (bitWidth is < 1 or > LutLayout.MaxBitWidth) throw new ArgumentOutOfRangeException(nameof(bitWidth), "bit widths run from 1 to 7");
        var result = new List<LutCompressionSpec>();
        long savedInTotal = 0;
        foreach (Subgraph subgraph in model.Subgraphs)
        {
            bool any = false;
            foreach (ModelTensor t in subgraph.Tensors)
            {
                if (!IsCandidate(model, subgraph, t) || Channels(t, null) is not { } channels) continue;
                int lossless = LosslessBitWidth(t, channels);
                int bits = lossless <= bitWidth ? lossless : losslessOnly ? 0 : bitWidth;
                if (bits == 0) continue;
                long encoded = (t.ElementCount * bits + 7) / 8;
                long tables = (long)channels.Count * (1 << bits) * TensorTypes.ElementSize(t.Type);
                long saved = t.Data.Length - encoded - tables - TensorOverheadBytes;
                if (saved <= 0) continue;
                result.Add(new LutCompressionSpec(subgraph.Index, t.Index, bits));
                savedInTotal += saved;
                any = true;
            }
            // TFLM refuses a subgraph entry without tensors, so nothing past a subgraph with none can be compressed.
            if (!any) break;
        }
        return savedInTotal > MetadataOverheadBytes ? result : [];
    }

    /// <summary>
    /// What a compressed tensor adds to the file besides its indices and tables, about: a buffer entry, the tables'
    /// alignment to 16 bytes and its LutTensor entry.
    /// </summary>
    private const int TensorOverheadBytes = 48;

    /// <summary>What the COMPRESSION_METADATA entry costs once, about: its name, metadata table, buffer and FlatBuffer.</summary>
    private const int MetadataOverheadBytes = 128;

    private static bool IsCandidate(Model model, Subgraph subgraph, ModelTensor t)
    {
        if (!t.IsConstant || t.IsVariable || t.IsSparse || t.Shape.Length == 0 || !Decodable(t.Type)) return false;
        if (subgraph.Outputs.Contains(t.Index) || subgraph.Inputs.Contains(t.Index)) return false;
        bool read = false;
        foreach (ModelOperator op in subgraph.Operators)
        {
            if (!op.Inputs.Contains(t.Index)) continue;
            if (op.Code.IsCustom || !TflmKernels.Contains(op.Code.BuiltinCode)) return false;
            read = true;
        }
        return read && SharingTensor(model, t, subgraph.Index, _ => false) is null;
    }

    private static bool Decodable(TensorType type)
        => type is TensorType.Bool or TensorType.Float32 or TensorType.Int8 or TensorType.Int16 or TensorType.Int32 or TensorType.Int64;

    /// <summary>Another tensor reading the same buffer, other than those <paramref name="alsoCompressed"/> accepts; null when none.</summary>
    private static string? SharingTensor(Model model, ModelTensor tensor, int subgraph, Func<(int, int), bool> alsoCompressed)
    {
        foreach (Subgraph s in model.Subgraphs)
            foreach (ModelTensor other in s.Tensors)
                if (other.IsConstant && other.BufferIndex == tensor.BufferIndex && (s.Index, other.Index) != (subgraph, tensor.Index)
                    && !alsoCompressed((s.Index, other.Index)))
                    return $"subgraph {s.Index}, tensor {other.Index} '{other.Name}'";
        return null;
    }

    /// <summary>How values map to tables: one table, or one per channel along the first or last dimension.</summary>
    private sealed record ChannelLayout(int Count, bool LastAxis, int PerChannel)
    {
        public int Of(int element) => Count == 1 ? 0 : LastAxis ? element % Count : element / PerChannel;
    }

    /// <summary>The tables TFLM will read the tensor with (decided by its quantization); null when TFLM cannot read it compressed.</summary>
    private static ChannelLayout? Channels(ModelTensor t, Action<string>? fail)
    {
        QuantizationParameters q = t.Quantization;
        int count = (int)t.ElementCount;
        if (q.Scales.Length <= 1) return new ChannelLayout(1, false, count);
        int axis = q.QuantizedDimension;
        if ((axis != 0 && axis != t.Shape.Length - 1) || t.Shape[axis] != q.Scales.Length)
        {
            fail?.Invoke($"it is quantized per channel along dimension {axis} ({q.Scales.Length} scales, shape [{string.Join(",", t.Shape.ToArray())}]); " +
                         "TFLM reads per-channel tables only along the first or last dimension");
            return null;
        }
        return new ChannelLayout(q.Scales.Length, axis != 0, count / q.Scales.Length);
    }

    /// <summary>
    /// The fewest index bits that hold every table exactly (at least 1; possibly more than 7, which no table can have), or
    /// -1 when TFLM cannot read the tensor compressed.
    /// </summary>
    internal static int LosslessBitWidth(ModelTensor t) => Channels(t, null) is { } channels ? LosslessBitWidth(t, channels) : -1;

    private static int LosslessBitWidth(ModelTensor t, ChannelLayout channels)
    {
        double[] values = Values(t);
        var sets = new HashSet<double>[channels.Count];
        for (int c = 0; c < sets.Length; c++) sets[c] = [];
        for (int i = 0; i < values.Length; i++) sets[channels.Of(i)].Add(values[i]);
        return Math.Max(1, (int)Math.Ceiling(Math.Log2(sets.Max(s => s.Count))));
    }

    private sealed record TensorPlan(byte[] Encoded, byte[] Tables, CompressedTensorReport Report);

    private static TensorPlan Plan(Model model, LutCompressionSpec spec, HashSet<(int, int)> chosen)
    {
        string where = $"subgraph {spec.Subgraph}, tensor {spec.Tensor}";
        if (spec.Subgraph < 0 || spec.Subgraph >= model.Subgraphs.Count)
            throw new ArgumentException($"{where}: the model has {model.Subgraphs.Count} subgraph(s)");
        ModelList<ModelTensor> tensors = model.Subgraphs[spec.Subgraph].Tensors;
        if (spec.Tensor < 0 || spec.Tensor >= tensors.Count)
            throw new ArgumentException($"{where}: subgraph {spec.Subgraph} has {tensors.Count} tensors");
        ModelTensor t = tensors[spec.Tensor];
        where += $" '{t.Name}'";
        void Fail(string problem) => throw new ArgumentException($"{where}: {problem}");
        if (spec.BitWidth is < 1 or > LutLayout.MaxBitWidth) Fail($"bit width {spec.BitWidth} is outside 1..{LutLayout.MaxBitWidth}");
        if (!t.IsConstant || t.IsVariable) Fail("only constants can be compressed");
        if (!Decodable(t.Type)) Fail($"{TensorTypes.GetName(t.Type)} tensors cannot be LUT-compressed (BOOL, FLOAT32, INT8, INT16, INT32, INT64 can)");
        if (t.Shape.Length == 0) Fail("scalars cannot be LUT-compressed");
        if (SharingTensor(model, t, spec.Subgraph, chosen.Contains) is { } other)
            Fail($"its buffer is shared with {other}, which keeps the data, so compressing saves nothing (compress both)");
        ChannelLayout channels = Channels(t, Fail)!;
        if (spec.PerChannel is bool perChannel && perChannel != channels.Count > 1)
            Fail(perChannel
                ? "it is quantized per tensor, and TFLM reads one value table for such a tensor"
                : $"it is quantized per channel ({channels.Count} channels), and TFLM reads one value table per channel for such a tensor");

        double[] values = Values(t);
        int tableSize = 1 << spec.BitWidth;
        int elementSize = TensorTypes.ElementSize(t.Type);
        var tables = new byte[channels.Count * tableSize * elementSize];
        var indices = new int[values.Length];
        int distinct = 0;
        bool lossless = true;
        double maxError = 0, errorSum = 0;
        var members = new List<int>[channels.Count];
        for (int c = 0; c < members.Length; c++) members[c] = [];
        for (int i = 0; i < values.Length; i++) members[channels.Of(i)].Add(i);
        for (int c = 0; c < channels.Count; c++)
        {
            double[] channelValues = [.. members[c].Select(i => values[i])];
            int levels = channelValues.Distinct().Count();
            distinct = Math.Max(distinct, levels);
            lossless &= levels <= tableSize;
            double[] centroids = Representable(t.Type, ValueClustering.Centroids(channelValues, tableSize));
            for (int k = 0; k < centroids.Length; k++)
                WriteValue(t.Type, centroids[k], tables.AsSpan((c * tableSize + k) * elementSize, elementSize));
            double scale = t.Quantization.Scales.Length > 1 ? t.Quantization.Scales[c] : t.Quantization.Scales.Length == 1 ? t.Quantization.Scale : 1;
            foreach (int i in members[c])
            {
                int index = ValueClustering.Nearest(centroids, values[i]);
                indices[i] = index;
                double error = Math.Abs(centroids[index] - values[i]) * scale;
                maxError = Math.Max(maxError, error);
                errorSum += error;
            }
        }
        byte[] encoded = Pack(indices, spec.BitWidth);
        var report = new CompressedTensorReport(spec.Subgraph, spec.Tensor, t.Name, t.Type, spec.BitWidth, channels.Count,
            channels.LastAxis && channels.Count > 1, distinct, lossless, t.Data.Length, encoded.Length, tables.Length,
            maxError, values.Length == 0 ? 0 : errorSum / values.Length);
        return new TensorPlan(encoded, tables, report);
    }

    /// <summary>Centroids as the tensor's type can hold them: integers rounded (half away from zero), floats to float32; repeats merged.</summary>
    private static double[] Representable(TensorType type, double[] centroids)
    {
        IEnumerable<double> rounded = type == TensorType.Float32
            ? centroids.Select(c => (double)(float)c)
            : centroids.Select(c => Math.Round(c, MidpointRounding.AwayFromZero));
        return [.. rounded.Distinct().Order()];
    }

    /// <summary>The tensor's values as doubles (exact for every decodable type within ±2^53).</summary>
    private static double[] Values(ModelTensor t)
    {
        ReadOnlySpan<byte> data = t.Data.Span;
        int count = (int)t.ElementCount;
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            // Every arm converted to double itself: the arms' common type would otherwise be float.
            values[i] = t.Type switch
            {
                TensorType.Int8 => (double)(sbyte)data[i],
                TensorType.Bool => data[i] != 0 ? 1.0 : 0.0,
                TensorType.Int16 => (double)BinaryPrimitives.ReadInt16LittleEndian(data.Slice(2 * i)),
                TensorType.Int32 => (double)BinaryPrimitives.ReadInt32LittleEndian(data.Slice(4 * i)),
                TensorType.Float32 => (double)BinaryPrimitives.ReadSingleLittleEndian(data.Slice(4 * i)),
                _ => (double)BinaryPrimitives.ReadInt64LittleEndian(data.Slice(8 * i)),
            };
            if (!double.IsFinite(values[i]) || Math.Abs(values[i]) > 1L << 53)
                throw new ArgumentException($"tensor {t.Index} '{t.Name}': element {i} ({values[i]}) cannot be clustered (not finite, or beyond 2^53)");
        }
        return values;
    }

    private static void WriteValue(TensorType type, double value, Span<byte> to)
    {
        switch (type)
        {
            case TensorType.Int8: to[0] = unchecked((byte)(sbyte)value); break;
            case TensorType.Bool: to[0] = value != 0 ? (byte)1 : (byte)0; break;
            case TensorType.Int16: BinaryPrimitives.WriteInt16LittleEndian(to, (short)value); break;
            case TensorType.Int32: BinaryPrimitives.WriteInt32LittleEndian(to, (int)value); break;
            case TensorType.Float32: BinaryPrimitives.WriteSingleLittleEndian(to, (float)value); break;
            default: BinaryPrimitives.WriteInt64LittleEndian(to, (long)value); break;
        }
    }

    /// <summary>Indices packed most significant bit first, the last byte padded with zero bits.</summary>
    internal static byte[] Pack(ReadOnlySpan<int> indices, int bitWidth)
    {
        var packed = new byte[((long)indices.Length * bitWidth + 7) / 8];
        int at = 0, held = 0;
        uint pending = 0;
        foreach (int index in indices)
        {
            pending = pending << bitWidth | (uint)index;
            held += bitWidth;
            while (held >= 8)
            {
                held -= 8;
                packed[at++] = (byte)(pending >> held);
            }
        }
        if (held > 0) packed[at] = (byte)(pending << (8 - held));
        return packed;
    }
}
