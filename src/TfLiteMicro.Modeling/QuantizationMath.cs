namespace TfLiteMicro.Modeling;

/// <summary>How TFLite's converter chooses int8 quantization parameters.</summary>
public static class QuantizationMath
{
    /// <summary>
    /// Asymmetric int8 parameters for a calibrated range: the range is widened to include 0, the scale spreads it
    /// over [-128, 127], and the zero point is the integer nearest to where 0 falls (taken from whichever end of the
    /// range gives the smaller error, then rounded and clamped), so that 0 is exactly representable.
    /// </summary>
    public static (float Scale, int ZeroPoint) AsymmetricInt8(float min, float max)
    {
        if (float.IsNaN(min) || float.IsNaN(max) || min > max) throw new ArgumentException($"invalid range [{min}, {max}]");
        double rmin = Math.Min(min, 0.0);
        double rmax = Math.Max(max, 0.0);
        const double qmin = -128, qmax = 127;
        if (rmin == rmax) return (1f, 0);
        double scale = (rmax - rmin) / (qmax - qmin);
        double fromMin = qmin - rmin / scale;
        double fromMax = qmax - rmax / scale;
        double fromMinError = Math.Abs(qmin) + Math.Abs(rmin / scale);
        double fromMaxError = Math.Abs(qmax) + Math.Abs(rmax / scale);
        double zeroPoint = fromMinError < fromMaxError ? fromMin : fromMax;
        int nudged = zeroPoint < qmin ? (int)qmin : zeroPoint > qmax ? (int)qmax : (int)Math.Round(zeroPoint, MidpointRounding.AwayFromZero);
        return ((float)scale, nudged);
    }

    /// <summary>Symmetric int8 scale over the narrow range [-127, 127] for values up to <paramref name="maxAbs"/> in magnitude (1 when all are 0).</summary>
    public static float SymmetricInt8Scale(float maxAbs)
    {
        if (float.IsNaN(maxAbs) || maxAbs < 0) throw new ArgumentException($"invalid magnitude {maxAbs}", nameof(maxAbs));
        return maxAbs == 0 ? 1f : (float)(maxAbs / 127.0);
    }

    /// <summary>round(value / scale) + zeroPoint (half away from zero), clamped to int8.</summary>
    public static sbyte QuantizeInt8(float value, float scale, int zeroPoint)
    {
        double q = Math.Round(value / (double)scale, MidpointRounding.AwayFromZero) + zeroPoint;
        return (sbyte)Math.Clamp(q, -128, 127);
    }

    /// <summary>A weight quantized symmetrically: round(value / scale) clamped to [-127, 127].</summary>
    public static sbyte QuantizeWeight(float value, float scale)
    {
        double q = Math.Round(value / (double)scale, MidpointRounding.AwayFromZero);
        return (sbyte)Math.Clamp(q, -127, 127);
    }

    /// <summary>The bias scale: input scale × weight scale, computed in double and stored as float.</summary>
    public static float BiasScale(float inputScale, float weightScale) => (float)((double)inputScale * weightScale);

    /// <summary>A bias quantized to int32 with zero point 0: round(value / scale), clamped to int32.</summary>
    public static int QuantizeBias(float value, float scale)
    {
        double q = Math.Round(value / (double)scale, MidpointRounding.AwayFromZero);
        return (int)Math.Clamp(q, int.MinValue, int.MaxValue);
    }

    /// <summary>scale × (q − zeroPoint).</summary>
    public static float Dequantize(int q, float scale, int zeroPoint) => scale * (q - zeroPoint);
}
