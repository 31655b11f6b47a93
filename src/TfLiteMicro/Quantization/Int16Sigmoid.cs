namespace TfLiteMicro.Quantization;

/// <summary>
/// The int16 logistic and tanh of TFLite's integer LSTM: <see cref="LookupTables.Sigmoid"/> (sigmoid(i/24) in unsigned
/// Q0.16) read with linear interpolation on the input's absolute value (tanh(x) = 2 sigmoid(2x) - 1 shares the table),
/// over whole spans, with the input scaling TFLite's reference integer kernels apply.
/// </summary>
internal static class Int16Sigmoid
{
    // Copied once from the shared table: reading that property builds its span on every access.
    private static readonly ushort[] s_table = LookupTables.Sigmoid.ToArray();

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
        ReadOnlySpan<ushort> table = s_table;
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
        ReadOnlySpan<ushort> table = s_table;
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
