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
        => Apply<LogisticCurve>(input, output, inputMultiplier, inputLeftShift);

    /// <summary>Tanh of int16 values scaled as for <see cref="Logistic"/>, to Q0.15.</summary>
    public static void Tanh(ReadOnlySpan<short> input, Span<short> output, int inputMultiplier, int inputLeftShift)
        => Apply<TanhCurve>(input, output, inputMultiplier, inputLeftShift);

    /// <summary>The input scaling both curves share, then the curve of each scaled value's sign and magnitude.</summary>
    private static void Apply<TCurve>(ReadOnlySpan<short> input, Span<short> output, int inputMultiplier, int inputLeftShift)
        where TCurve : struct, ICurve
    {
        if (inputMultiplier == 0)
        {
            inputMultiplier = 3 << inputLeftShift;
            inputLeftShift = 0;
        }
        int round = inputLeftShift > 0 ? 1 << (inputLeftShift - 1) : 0;
        ReadOnlySpan<ushort> table = s_table;
        TCurve curve = default;
        for (int i = 0; i < input.Length; i++)
        {
            int x = (input[i] * inputMultiplier + round) >> inputLeftShift;
            output[i] = curve.Of(x >= 0, (uint)Math.Abs((long)x), table);
        }
    }

    /// <summary>
    /// The table read at <paramref name="magnitude"/> with <paramref name="fractionBits"/> bits between entries, linearly
    /// interpolated (wrapping as TFLite's unsigned arithmetic does); false past the table's last segment.
    /// </summary>
    private static bool Interpolate(ReadOnlySpan<ushort> table, uint magnitude, int fractionBits, out uint value)
    {
        uint high = magnitude >> fractionBits;
        if (high >= 255)
        {
            value = 0;
            return false;
        }
        uint a = table[(int)high];
        uint b = table[(int)high + 1];
        value = unchecked((a << fractionBits) + (magnitude & ((1u << fractionBits) - 1)) * (b - a));
        return true;
    }

    private interface ICurve
    {
        short Of(bool nonNegative, uint magnitude, ReadOnlySpan<ushort> table);
    }

    /// <summary>sigmoid(x) = 1 - sigmoid(-x): the table at the magnitude, mirrored for negative inputs.</summary>
    private readonly struct LogisticCurve : ICurve
    {
        public short Of(bool nonNegative, uint magnitude, ReadOnlySpan<ushort> table)
        {
            uint result = Interpolate(table, magnitude, 9, out uint value) ? value : 0x7FFFu << 10;
            result = nonNegative ? result + (1u << 9) : unchecked((1u << 25) - result + (1u << 9) - 1);
            return unchecked((short)(result >> 10));
        }
    }

    /// <summary>tanh(x) = 2 sigmoid(2x) - 1: the table at twice the resolution, shifted to be centred on zero.</summary>
    private readonly struct TanhCurve : ICurve
    {
        public short Of(bool nonNegative, uint magnitude, ReadOnlySpan<ushort> table)
        {
            int result = Interpolate(table, magnitude, 8, out uint value) ? unchecked((int)value) : 0xFFFF << 8;
            result = nonNegative ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
            return unchecked((short)(result >> 8));
        }
    }
}
