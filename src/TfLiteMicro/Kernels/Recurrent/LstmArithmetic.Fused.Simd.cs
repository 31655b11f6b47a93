using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

// The int8 LSTM with every time step one pass: the four gates' input and recurrent products of a block of units accumulate
// in eight vectors of unit lanes (no horizontal sums), and the gate requantization, activations, cell update and hidden
// output follow on those lanes before they leave registers. The weights are arranged for it once per Invoke on the stack
// (the arena stays the reference's), with the zero-point terms and biases folded into the accumulators' starting values.
internal static partial class LstmArithmetic
{
    /// <summary>Whether the fused int8 step applies (AVX2 or AVX-VNNI, the cell's requantizations exact in vectors; the caller
    /// checks the gates').</summary>
    public static bool CanFuseInt8(SimdLevel level, in FusedLstmLayout layout, in LstmCellParameters p)
        => (layout.Vnni ? level >= SimdLevel.AvxVnni && AvxVnni.IsSupported : level >= SimdLevel.Avx2) && CanVectorize(level, p) && layout.Fits;

    /// <summary>Whether the fused step may use AVX-VNNI's groups of four bytes at <paramref name="level"/>.</summary>
    public static bool FusedUsesVnni(SimdLevel level) => level >= SimdLevel.AvxVnni && AvxVnni.IsSupported;

    /// <summary>One group of activations (broadcast to every lane) times each lane's group of weights, added to the lanes.</summary>
    private interface IGroupStep
    {
        /// <summary>Adds the products of <paramref name="group"/> and the panel at <paramref name="panel"/> to the lanes.</summary>
        static abstract Vector256<int> Apply(Vector256<int> acc, Vector256<int> group, ref byte panel);

        /// <summary>A group whose activations are all 1: its products sum each lane's weights.</summary>
        static abstract int Ones { get; }

        /// <summary>The packed form of an int8 activation with its zero-point offset.</summary>
        static abstract void Pack(sbyte value, int offset, ref byte destination);

        /// <summary>What the accumulators must add per unit of a row's weight sum to give the products with the offset.</summary>
        static abstract int Correction(int offset);

        /// <summary>Packs <paramref name="count"/> activations (most of them in vectors).</summary>
        static abstract void PackRow(ref sbyte source, int count, int offset, ref byte destination);

        /// <summary>Stores eight hidden values (int8 range, in lanes) packed for the next step's groups.</summary>
        static abstract void StoreHidden(Vector256<int> hidden, int offset, ref byte destination);
    }

    /// <summary>AVX-VNNI: four unsigned bytes x + 128 times four signed weights (vpdpbusd, exact, wrapping in 32 bits).</summary>
    private struct QuadStep : IGroupStep
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Apply(Vector256<int> acc, Vector256<int> group, ref byte panel)
            => AvxVnni.MultiplyWideningAndAdd(acc, group.AsByte(), Vector256.LoadUnsafe(ref panel).AsSByte());

        public static int Ones => 0x01010101;

        public static void Pack(sbyte value, int offset, ref byte destination) => destination = (byte)(value + 128);

        // sum w (x + offset) = sum w (x + 128) + (offset - 128) sum w.
        public static int Correction(int offset) => offset - 128;

        public static void PackRow(ref sbyte source, int count, int offset, ref byte destination)
        {
            int i = 0;
            for (; i + 32 <= count; i += 32)
                (Vector256.LoadUnsafe(ref Unsafe.As<sbyte, byte>(ref source), (nuint)i) ^ Vector256.Create((byte)0x80)).StoreUnsafe(ref destination, (nuint)i);
            for (; i < count; i++) Pack(Unsafe.Add(ref source, i), offset, ref Unsafe.Add(ref destination, i));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreHidden(Vector256<int> hidden, int offset, ref byte destination)
        {
            Vector128<short> words = Sse2.PackSignedSaturate(hidden.GetLower(), hidden.GetUpper()) + Vector128.Create((short)128);
            Unsafe.WriteUnaligned(ref destination, Sse2.PackUnsignedSaturate(words, words).AsInt64().ToScalar());
        }
    }

    /// <summary>AVX2: two int16 activations x - zero point times two weights widened to int16 (vpmaddwd, exact).</summary>
    private struct PairStep : IGroupStep
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Apply(Vector256<int> acc, Vector256<int> group, ref byte panel)
            => acc + Avx2.MultiplyAddAdjacent(group.AsInt16(), Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref panel).AsSByte()));

        public static int Ones => 0x00010001;

        public static void Pack(sbyte value, int offset, ref byte destination) => Unsafe.WriteUnaligned(ref destination, (short)(value + offset));

        public static int Correction(int offset) => 0;

        public static void PackRow(ref sbyte source, int count, int offset, ref byte destination)
        {
            int i = 0;
            Vector256<short> shift = Vector256.Create((short)offset);
            for (; i + 16 <= count; i += 16)
                (Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref source, (nuint)i)) + shift).StoreUnsafe(ref Unsafe.As<byte, short>(ref destination), (nuint)i);
            for (; i < count; i++) Pack(Unsafe.Add(ref source, i), offset, ref Unsafe.Add(ref destination, 2 * i));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreHidden(Vector256<int> hidden, int offset, ref byte destination)
            => Sse2.PackSignedSaturate((hidden + Vector256.Create(offset)).GetLower(), (hidden + Vector256.Create(offset)).GetUpper())
                .StoreUnsafe(ref Unsafe.As<byte, short>(ref destination));
    }

    /// <summary>
    /// Arranges one gate's weights (input side [units, inputSize], recurrent side [units, units]) into
    /// <paramref name="arranged"/> (<see cref="FusedLstmLayout.ArrangedBytes"/>, cleared by the caller: units and activations
    /// past the ends keep zero weights) and writes its bias into <paramref name="constants"/>.
    /// </summary>
    public static void ArrangeFusedGate(in FusedLstmLayout layout, int gate, ReadOnlySpan<sbyte> inputWeights, ReadOnlySpan<sbyte> recurrentWeights,
        ReadOnlySpan<int> bias, Span<byte> arranged, Span<int> constants)
    {
        int units = layout.Units;
        if ((uint)gate >= 4 || inputWeights.Length < units * layout.InputSize || recurrentWeights.Length < units * units || bias.Length < units
            || arranged.Length < layout.ArrangedBytes || constants.Length < layout.ConstantInts)
            throw new ArgumentException("fused LSTM operands are too short");
        ArrangeSide(layout, gate, inputWeights, layout.InputSize, 0, arranged);
        ArrangeSide(layout, gate, recurrentWeights, units, layout.InputGroups, arranged);
        for (int u = 0; u < units; u++)
            constants[(u / FusedLstmLayout.BlockUnits * 8 + gate) * FusedLstmLayout.BlockUnits + u % FusedLstmLayout.BlockUnits] = bias[u];
    }

    // Every index stays below the sizes ArrangeFusedGate checked: a unit's row within the weights, its groups within the arrangement.
    private static void ArrangeSide(in FusedLstmLayout layout, int gate, ReadOnlySpan<sbyte> weights, int depth, int firstGroup, Span<byte> arranged)
    {
        int e = layout.GroupElements, panel = layout.PanelBytes, fullGroups = depth / e;
        // A group's stride within a block: four gates' panels.
        int groupStride = 4 * panel;
        ref byte source = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(weights));
        ref byte target = ref MemoryMarshal.GetReference(arranged);
        for (int u = 0; u < layout.Units; u++)
        {
            int block = u / FusedLstmLayout.BlockUnits, lane = u % FusedLstmLayout.BlockUnits;
            ref byte to = ref Unsafe.Add(ref target, ((block * layout.Groups + firstGroup) * 4 + gate) * panel + lane * e);
            ref byte from = ref Unsafe.Add(ref source, u * depth);
            int q = 0;
            if (e == 4)
                for (; q < fullGroups; q++) Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, q * groupStride), Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref from, 4 * q)));
            else
                for (; q < fullGroups; q++) Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, q * groupStride), Unsafe.ReadUnaligned<short>(ref Unsafe.Add(ref from, 2 * q)));
            for (int d = q * e; d < depth; d++) Unsafe.Add(ref to, q * groupStride + d - q * e) = Unsafe.Add(ref from, d);
        }
    }

    /// <summary>The int8 LSTM over all steps and batches, fused (see <see cref="FusedLstmLayout"/>).</summary>
    [SkipLocalsInit] // every buffer is written before it is read (the arranged weights are cleared explicitly)
    public static void RunFusedInt8(in FusedLstmLayout layout, Span<byte> arranged, Span<int> constants, bool timeMajor,
        int inputOffset, int hiddenOffset, ReadOnlySpan<int> inputMultipliers, ReadOnlySpan<int> inputShifts,
        ReadOnlySpan<int> recurrentMultipliers, ReadOnlySpan<int> recurrentShifts, in LstmCellParameters p,
        ReadOnlySpan<sbyte> input, Span<sbyte> hidden, Span<short> cell, Span<sbyte> output)
    {
        if (layout.Vnni) RunFused<QuadStep>(layout, arranged, constants, timeMajor, inputOffset, hiddenOffset, inputMultipliers, inputShifts,
            recurrentMultipliers, recurrentShifts, p, input, hidden, cell, output);
        else RunFused<PairStep>(layout, arranged, constants, timeMajor, inputOffset, hiddenOffset, inputMultipliers, inputShifts,
            recurrentMultipliers, recurrentShifts, p, input, hidden, cell, output);
    }

    [SkipLocalsInit]
    private static unsafe void RunFused<TStep>(in FusedLstmLayout layout, Span<byte> arranged, Span<int> constants, bool timeMajor,
        int inputOffset, int hiddenOffset, ReadOnlySpan<int> inputMultipliers, ReadOnlySpan<int> inputShifts,
        ReadOnlySpan<int> recurrentMultipliers, ReadOnlySpan<int> recurrentShifts, in LstmCellParameters p,
        ReadOnlySpan<sbyte> input, Span<sbyte> hidden, Span<short> cell, Span<sbyte> output) where TStep : struct, IGroupStep
    {
        const int B = FusedLstmLayout.BlockUnits;
        int batches = layout.Batches, steps = layout.Steps, units = layout.Units, blocks = layout.Blocks, depth = layout.InputSize;
        int rows = batches * steps;
        if (arranged.Length < layout.ArrangedBytes || constants.Length < layout.ConstantInts || input.Length < rows * depth
            || output.Length < rows * units || hidden.Length < batches * units || cell.Length < batches * units
            || inputMultipliers.Length < 4 || inputShifts.Length < 4 || recurrentMultipliers.Length < 4 || recurrentShifts.Length < 4)
            throw new ArgumentException("fused LSTM operands are too short");
        if (rows == 0) return;

        // The folded terms: with unsigned activations each unit's weight sum times (offset - 128).
        FoldCorrection<TStep>(layout, arranged, constants, TStep.Correction(inputOffset), 0, layout.InputGroups, 0);
        FoldCorrection<TStep>(layout, arranged, constants, TStep.Correction(hiddenOffset), layout.InputGroups, layout.HiddenGroups, 4);

        // States of every batch row: the cell in int32 lanes, the hidden state packed for the groups in two slots (a step
        // reads one and writes the other, so no block overwrites what a later block of the same step still reads).
        int hiddenRow = layout.HiddenRowBytes;
        Span<int> cellState = stackalloc int[batches * blocks * B];
        Span<byte> hiddenState = stackalloc byte[2 * batches * hiddenRow];
        Span<sbyte> lastBlock = stackalloc sbyte[B];
        Span<byte> chunk = stackalloc byte[layout.ChunkBytes];
        cellState.Clear();
        hiddenState.Clear();
        for (int b = 0; b < batches; b++)
            for (int u = 0; u < units; u++)
            {
                cellState[b * blocks * B + u] = cell[b * units + u];
                TStep.Pack(hidden[b * units + u], hiddenOffset, ref hiddenState[2 * b * hiddenRow + u * layout.ElementBytes]);
            }
        chunk.Slice(chunk.Length - FusedLstmLayout.RowPadBytes).Clear();

        var inputScale = new Requantizers(inputMultipliers, inputShifts);
        var recurrentScale = new Requantizers(recurrentMultipliers, recurrentShifts);
        var kept = new Requantizer(p.ForgetMultiplier, p.ForgetShift);
        var added = new Requantizer(p.InputMultiplier, p.InputShift);
        var hiddenScale = new Requantizer(p.HiddenMultiplier, p.HiddenShift);
        var clip = new CellClipLanes(p);
        var range = new HiddenRange(p);
        var gateInput = new ActivationInput(0, 0);
        var cellInput = new ActivationInput(p.TanhMultiplier, p.TanhShift);

        int groups = layout.Groups, panel = layout.PanelBytes, inputGroups = layout.InputGroups, hiddenGroups = layout.HiddenGroups;
        int chunkRows = layout.ChunkRows, rowBytes = layout.InputRowBytes;
        ref byte w0 = ref MemoryMarshal.GetReference(arranged);
        ref int k0 = ref MemoryMarshal.GetReference(constants);
        fixed (ushort* table = LookupTables.Sigmoid)
        {
            for (int first = 0; first < rows; first += chunkRows)
            {
                int count = Math.Min(chunkRows, rows - first);
                TStep.PackRow(ref MemoryMarshal.GetReference(input.Slice(first * depth, count * depth)), count * depth, inputOffset,
                    ref MemoryMarshal.GetReference(chunk));
                // The pad after the last row: its partial group reads past the row into zero weights, never past the buffer.
                chunk.Slice(count * rowBytes, FusedLstmLayout.RowPadBytes).Clear();
                for (int r = first; r < first + count; r++)
                {
                    // Input rows are in storage order: time-major [time, batch], batch-major [batch, time]; output rows alike.
                    int b = timeMajor ? r % batches : r / steps;
                    int slot = (timeMajor ? r / batches : r % steps) & 1;
                    ref byte x = ref chunk[(r - first) * rowBytes];
                    ref byte h = ref hiddenState[(2 * b + slot) * hiddenRow];
                    ref byte next = ref hiddenState[(2 * b + 1 - slot) * hiddenRow];
                    Span<sbyte> outputRow = output.Slice(r * units, units);
                    ref int c = ref cellState[b * blocks * B];
                    for (int j = 0; j < blocks; j++)
                    {
                        ref byte w = ref Unsafe.Add(ref w0, j * groups * 4 * panel);
                        ref int k = ref Unsafe.Add(ref k0, j * 8 * B);
                        Vector256<int> x0 = Vector256.LoadUnsafe(ref k), x1 = Vector256.LoadUnsafe(ref k, B);
                        Vector256<int> x2 = Vector256.LoadUnsafe(ref k, 2 * B), x3 = Vector256.LoadUnsafe(ref k, 3 * B);
                        Vector256<int> h0 = Vector256.LoadUnsafe(ref k, 4 * B), h1 = Vector256.LoadUnsafe(ref k, 5 * B);
                        Vector256<int> h2 = Vector256.LoadUnsafe(ref k, 6 * B), h3 = Vector256.LoadUnsafe(ref k, 7 * B);
                        Accumulate<TStep>(ref x, inputGroups, ref w, panel, ref x0, ref x1, ref x2, ref x3);
                        Accumulate<TStep>(ref h, hiddenGroups, ref Unsafe.Add(ref w, inputGroups * 4 * panel), panel, ref h0, ref h1, ref h2, ref h3);

                        // Gates in TFLM's order: forget, input, cell, output.
                        Vector256<int> forget = Squash(GateLanes(x0, inputScale.Forget, h0, recurrentScale.Forget), gateInput, table, tanh: false);
                        Vector256<int> inputGate = Squash(GateLanes(x1, inputScale.Input, h1, recurrentScale.Input), gateInput, table, tanh: false);
                        Vector256<int> cellGate = Squash(GateLanes(x2, inputScale.Cell, h2, recurrentScale.Cell), gateInput, table, tanh: true);
                        Vector256<int> outputGate = Squash(GateLanes(x3, inputScale.Output, h3, recurrentScale.Output), gateInput, table, tanh: false);
                        ref int cj = ref Unsafe.Add(ref c, j * B);
                        Vector256<int> newCell = CellLanes(forget, Vector256.LoadUnsafe(ref cj), inputGate, cellGate, kept, added, clip);
                        newCell.StoreUnsafe(ref cj);
                        Vector256<int> value = HiddenLanes(Squash(newCell, cellInput, table, tanh: true), outputGate, hiddenScale, range);
                        TStep.StoreHidden(value, hiddenOffset, ref Unsafe.Add(ref next, j * B * layout.ElementBytes));
                        Vector128<short> words = Sse2.PackSignedSaturate(value.GetLower(), value.GetUpper());
                        long bytes = Sse2.PackSignedSaturate(words, words).AsInt64().ToScalar();
                        // Whole blocks go straight into the output row; the last block's units through a copy.
                        if (j * B + B <= units) Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref outputRow[j * B]), bytes);
                        else
                        {
                            Unsafe.WriteUnaligned(ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(lastBlock)), bytes);
                            for (int u = j * B; u < units; u++) outputRow[u] = lastBlock[u - j * B];
                        }
                    }
                }
            }
        }

        // The states after the last step: the hidden state is each batch row's last output.
        for (int b = 0; b < batches; b++)
        {
            int last = timeMajor ? (steps - 1) * batches + b : b * steps + steps - 1;
            output.Slice(last * units, units).CopyTo(hidden.Slice(b * units, units));
            for (int u = 0; u < units; u++) cell[b * units + u] = (short)cellState[b * blocks * B + u];
        }
    }

    /// <summary>
    /// The four gates' products of one side for one block: each group of packed activations broadcast and multiplied with
    /// the four gates' panels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<TStep>(ref byte activations, int groups, ref byte w, int panel,
        ref Vector256<int> a0, ref Vector256<int> a1, ref Vector256<int> a2, ref Vector256<int> a3) where TStep : struct, IGroupStep
    {
        Vector256<int> s0 = a0, s1 = a1, s2 = a2, s3 = a3;
        for (int q = 0; q < groups; q++)
        {
            Vector256<int> g = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref activations, 4 * q)));
            s0 = TStep.Apply(s0, g, ref w);
            s1 = TStep.Apply(s1, g, ref Unsafe.Add(ref w, panel));
            s2 = TStep.Apply(s2, g, ref Unsafe.Add(ref w, 2 * panel));
            s3 = TStep.Apply(s3, g, ref Unsafe.Add(ref w, 3 * panel));
            w = ref Unsafe.Add(ref w, 4 * panel);
        }
        a0 = s0;
        a1 = s1;
        a2 = s2;
        a3 = s3;
    }

    /// <summary>An activation of gate or cell lanes, its int16 result sign-extended in the lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<int> Squash(Vector256<int> x, in ActivationInput scale, ushort* table, bool tanh)
        => ToInt16Lanes(ActivationLanes(scale.Apply(x), table, tanh));

    /// <summary>Adds factor × each unit's weight sum over <paramref name="count"/> groups to the constants of one side.</summary>
    private static void FoldCorrection<TStep>(in FusedLstmLayout layout, Span<byte> arranged, Span<int> constants, int factor, int firstGroup,
        int count, int firstConstant) where TStep : struct, IGroupStep
    {
        if (factor == 0) return;
        const int B = FusedLstmLayout.BlockUnits;
        Vector256<int> ones = Vector256.Create(TStep.Ones), scale = Vector256.Create(factor);
        int panel = layout.PanelBytes;
        for (int j = 0; j < layout.Blocks; j++)
            for (int g = 0; g < 4; g++)
            {
                Vector256<int> sum = Vector256<int>.Zero;
                for (int q = 0; q < count; q++)
                    sum = TStep.Apply(sum, ones, ref arranged[((j * layout.Groups + firstGroup + q) * 4 + g) * panel]);
                ref int k = ref constants[(j * 8 + firstConstant + g) * B];
                (Vector256.LoadUnsafe(ref k) + sum * scale).StoreUnsafe(ref k);
            }
    }

    /// <summary>The four gates' requantizers of one side of the products.</summary>
    private readonly struct Requantizers(ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts)
    {
        public readonly Requantizer Forget = new(multipliers[0], shifts[0]), Input = new(multipliers[1], shifts[1]);
        public readonly Requantizer Cell = new(multipliers[2], shifts[2]), Output = new(multipliers[3], shifts[3]);
    }
}
