namespace TfLiteMicro;

/// <summary>
/// Affine quantization of a tensor: real = scale * (q - zero_point), per tensor or per channel. Read from a model it is
/// a view: the scales and zero points are spans over the model's bytes. Built with the constructor (to write a model)
/// it holds the arrays given.
/// </summary>
public readonly struct QuantizationParameters
{
    // A Model (with _table the QuantizationParameters table's position), the arrays given to the constructor, or null.
    private readonly object? _source;
    private readonly int _table;

    /// <summary>Quantization parameters for a model being written; the arrays are kept, not copied.</summary>
    public QuantizationParameters(float[] scales, long[] zeroPoints, int quantizedDimension, float[]? min = null, float[]? max = null)
    {
        ArgumentNullException.ThrowIfNull(scales);
        ArgumentNullException.ThrowIfNull(zeroPoints);
        _source = new Values(scales, zeroPoints, quantizedDimension, min ?? [], max ?? []);
        _table = 0;
    }

    private QuantizationParameters(Model model, int table)
    {
        _source = model;
        _table = table;
    }

    /// <summary>One scale for per-tensor quantization, one per channel along <see cref="QuantizedDimension"/> otherwise.</summary>
    public ReadOnlySpan<float> Scales => _source switch
    {
        Model model => model.Floats(model.Table(_table).GetVector(2, 4)),
        Values values => values.Scales,
        _ => default,
    };

    /// <summary>The zero points, one per scale; empty when the model omits them (they are then all zero).</summary>
    public ReadOnlySpan<long> ZeroPoints => _source switch
    {
        Model model => model.Int64s(model.Table(_table).GetVector(3, 8)),
        Values values => values.ZeroPoints,
        _ => default,
    };

    /// <summary>The dimension the per-channel scales run along.</summary>
    public int QuantizedDimension => _source switch
    {
        Model model => model.Table(_table).GetInt32(6),
        Values values => values.QuantizedDimension,
        _ => 0,
    };

    /// <summary>Calibration minimums kept by the converter for re-import; not used for inference.</summary>
    public ReadOnlySpan<float> Min => _source switch
    {
        Model model => model.Floats(model.Table(_table).GetVector(0, 4)),
        Values values => values.Min,
        _ => default,
    };

    /// <summary>Calibration maximums kept by the converter for re-import; not used for inference.</summary>
    public ReadOnlySpan<float> Max => _source switch
    {
        Model model => model.Floats(model.Table(_table).GetVector(1, 4)),
        Values values => values.Max,
        _ => default,
    };

    /// <summary>True when the tensor has at least one scale (quantized).</summary>
    public bool IsQuantized => Scales.Length > 0;

    /// <summary>The first (or only) scale; 0 when not quantized.</summary>
    public float Scale => Scales is { Length: > 0 } scales ? scales[0] : 0f;

    /// <summary>The first (or only) zero point; 0 when not quantized or when the model omits zero points.</summary>
    public int ZeroPoint => ZeroPoints is { Length: > 0 } zeroPoints ? (int)zeroPoints[0] : 0;

    /// <summary>
    /// The view of a QuantizationParameters table; none when the table is absent or holds no scale, zero point
    /// or range, as TFLite treats it.
    /// </summary>
    internal static QuantizationParameters Read(Model model, FlatTable table)
    {
        if (!table.IsPresent) return default;
        bool empty = table.GetVector(0, 4).Length == 0 && table.GetVector(1, 4).Length == 0
            && table.GetVector(2, 4).Length == 0 && table.GetVector(3, 8).Length == 0;
        return empty ? default : new QuantizationParameters(model, table.Position);
    }

    private sealed class Values(float[] scales, long[] zeroPoints, int quantizedDimension, float[] min, float[] max)
    {
        public float[] Scales { get; } = scales;
        public long[] ZeroPoints { get; } = zeroPoints;
        public int QuantizedDimension { get; } = quantizedDimension;
        public float[] Min { get; } = min;
        public float[] Max { get; } = max;
    }
}
