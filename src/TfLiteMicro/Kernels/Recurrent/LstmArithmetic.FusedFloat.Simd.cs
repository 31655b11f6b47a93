using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

// The float LSTM with every time step one pass, as the int8 fused step: a block of eight units in float lanes, the four
// gates' input and recurrent products accumulated by multiply-adds of one broadcast activation and each lane's weight, then
// the activations, the cell update and the hidden output on the same lanes. The weights are arranged per Invoke on the stack.
internal static partial class LstmArithmetic
{
    /// <summary>Whether the fused float step applies (vector exponentials, AVX2, the arrangement within the stack bound).</summary>
    public static bool CanFuseFloat(SimdLevel level, in FusedFloatLstmLayout layout) => CanVectorizeFloat(level) && layout.Fits;

#if NET9_0_OR_GREATER
    /// <summary>
    /// Arranges one gate's weights (input side [units, inputSize], recurrent side [units, units]) and bias into
    /// <paramref name="arranged"/> (<see cref="FusedFloatLstmLayout.ArrangedFloats"/>); the lanes past the last unit get zeros.
    /// </summary>
    public static void ArrangeFusedFloatGate(in FusedFloatLstmLayout layout, int gate, ReadOnlySpan<float> inputWeights,
        ReadOnlySpan<float> recurrentWeights, ReadOnlySpan<float> bias, Span<float> arranged)
    {
        const int B = FusedFloatLstmLayout.BlockUnits, P = FusedFloatLstmLayout.PanelFloats;
        int units = layout.Units, inputSize = layout.InputSize, blockFloats = layout.BlockFloats;
        if ((uint)gate >= 4 || inputWeights.Length < units * inputSize || recurrentWeights.Length < units * units || bias.Length < units
            || arranged.Length < layout.ArrangedFloats)
            throw new ArgumentException("fused LSTM operands are too short");
        ref float target = ref MemoryMarshal.GetReference(arranged);
        ref float wx = ref MemoryMarshal.GetReference(inputWeights), wh = ref MemoryMarshal.GetReference(recurrentWeights);
        int depth = 1 + inputSize + units;
        for (int u = 0; u < layout.Blocks * B; u++)
        {
            // The unit's lane of this gate in its block's first panel (the biases); each further activation is one panel on.
            ref float to = ref Unsafe.Add(ref target, u / B * blockFloats + gate * B + u % B);
            if (u >= units)
            {
                for (int k = 0; k < depth; k++) Unsafe.Add(ref to, k * P) = 0f;
                continue;
            }
            to = bias[u];
            ref float fromX = ref Unsafe.Add(ref wx, u * inputSize);
            for (int k = 0; k < inputSize; k++) Unsafe.Add(ref to, (1 + k) * P) = Unsafe.Add(ref fromX, k);
            ref float fromH = ref Unsafe.Add(ref wh, u * units);
            ref float toH = ref Unsafe.Add(ref to, (1 + inputSize) * P);
            for (int k = 0; k < units; k++) Unsafe.Add(ref toH, k * P) = Unsafe.Add(ref fromH, k);
        }
    }

    /// <summary>
    /// The float LSTM over all steps and batches, fused (see <see cref="FusedFloatLstmLayout"/>): each step reads its batch
    /// row's hidden state from the previous output row (the state itself at the first step) and writes the new one into its
    /// own output row; the cell state stays on the stack in whole blocks until the end.
    /// </summary>
    [SkipLocalsInit] // the cell blocks are cleared, the last block's lanes written before they are read
    public static void RunFusedFloat(in FusedFloatLstmLayout layout, ReadOnlySpan<float> arranged, bool timeMajor, float clip,
        ReadOnlySpan<float> input, Span<float> hidden, Span<float> cell, Span<float> output)
    {
        const int B = FusedFloatLstmLayout.BlockUnits, P = FusedFloatLstmLayout.PanelFloats;
        int batches = layout.Batches, steps = layout.Steps, units = layout.Units, blocks = layout.Blocks, inputSize = layout.InputSize;
        int rows = batches * steps, blockFloats = layout.BlockFloats;
        if (arranged.Length < layout.ArrangedFloats || input.Length < rows * inputSize || output.Length < rows * units
            || hidden.Length < batches * units || cell.Length < batches * units)
            throw new ArgumentException("fused LSTM operands are too short");
        if (rows == 0) return;

        Span<float> cellState = stackalloc float[layout.CellFloats];
        Span<float> lastBlock = stackalloc float[B];
        cellState.Clear();
        for (int b = 0; b < batches; b++) cell.Slice(b * units, units).CopyTo(cellState.Slice(b * blocks * B));

        Vector256<float> high = Vector256.Create(clip), low = Vector256.Create(-clip);
        ref float w0 = ref MemoryMarshal.GetReference(arranged);
        ref float x0 = ref MemoryMarshal.GetReference(input);
        ref float out0 = ref MemoryMarshal.GetReference(output);
        for (int r = 0; r < rows; r++)
        {
            // Rows in storage order: time-major [time, batch], batch-major [batch, time].
            int b = timeMajor ? r % batches : r / steps;
            bool first = (timeMajor ? r / batches : r % steps) == 0;
            ref float x = ref Unsafe.Add(ref x0, r * inputSize);
            ref float h = ref first ? ref hidden[b * units] : ref Unsafe.Add(ref out0, (timeMajor ? r - batches : r - 1) * units);
            ref float c = ref cellState[b * blocks * B];
            ref float outputRow = ref Unsafe.Add(ref out0, r * units);
            for (int j = 0; j < blocks; j++)
            {
                ref float w = ref Unsafe.Add(ref w0, j * blockFloats);
                Vector256<float> a0 = Vector256.LoadUnsafe(ref w), a1 = Vector256.LoadUnsafe(ref w, B);
                Vector256<float> a2 = Vector256.LoadUnsafe(ref w, 2 * B), a3 = Vector256.LoadUnsafe(ref w, 3 * B);
                AccumulateFloat(ref x, inputSize, ref Unsafe.Add(ref w, P), ref a0, ref a1, ref a2, ref a3);
                AccumulateFloat(ref h, units, ref Unsafe.Add(ref w, (1 + inputSize) * P), ref a0, ref a1, ref a2, ref a3);

                // Gates in TFLM's order: forget, input, cell, output.
                ref float cj = ref Unsafe.Add(ref c, j * B);
                Vector256<float> newCell = MultiplyAdd(Sigmoid(a0), Vector256.LoadUnsafe(ref cj), Sigmoid(a1) * Tanh(a2));
                // maxps/minps return their second operand when either is NaN: this order passes a NaN on, as MathF.Max/Min do.
                if (clip > 0f) newCell = Avx.Max(low, Avx.Min(high, newCell));
                newCell.StoreUnsafe(ref cj);
                Vector256<float> value = Tanh(newCell) * Sigmoid(a3);
                if (j * B + B <= units)
                {
                    value.StoreUnsafe(ref outputRow, (nuint)(j * B));
                }
                else
                {
                    value.StoreUnsafe(ref MemoryMarshal.GetReference(lastBlock));
                    for (int u = j * B; u < units; u++) Unsafe.Add(ref outputRow, u) = lastBlock[u - j * B];
                }
            }
        }

        // The states after the last step: the hidden state is each batch row's last output.
        for (int b = 0; b < batches; b++)
        {
            int last = timeMajor ? (steps - 1) * batches + b : b * steps + steps - 1;
            output.Slice(last * units, units).CopyTo(hidden.Slice(b * units, units));
            cellState.Slice(b * blocks * B, units).CopyTo(cell.Slice(b * units, units));
        }
    }

    /// <summary>a * b + c, fused where the processor has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c)
        => Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    /// <summary>
    /// The four gates' products of one side for one block: each activation broadcast and multiplied with the four gates'
    /// panels. Even and odd activations accumulate apart (twice the independent chains), added at the end.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateFloat(ref float activations, int count, ref float w,
        ref Vector256<float> a0, ref Vector256<float> a1, ref Vector256<float> a2, ref Vector256<float> a3)
    {
        const int B = FusedFloatLstmLayout.BlockUnits, P = FusedFloatLstmLayout.PanelFloats;
        Vector256<float> s0 = a0, s1 = a1, s2 = a2, s3 = a3;
        Vector256<float> t0 = Vector256<float>.Zero, t1 = t0, t2 = t0, t3 = t0;
        int k = 0;
        for (; k + 2 <= count; k += 2)
        {
            Vector256<float> v = Vector256.Create(Unsafe.Add(ref activations, k));
            Vector256<float> u = Vector256.Create(Unsafe.Add(ref activations, k + 1));
            s0 = MultiplyAdd(v, Vector256.LoadUnsafe(ref w), s0);
            s1 = MultiplyAdd(v, Vector256.LoadUnsafe(ref w, B), s1);
            s2 = MultiplyAdd(v, Vector256.LoadUnsafe(ref w, 2 * B), s2);
            s3 = MultiplyAdd(v, Vector256.LoadUnsafe(ref w, 3 * B), s3);
            t0 = MultiplyAdd(u, Vector256.LoadUnsafe(ref w, P), t0);
            t1 = MultiplyAdd(u, Vector256.LoadUnsafe(ref w, P + B), t1);
            t2 = MultiplyAdd(u, Vector256.LoadUnsafe(ref w, P + 2 * B), t2);
            t3 = MultiplyAdd(u, Vector256.LoadUnsafe(ref w, P + 3 * B), t3);
            w = ref Unsafe.Add(ref w, 2 * P);
        }
        if (k < count)
        {
            Vector256<float> v = Vector256.Create(Unsafe.Add(ref activations, k));
            s0 = MultiplyAdd(v, Vector256.LoadUnsafe(ref w), s0);
            s1 = MultiplyAdd(v, Vector256.LoadUnsafe(ref w, B), s1);
            s2 = MultiplyAdd(v, Vector256.LoadUnsafe(ref w, 2 * B), s2);
            s3 = MultiplyAdd(v, Vector256.LoadUnsafe(ref w, 3 * B), s3);
        }
        a0 = s0 + t0;
        a1 = s1 + t1;
        a2 = s2 + t2;
        a3 = s3 + t3;
    }
#else
    public static void ArrangeFusedFloatGate(in FusedFloatLstmLayout layout, int gate, ReadOnlySpan<float> inputWeights,
        ReadOnlySpan<float> recurrentWeights, ReadOnlySpan<float> bias, Span<float> arranged) => throw ReferenceOnlyFloat();

    public static void RunFusedFloat(in FusedFloatLstmLayout layout, ReadOnlySpan<float> arranged, bool timeMajor, float clip,
        ReadOnlySpan<float> input, Span<float> hidden, Span<float> cell, Span<float> output) => throw ReferenceOnlyFloat();
#endif
}
