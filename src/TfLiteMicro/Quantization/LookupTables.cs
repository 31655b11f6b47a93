using System.Runtime.CompilerServices;

namespace TfLiteMicro.Quantization;

/// <summary>
/// Lookup tables as TFLite builds and reads them: a 256-entry int8 table indexed by the input byte, a 513-entry
/// int16 table read with linear interpolation over the low 7 bits, and the fixed sigmoid table of the int16
/// logistic and tanh kernels.
/// </summary>
internal static class LookupTables
{
    /// <summary>Entries of an int16 table: 512 segments and one closing value for the last slope.</summary>
    public const int Int16Size = 513;

    /// <summary>
    /// Fills a 256-entry int8 table: entry (byte)q holds quantize(transform(dequantize(q))), computed in float as TFLite does.
    /// </summary>
    public static void PopulateInt8(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint,
        Func<float, float> transform, Span<sbyte> table)
    {
        if (table.Length < 256) throw new ArgumentException("an int8 table needs 256 entries", nameof(table));
        float inverseScale = 1 / outputScale;
        for (int value = sbyte.MinValue; value <= sbyte.MaxValue; value++)
        {
            float dequantized = inputScale * (value - inputZeroPoint);
            float transformed = transform(dequantized);
            float rescaled = FixedPoint.Round(transformed * inverseScale);
            int quantized = (int)(rescaled + outputZeroPoint);
            table[(byte)(sbyte)value] = (sbyte)Math.Clamp(quantized, sbyte.MinValue, sbyte.MaxValue);
        }
    }

    /// <summary>Reads an int8 table built by <see cref="PopulateInt8"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static sbyte Lookup(sbyte value, ReadOnlySpan<sbyte> table) => table[(byte)value];

    /// <summary>Maps every int8 value through a table built by <see cref="PopulateInt8"/>.</summary>
    public static void Apply(ReadOnlySpan<sbyte> input, Span<sbyte> output, ReadOnlySpan<sbyte> table)
    {
        int n = Math.Min(input.Length, output.Length);
        for (int i = 0; i < n; i++) output[i] = table[(byte)input[i]];
    }

    /// <summary>
    /// Fills a 513-entry int16 table sampling transform over the whole int16 input range, each entry biased so that
    /// interpolation halfway along a segment is as close as possible to the function there (TFLite's LUTPopulate).
    /// </summary>
    public static void PopulateInt16(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint,
        Func<float, float> transform, Span<short> table)
    {
        if (table.Length < Int16Size) throw new ArgumentException($"an int16 table needs {Int16Size} entries", nameof(table));
        float inputMin = inputScale * (short.MinValue - inputZeroPoint);
        float inputMax = inputScale * (short.MaxValue - inputZeroPoint);
        float outputMin = outputScale * (short.MinValue - outputZeroPoint);
        float outputMax = outputScale * (short.MaxValue - outputZeroPoint);

        const int steps = 512;
        float step = (inputMax - inputMin) / steps;
        float halfStep = step / 2;
        float outputScalingInverse = 65536f / (outputMax - outputMin);
        const float tableMin = short.MinValue;
        const float tableMax = short.MaxValue;

        for (int i = 0; i < steps; i++)
        {
            float value = transform(inputMin + i * step);
            float midpointValue = transform(inputMin + i * step + halfStep);
            float nextValue = transform(inputMin + (i + 1) * step);

            float sample = FixedPoint.Round(value * outputScalingInverse);
            float midpointInterpolated = FixedPoint.Round((nextValue * outputScalingInverse + FixedPoint.Round(value * outputScalingInverse)) / 2);
            float midpoint = FixedPoint.Round(midpointValue * outputScalingInverse);
            float midpointError = midpointInterpolated - midpoint;
            float bias = FixedPoint.Round(midpointError / 2);
            table[i] = (short)Math.Min(Math.Max(sample - bias, tableMin), tableMax);
        }
        table[steps] = (short)Math.Min(Math.Max(FixedPoint.Round(transform(inputMax) * outputScalingInverse), tableMin), tableMax);
    }

    /// <summary>Reads an int16 table built by <see cref="PopulateInt16"/>: the high 9 bits pick a segment, the low 7 interpolate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static short Lookup(short value, ReadOnlySpan<short> table)
    {
        int index = 256 + (value >> 7);
        int offset = value & 0x7F;
        int baseValue = table[index];
        int slope = table[index + 1] - table[index];
        int delta = (slope * offset + 64) >> 7;
        return unchecked((short)(baseValue + delta));
    }

    /// <summary>
    /// sigmoid(x) for x = i / 24 in unsigned Q0.16, i in [0, 256): the fixed table behind the int16 logistic and tanh
    /// (tanh(x) = 2 sigmoid(2x) - 1). The values are TFLite's, which differ from plain rounding in the last bit.
    /// </summary>
    public static ReadOnlySpan<ushort> Sigmoid => s_sigmoid;

    private static readonly ushort[] s_sigmoid =
    [
        32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
        43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
        51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
        57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
        61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
        63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
        64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
        64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
        65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
        65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
        65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
        65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
        65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
        65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
        65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
        65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
    ];
}
