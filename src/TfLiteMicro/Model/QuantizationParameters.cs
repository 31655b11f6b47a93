namespace TfLiteMicro;

/// <summary>Affine quantization of a tensor: real = scale * (q - zero_point), per tensor or per channel.</summary>
public sealed class QuantizationParameters
{
    public QuantizationParameters(float[] scales, long[] zeroPoints, int quantizedDimension, float[]? min = null, float[]? max = null)
    {
        Scales = scales;
        ZeroPoints = zeroPoints;
        QuantizedDimension = quantizedDimension;
        Min = min ?? [];
        Max = max ?? [];
    }

    /// <summary>One scale for per-tensor quantization, one per channel along <see cref="QuantizedDimension"/> otherwise.</summary>
    public IReadOnlyList<float> Scales { get; }

    public IReadOnlyList<long> ZeroPoints { get; }

    public int QuantizedDimension { get; }

    /// <summary>Calibration ranges kept by the converter for re-import; not used for inference.</summary>
    public IReadOnlyList<float> Min { get; }

    public IReadOnlyList<float> Max { get; }

    /// <summary>True when the tensor has at least one scale (quantized).</summary>
    public bool IsQuantized => Scales.Count > 0;

    /// <summary>The first (or only) scale; 0 when not quantized.</summary>
    public float Scale => Scales.Count > 0 ? Scales[0] : 0f;

    /// <summary>The first (or only) zero point; 0 when not quantized.</summary>
    public int ZeroPoint => ZeroPoints.Count > 0 ? (int)ZeroPoints[0] : 0;

    internal static readonly QuantizationParameters None = new([], [], 0);
}
