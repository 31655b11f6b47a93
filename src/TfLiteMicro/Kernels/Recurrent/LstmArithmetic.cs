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
/// The shape of the fused int8 LSTM step (<c>LstmArithmetic.RunFusedInt8</c>): units in blocks of eight 32-bit
/// lanes, the activations of each time step in groups of four bytes that one broadcast gives every lane, the four gates'
/// weights arranged so that each lane (unit) of a block multiplies its own group of weights. With AVX-VNNI a group is four
/// activations shifted to unsigned bytes (x + 128, vpdpbusd); with AVX2 two activations as int16 (x - zero point,
/// vpmaddwd).
/// </summary>
internal readonly struct FusedLstmLayout
{
    /// <summary>Units per block: one 256-bit vector of int32 lanes.</summary>
    public const int BlockUnits = 8;

    /// <summary>Packed activations read past a row's last group (zero weights meet them).</summary>
    public const int RowPadBytes = 4;

    /// <summary>Bytes of packed input rows kept at once; longer inputs are packed in chunks of rows.</summary>
    public const int InputChunkBytes = 2048;

    /// <summary>Largest stack the fused step takes (arranged weights, constants, states, packed rows); larger LSTMs run unfused.</summary>
    public const int MaxStackBytes = 32 * 1024;

    public readonly bool Vnni;
    public readonly int Batches, Steps, InputSize, Units, Blocks, InputGroups, HiddenGroups;

    public FusedLstmLayout(bool vnni, int batches, int steps, int inputSize, int units)
    {
        Vnni = vnni;
        Batches = batches;
        Steps = steps;
        InputSize = inputSize;
        Units = units;
        Blocks = (units + BlockUnits - 1) / BlockUnits;
        InputGroups = (inputSize + GroupElements - 1) / GroupElements;
        HiddenGroups = (units + GroupElements - 1) / GroupElements;
    }

    /// <summary>Activations in one 4-byte group (and weight bytes per unit per group).</summary>
    public int GroupElements => Vnni ? 4 : 2;

    /// <summary>Bytes of one packed activation.</summary>
    public int ElementBytes => Vnni ? 1 : 2;

    /// <summary>One gate's weights of one group for one block of units.</summary>
    public int PanelBytes => BlockUnits * GroupElements;

    public int Groups => InputGroups + HiddenGroups;

    public int ArrangedBytes => Blocks * Groups * 4 * PanelBytes;

    /// <summary>Per block, the eight accumulators' starting values (four gates' input side, then recurrent side).</summary>
    public int ConstantInts => Blocks * 8 * BlockUnits;

    /// <summary>A packed hidden row: whole blocks, so each block's lanes store without a bound.</summary>
    public int HiddenRowBytes => Blocks * BlockUnits * ElementBytes;

    public int InputRowBytes => InputSize * ElementBytes;

    /// <summary>Whole input rows packed at once.</summary>
    public int ChunkRows => Math.Max(1, InputChunkBytes / InputRowBytes);

    public int ChunkBytes => ChunkRows * InputRowBytes + RowPadBytes;

    /// <summary>Every stack byte of one Invoke, in 64 bits (the caller checks it against <see cref="MaxStackBytes"/>).</summary>
    public long StackBytes
        => ArrangedBytes + 4L * ConstantInts + (long)Batches * (Blocks * BlockUnits * 4 + 2 * HiddenRowBytes) + BlockUnits + ChunkBytes;

    public bool Fits => InputSize > 0 && Units > 0 && InputRowBytes <= InputChunkBytes && StackBytes <= MaxStackBytes;
}

/// <summary>
/// The shape of the fused float LSTM step (<c>LstmArithmetic.RunFusedFloat</c>): units in blocks of eight float lanes;
/// per block the four gates' biases, then for every input element and every hidden element the four gates' weights of the
/// block's eight units, so that one broadcast activation meets each lane's own weight.
/// </summary>
internal readonly struct FusedFloatLstmLayout
{
    /// <summary>Units per block: one 256-bit vector of float lanes.</summary>
    public const int BlockUnits = 8;

    /// <summary>The floats of one activation's (or the biases') four gate panels in a block.</summary>
    public const int PanelFloats = 4 * BlockUnits;

    public readonly int Batches, Steps, InputSize, Units, Blocks;

    public FusedFloatLstmLayout(int batches, int steps, int inputSize, int units)
    {
        Batches = batches;
        Steps = steps;
        InputSize = inputSize;
        Units = units;
        Blocks = (units + BlockUnits - 1) / BlockUnits;
    }

    /// <summary>The floats of one block: the biases' panel, then one panel per input element and per hidden element.</summary>
    public int BlockFloats => (1 + InputSize + Units) * PanelFloats;

    public int ArrangedFloats => Blocks * BlockFloats;

    /// <summary>The cell state of every batch row in whole blocks.</summary>
    public int CellFloats => Batches * Blocks * BlockUnits;

    /// <summary>Every stack byte of one Invoke, in 64 bits.</summary>
    public long StackBytes => 4L * ((long)Blocks * (1L + InputSize + Units) * PanelFloats + (long)Batches * Blocks * BlockUnits + BlockUnits);

    public bool Fits => InputSize > 0 && Units > 0 && StackBytes <= FusedLstmLayout.MaxStackBytes;
}

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

    /// <summary>One gate product's exact sum requantized to Q3.12 and clamped to int16 (int16 activations: 64-bit sum and bias).</summary>
    public static short RequantizeGate(long sum, int multiplier, int shift)
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
