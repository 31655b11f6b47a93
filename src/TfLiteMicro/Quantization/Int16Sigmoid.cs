namespace TfLiteMicro.Quantization;

/// <summary>
/// The int16 logistic and tanh TFLite's integer kernels use: a 256-entry table of sigmoid(i/24) in unsigned Q0.16,
/// read with linear interpolation on the input's absolute value (tanh(x) = 2 sigmoid(2x) - 1 shares the table).
/// The table's values are TFLite's own, so results match its kernels to the bit.
/// </summary>
public static class Int16Sigmoid
{
    private static ReadOnlySpan<ushort> Table =>
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

    /// <summary>
    /// Logistic of Q3.12 values (after scaling by <paramref name="inputMultiplier"/> and <paramref name="inputLeftShift"/>,
    /// where a zero multiplier means a power-of-two input scale) to Q0.15.
    /// </summary>
    public static void Logistic(ReadOnlySpan<short> input, Span<short> output, int inputMultiplier = 0, int inputLeftShift = 0)
    {
        if (inputMultiplier == 0)
        {
            inputMultiplier = 3 << inputLeftShift;
            inputLeftShift = 0;
        }
        int round = inputLeftShift > 0 ? 1 << (inputLeftShift - 1) : 0;
        ReadOnlySpan<ushort> table = Table;
        for (int i = 0; i < input.Length; i++)
        {
            int x = (input[i] * inputMultiplier + round) >> inputLeftShift;
            uint magnitude = (uint)Math.Abs((long)x);
            uint high = magnitude >> 9;
            uint result;
            if (high >= 255)
            {
                result = 0x7FFFu << 10;
            }
            else
            {
                uint a = table[(int)high];
                uint b = table[(int)high + 1];
                result = unchecked((a << 9) + (magnitude & 0x1FF) * (b - a));
            }
            result = x >= 0 ? result + (1u << 9) : unchecked((1u << 25) - result + (1u << 9) - 1);
            output[i] = unchecked((short)(result >> 10));
        }
    }

    /// <summary>Tanh of int16 values scaled as for <see cref="Logistic"/>, to Q0.15.</summary>
    public static void Tanh(ReadOnlySpan<short> input, Span<short> output, int inputMultiplier, int inputLeftShift)
    {
        if (inputMultiplier == 0)
        {
            inputMultiplier = 3 << inputLeftShift;
            inputLeftShift = 0;
        }
        int round = inputLeftShift > 0 ? 1 << (inputLeftShift - 1) : 0;
        ReadOnlySpan<ushort> table = Table;
        for (int i = 0; i < input.Length; i++)
        {
            int x = (input[i] * inputMultiplier + round) >> inputLeftShift;
            uint magnitude = (uint)Math.Abs((long)x);
            uint high = magnitude >> 8;
            int result;
            if (high >= 255)
            {
                result = 0xFFFF << 8;
            }
            else
            {
                uint a = table[(int)high];
                uint b = table[(int)high + 1];
                result = unchecked((int)((a << 8) + (magnitude & 0xFF) * (b - a)));
            }
            result = x >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
            output[i] = unchecked((short)(result >> 8));
        }
    }
}
