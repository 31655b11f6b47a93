using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The element-wise part of the integer LSTM cell (everything after the gate products), computed once in Prepare:
/// the requantization of the cell update and of the hidden output, the quantized cell clip and the input scaling of the
/// int16 tanh of the cell state.
/// </summary>
internal readonly record struct LstmCellParameters(
    int ForgetMultiplier, int ForgetShift, int InputMultiplier, int InputShift, bool Clipped, short CellClip,
    int HiddenMultiplier, int HiddenShift, int HiddenZeroPoint, int HiddenMin, int HiddenMax,
    int TanhMultiplier, int TanhShift);

/// <summary>
/// The LSTM cell's element-wise arithmetic: the reference functions here (one element at a time, TFLM's order of
/// operations), their vector forms over the same parameters in <c>LstmArithmetic.Simd.cs</c>, which finish the elements
/// a vector does not cover with these.
/// </summary>
internal static partial class LstmArithmetic
{
    /// <summary>a * b requantized and clamped to int16 (the cell update's two products).</summary>
    public static short MultiplyToInt16(short a, short b, int multiplier, int shift)
        => (short)Math.Clamp(FixedPoint.MultiplyByQuantizedMultiplier(a * b, multiplier, shift), short.MinValue, short.MaxValue);

    /// <summary>One gate product's sum requantized to Q3.12 and clamped to int16 (int8 activations: 32-bit wrapping sum).</summary>
    public static short RequantizeGate(int sum, int multiplier, int shift)
        => (short)Math.Clamp(FixedPoint.MultiplyByQuantizedMultiplier(sum, multiplier, shift), short.MinValue, short.MaxValue);

    /// <summary>The saturating int16 sum of a gate's input and recurrent parts.</summary>
    public static short SaturatingAdd(short a, short b) => (short)Math.Clamp(a + b, short.MinValue, short.MaxValue);

    /// <summary>The new cell state: forget * cell + input * cellGate, each product requantized, saturated and clipped.</summary>
    public static short UpdateCell(in LstmCellParameters p, short forget, short cell, short input, short cellGate)
    {
        short kept = MultiplyToInt16(forget, cell, p.ForgetMultiplier, p.ForgetShift);
        short added = MultiplyToInt16(input, cellGate, p.InputMultiplier, p.InputShift);
        short c = SaturatingAdd(kept, added);
        return p.Clipped ? Math.Max(Math.Min(p.CellClip, c), (short)-p.CellClip) : c;
    }

    /// <summary>The hidden output before its narrowing: tanh(cell) * output gate requantized to the hidden scale, clamped.</summary>
    public static int Hidden(in LstmCellParameters p, short tanhCell, short outputGate)
        => Math.Clamp(p.HiddenZeroPoint + FixedPoint.MultiplyByQuantizedMultiplier(tanhCell * outputGate, p.HiddenMultiplier, p.HiddenShift),
            p.HiddenMin, p.HiddenMax);

    /// <summary>The reference loops: the cell update over a step's elements.</summary>
    public static void UpdateCell(in LstmCellParameters p, ReadOnlySpan<short> forget, ReadOnlySpan<short> input, ReadOnlySpan<short> cellGate, Span<short> cell)
    {
        for (int i = 0; i < cell.Length; i++) cell[i] = UpdateCell(p, forget[i], cell[i], input[i], cellGate[i]);
    }

    /// <summary>The reference loop of the hidden output (written as <typeparamref name="TAct"/>, int8 or int16).</summary>
    public static void Hidden<TAct>(in LstmCellParameters p, ReadOnlySpan<short> tanhCell, ReadOnlySpan<short> outputGate, Span<TAct> hidden)
        where TAct : unmanaged
    {
        for (int i = 0; i < hidden.Length; i++) hidden[i] = Scalar.Truncate<TAct>(Hidden(p, tanhCell[i], outputGate[i]));
    }

    /// <summary>TFLite's reference float logistic: exact at the extremes, 1/(1+e^-x) between.</summary>
    public static float Sigmoid(float x)
    {
        if (x > 16.619047164916992188f) return 1f;
        if (x < -9f) return MathF.Exp(x);
        return 1f / (1f + MathF.Exp(-x));
    }

    /// <summary>The float cell update: forget * cell + input * cellGate, clipped when <paramref name="clip"/> &gt; 0.</summary>
    public static float UpdateCell(float forget, float cell, float input, float cellGate, float clip)
    {
        float c = forget * cell + input * cellGate;
        return clip > 0f ? MathF.Max(MathF.Min(clip, c), -clip) : c;
    }
}
