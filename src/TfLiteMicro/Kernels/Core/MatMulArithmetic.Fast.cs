using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The fast paths of the matrix products over the same <see cref="MatMulParameters"/> as the reference, giving the same
/// bytes. They keep nothing between calls: no folded bias or weight row sums in the persistent part (see <see cref="FastInt8"/>).
/// </summary>
internal static partial class MatMulArithmetic
{
    /// <summary>Output channels whose 64-bit sums are kept on the stack at once by the 16-bit form of <see cref="FastInt8"/>.</summary>
    private const int WideSumsChunk = 256;

    /// <summary>
    /// Zero points up to these magnitudes keep every int16 reference product and sum exact in <see cref="FastInt16"/>:
    /// (w + wo) * (x + io) is at most 384 * 98304 &lt; 2^31, and a sum of fewer than 2^31 such terms fits in 64 bits.
    /// </summary>
    public const int MaxInt16InputOffset = 1 << 16, MaxInt16WeightsOffset = 1 << 8;

    /// <summary>Bytes of activation row <see cref="FastInt8"/> needs (as unsigned bytes and as 16-bit values).</summary>
    public static int Int8RowBytes(in MatMulParameters p) => Math.Max(p.AccumDepth + 32, 2 * p.AccumDepth);

    /// <summary>
    /// The weights' row sums folded with the bias, for the 8-bit dot products at any input zero point:
    /// sum w (x + InputOffset) = sum w (x + 128) + (InputOffset - 128) sum w, so initial[o] = (InputOffset - 128) * rowSum[o]
    /// + bias[o]. The reference's int8 sum is an int32 that wraps, and addition and multiplication modulo 2^32 do not depend
    /// on grouping, so the folded int32 gives the reference's sum for any depth (|rowSum| &lt;= 128 * depth and
    /// |InputOffset - 128| &lt;= 255 bound the unwrapped term by 2^15 * depth, which no int32 bound is needed for).
    /// </summary>
    public static int[] FoldedBias(in MatMulParameters p, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> bias)
    {
        int[] folded = Int8Dot.RowSums(weights, p.AccumDepth, p.OutputDepth);
        for (int o = 0; o < folded.Length; o++)
            folded[o] = unchecked((p.InputOffset - 128) * folded[o] + (bias.IsEmpty ? 0 : bias[o]));
        return folded;
    }

    /// <summary>
    /// Fewest activation rows the int8 products (<see cref="Int8Product"/>, <see cref="Int8Sums"/>) send through the GEMM core
    /// when it arranges the weights in the call: arranging and summing a block's panel costs about as much as a row of dot
    /// products, so two or three rows are faster as dot products. Weights arranged once take the core from two rows on. A
    /// single row always stays on the dot products, where a block of four rows would waste three quarters of its work.
    /// </summary>
    public const int GemmMinRows = 4;

    /// <summary>Largest GEMM scratch (one block's panel) a kernel keeps on the stack in Invoke rather than in the arena.</summary>
    public const int GemmStackBytes = 32 * 1024;

    /// <summary>Rows of one GEMM run when each row adds a term of its own (the weights zero point's), kept on the stack.</summary>
    private const int GemmRowChunk = 256;

    /// <summary>The product as the GEMM core sees it: Batches rows of AccumDepth values, OutputDepth channels.</summary>
    public static Int8GemmShape GemmShape(in MatMulParameters p) => Int8GemmShape.Rows(p.Batches, p.AccumDepth, p.OutputDepth);

    /// <summary>
    /// The one rule of the int8 products for taking the GEMM core: at least <see cref="GemmMinRows"/> rows (two with the
    /// weights arranged once), the core available at <paramref name="level"/> for the depth (a multiple of four), and either
    /// the weights arranged once (<paramref name="arranged"/>) or one block's panel within <paramref name="scratchBytes"/>.
    /// </summary>
    public static bool UsesGemm(SimdLevel level, in Int8GemmShape rows, bool arranged, int scratchBytes)
        => rows.Pixels >= (arranged ? 2 : GemmMinRows) && Int8Gemm.Applies(level, rows)
           && (arranged || Int8Gemm.ScratchBytes(level, rows, arranged: false) <= scratchBytes);

    /// <summary>Whether <see cref="Int8Product"/> takes the GEMM core: <see cref="UsesGemm(SimdLevel, in Int8GemmShape, bool, int)"/> and vector requantization.</summary>
    public static bool UsesGemm(SimdLevel level, in MatMulParameters p, bool vectorRequantization, bool arranged, int scratchBytes)
        => vectorRequantization && UsesGemm(level, GemmShape(p), arranged, scratchBytes);

    /// <summary>Bytes of every block's panel when a kernel arranges the weights once (<see cref="ArrangeWeights"/>).</summary>
    public static long ArrangedBytes(SimdLevel level, in MatMulParameters p) => Int8Gemm.ArrangedBytes(level, GemmShape(p));

    /// <summary>Arranges the weights once for <see cref="Int8Product"/> (into <see cref="ArrangedBytes"/> bytes).</summary>
    public static void ArrangeWeights(SimdLevel level, in MatMulParameters p, ReadOnlySpan<sbyte> weights, Span<byte> destination)
        => Int8Gemm.ArrangeAll(level, weights, GemmShape(p), destination);

    /// <summary>
    /// The one entry of int8 x int8 matrix products (FULLY_CONNECTED, BATCH_MATMUL): the same bytes as
    /// <see cref="ReferenceInt8"/>. Several activation rows (<see cref="UsesGemm(SimdLevel, in MatMulParameters, bool, bool, int)"/>) go through <see cref="Int8Gemm"/>'s
    /// register-blocked micro-kernels, four rows by sixteen output channels at a time, the weights arranged per block in
    /// this call or once beforehand (<paramref name="arranged"/>, <see cref="ArrangeWeights"/>); a single row stays on the
    /// dot products (<see cref="FastInt8"/>), where a block of four rows would waste three quarters of its work. In the
    /// GEMM the input offset enters as (InputOffset - 128) * sum w, the row sums formed from each block's panel (or already
    /// in <paramref name="foldedBias"/>), and the weights offset as WeightsOffset * sum (x + InputOffset) per row, so nothing
    /// is kept between calls. <paramref name="scratch"/> serves as the GEMM's panel or the dot products' row
    /// (<see cref="Int8RowBytes"/>); <paramref name="sums"/> holds OutputDepth values for the dot products.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // the row terms are written before they are read
    public static void Int8Product(SimdLevel level, in MatMulParameters p, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<byte> arranged, ReadOnlySpan<int> bias, ReadOnlySpan<int> foldedBias, scoped in Int8Requantizer requantizer,
        Span<byte> scratch, Span<int> sums, Span<sbyte> output)
    {
        if (!UsesGemm(level, p, requantizer.Vectorized, !arranged.IsEmpty, scratch.Length))
        {
            FastInt8(level, p, input, weights, bias, foldedBias, requantizer, scratch, sums, output);
            return;
        }
        int depth = p.AccumDepth, outputs = p.OutputDepth;
        ReadOnlySpan<int> initial = foldedBias.IsEmpty ? bias : foldedBias;
        int rowSumFactor = foldedBias.IsEmpty ? unchecked(p.InputOffset - 128) : 0;
        sbyte zeroPoint = unchecked((sbyte)-p.InputOffset);
        if (p.WeightsOffset == 0)
        {
            Int8GemmShape shape = GemmShape(p);
            Int8Gemm.Run(level, shape, input, zeroPoint, weights, arranged, initial, requantizer, output,
                scratch.Slice(0, Int8Gemm.ScratchBytes(level, shape, !arranged.IsEmpty)), rowSumFactor);
            return;
        }
        Span<int> rowAdd = stackalloc int[GemmRowChunk];
        for (int r0 = 0; r0 < p.Batches; r0 += GemmRowChunk)
        {
            int rows = Math.Min(GemmRowChunk, p.Batches - r0);
            for (int r = 0; r < rows; r++) rowAdd[r] = WeightsOffsetTerm(p, input.Slice((r0 + r) * depth, depth));
            Int8GemmShape shape = Int8GemmShape.Rows(rows, depth, outputs);
            Int8Gemm.Run(level, shape, input.Slice(r0 * depth, rows * depth), zeroPoint, weights, arranged, initial, requantizer,
                output.Slice(r0 * outputs, rows * outputs), scratch.Slice(0, Int8Gemm.ScratchBytes(level, shape, !arranged.IsEmpty)),
                rowSumFactor, rowAdd.Slice(0, rows));
        }
    }

    /// <summary>Whether <see cref="Int8Sums"/> takes the GEMM core for the product <paramref name="p"/> (Batches rows; see <see cref="UsesGemm(SimdLevel, in Int8GemmShape, bool, int)"/>).</summary>
    public static bool SumsUseGemm(SimdLevel level, in MatMulParameters p, bool arranged, int scratchBytes) => UsesGemm(level, GemmShape(p), arranged, scratchBytes);

    /// <summary>Bytes of scratch <see cref="Int8Sums"/> needs for <paramref name="depth"/>: a row for the dot products, or one GEMM panel.</summary>
    public static int Int8SumsScratchBytes(SimdLevel level, int depth, bool arranged)
    {
        int row = Math.Max(depth + 32, 2 * depth);
        return arranged || depth % 4 != 0 || !Int8Gemm.Applies(level, Int8GemmShape.Rows(GemmMinRows, depth, 1))
            ? row : Math.Max(row, Int8Gemm.PanelBytes(level, Int8GemmShape.Rows(GemmMinRows, depth, 1)));
    }

    /// <summary>
    /// The one entry of int8 x int8 products that want the sums rather than requantized outputs (the LSTM's and SVDF's gate
    /// and feature products): sums[r * <paramref name="rowStride"/> + c] = bias[c] + sum over d of w[c, d] * (x[r, d] + InputOffset),
    /// wrapping in 32 bits like the reference's int32 sums, for the Batches rows of AccumDepth values of <paramref name="p"/> and its
    /// OutputDepth weight rows (symmetric weights: WeightsOffset is not used; no requantization); the values between a row's
    /// last channel and the next row are left as they are. The core is chosen by the rule of <see cref="Int8Product"/>
    /// (<see cref="UsesGemm(SimdLevel, in Int8GemmShape, bool, int)"/>): several rows through <see cref="Int8Gemm.RunSums"/>
    /// (weights arranged per block in this call, or once beforehand in <paramref name="arranged"/>), otherwise one row at a time
    /// through the dot products (<see cref="Int8Dot"/> when the offset is 128 or the bias comes folded, else
    /// <see cref="Int16Dot"/> over the row widened with its offset). Given only the arranged weights (<paramref name="weights"/>
    /// empty), the core takes any number of rows. <paramref name="foldedBias"/>, when given, replaces the bias with
    /// (inputOffset - 128) * sum w[c] + bias[c] (see <see cref="FoldedBias"/>). <paramref name="scratch"/> holds
    /// <see cref="Int8SumsScratchBytes"/> bytes.
    /// </summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // the wide sums are written before they are read
    public static void Int8Sums(SimdLevel level, in MatMulParameters p, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<byte> arranged, ReadOnlySpan<int> bias, ReadOnlySpan<int> foldedBias, Span<byte> scratch, Span<int> sums, int rowStride)
    {
        int rows = p.Batches, depth = p.AccumDepth, channels = p.OutputDepth, inputOffset = p.InputOffset;
        bool onlyArranged = weights.IsEmpty && !arranged.IsEmpty;
        if (rows < 0 || depth < 0 || channels < 0 || inputOffset is < -127 or > 128 || rowStride < channels || (long)rows * depth > input.Length
            || (!onlyArranged && (long)channels * depth > weights.Length) || (!bias.IsEmpty && bias.Length < channels)
            || (!foldedBias.IsEmpty && foldedBias.Length < channels) || (rows > 0 && (long)(rows - 1) * rowStride + channels > sums.Length))
            throw new ArgumentException("int8 sums operands do not match");
        if (rows == 0 || channels == 0) return;
        ReadOnlySpan<int> initial = foldedBias.IsEmpty ? bias : foldedBias;
        Int8GemmShape shape = Int8GemmShape.Rows(rows, depth, channels);
        if (onlyArranged || UsesGemm(level, shape, !arranged.IsEmpty, scratch.Length))
        {
            Int8Gemm.RunSums(level, shape, input, unchecked((sbyte)-inputOffset), weights, arranged, initial, sums, rowStride,
                scratch.Slice(0, Int8Gemm.ScratchBytes(level, shape, !arranged.IsEmpty)), rowSumFactor: foldedBias.IsEmpty ? inputOffset - 128 : 0);
            return;
        }
        bool unsignedRow = inputOffset == 128 || !foldedBias.IsEmpty;
        Span<short> wideRow = unsignedRow ? default : MemoryMarshal.Cast<byte, short>(scratch).Slice(0, depth);
        Span<long> wideSums = stackalloc long[unsignedRow ? 0 : WideSumsChunk];
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<sbyte> x = input.Slice(r * depth, depth);
            Span<int> row = sums.Slice(r * rowStride, channels);
            if (unsignedRow)
            {
                Int8Dot.ToUnsigned(x, scratch);
                if (initial.IsEmpty) row.Clear();
                Int8Dot.Rows(level, scratch, weights, depth, channels, initial.IsEmpty ? row : initial, row);
                continue;
            }
            WidenWithOffset(x, inputOffset, wideRow);
            for (int c0 = 0; c0 < channels; c0 += WideSumsChunk)
            {
                int count = Math.Min(WideSumsChunk, channels - c0);
                Int16Dot.Rows(level, wideRow, weights.Slice(c0 * depth), depth, count, wideSums);
                for (int i = 0; i < count; i++) row[c0 + i] = unchecked((int)wideSums[i] + (bias.IsEmpty ? 0 : bias[c0 + i]));
            }
        }
    }

    /// <summary>WeightsOffset * sum (x + InputOffset) over one activation row, wrapping like the reference's int32 sum.</summary>
    private static int WeightsOffsetTerm(in MatMulParameters p, ReadOnlySpan<sbyte> x)
    {
        int total = 0;
        foreach (sbyte v in x) total += v;
        return unchecked(p.WeightsOffset * (total + x.Length * p.InputOffset));
    }

    /// <summary>
    /// int8 activations and weights. Sums are computed as sum w * (x + InputOffset) + WeightsOffset * sum (x + InputOffset):
    /// the second term depends only on the batch row. The first needs no weight row sums when x + InputOffset enters the
    /// dot product directly: as an unsigned byte when the input zero point is -128 (x + 128, the operand of
    /// <see cref="Int8Dot"/> and VNNI's unsigned-by-signed form), otherwise as a 16-bit value (|x + InputOffset| &lt;= 255)
    /// through <see cref="Int16Dot"/>, whose exact sum, truncated to 32 bits, is the reference's wrapping int32 sum
    /// (addition modulo 2^32 does not depend on the order). Given <paramref name="foldedBias"/> (<see cref="FoldedBias"/>,
    /// which the kernel keeps only where the 8-bit dot products are faster), the 8-bit form serves any zero point and the
    /// bias is in it; otherwise the bias is read from its tensor. <paramref name="row"/> holds <see cref="Int8RowBytes"/>
    /// bytes, <paramref name="sums"/> OutputDepth values.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a few calls per node: inlined, the kernel passes its spans once
    public static void FastInt8(SimdLevel level, in MatMulParameters p, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<int> bias, ReadOnlySpan<int> foldedBias, scoped in Int8Requantizer requantizer, Span<byte> row, Span<int> sums,
        Span<sbyte> output)
    {
        if (p.InputOffset != 128 && foldedBias.IsEmpty)
        {
            WideInt8(level, p, input, weights, bias, requantizer, row, sums, output);
            return;
        }
        int depth = p.AccumDepth, outputs = p.OutputDepth;
        sums = sums.Slice(0, outputs);
        ReadOnlySpan<int> initial = foldedBias.IsEmpty ? bias : foldedBias;
        bool noBias = initial.IsEmpty;
        if (noBias) initial = sums;
        for (int b = 0; b < p.Batches; b++)
        {
            ReadOnlySpan<sbyte> x = input.Slice(b * depth, depth);
            if (noBias) sums.Clear();
            Int8Dot.ToUnsigned(x, row);
            Int8Dot.Rows(level, row, weights, depth, outputs, initial, sums);
            int rowAdd = p.WeightsOffset == 0 ? 0 : WeightsOffsetTerm(p, x);
            requantizer.Apply(sums, rowAdd, output.Slice(b * outputs, outputs));
        }
    }

    /// <summary>The 16-bit form of <see cref="FastInt8"/>: x + InputOffset widened, exact 64-bit sums by <see cref="Int16Dot"/>.</summary>
    [SkipLocalsInit] // the wide sums are written before they are read
    private static void WideInt8(SimdLevel level, in MatMulParameters p, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<int> bias, scoped in Int8Requantizer requantizer, Span<byte> row, Span<int> sums, Span<sbyte> output)
    {
        int depth = p.AccumDepth, outputs = p.OutputDepth;
        sums = sums.Slice(0, outputs);
        Span<short> wideRow = MemoryMarshal.Cast<byte, short>(row).Slice(0, depth);
        Span<long> wideSums = stackalloc long[WideSumsChunk];
        for (int b = 0; b < p.Batches; b++)
        {
            ReadOnlySpan<sbyte> x = input.Slice(b * depth, depth);
            WidenWithOffset(x, p.InputOffset, wideRow);
            for (int o0 = 0; o0 < outputs; o0 += WideSumsChunk)
            {
                int count = Math.Min(WideSumsChunk, outputs - o0);
                Int16Dot.Rows(level, wideRow, weights.Slice(o0 * depth), depth, count, wideSums);
                for (int i = 0; i < count; i++)
                    sums[o0 + i] = unchecked((int)wideSums[i] + (bias.IsEmpty ? 0 : bias[o0 + i]));
            }
            int rowAdd = p.WeightsOffset == 0 ? 0 : WeightsOffsetTerm(p, x);
            requantizer.Apply(sums, rowAdd, output.Slice(b * outputs, outputs));
        }
    }

    /// <summary>
    /// destination[d] = source[d] + <paramref name="offset"/> as 16-bit values, the activation row of <see cref="Int16Dot"/>
    /// for int8 products; exact for an offset within [-127, 128] (minus an int8 zero point): |source + offset| &lt;= 255.
    /// </summary>
    public static void WidenWithOffset(ReadOnlySpan<sbyte> source, int offset, Span<short> destination)
    {
        destination = destination.Slice(0, source.Length);
        for (int d = 0; d < destination.Length; d++) destination[d] = (short)(source[d] + offset);
    }

    /// <summary>float32: the dot products of <see cref="FloatDot"/> (another order of additions than the reference's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // a thin loop over batches: inlined into the kernel
    public static void FastFloat(SimdLevel level, in MatMulParameters p, ReadOnlySpan<float> input, ReadOnlySpan<float> weights,
        ReadOnlySpan<float> bias, Span<float> output)
    {
        int depth = p.AccumDepth, outputs = p.OutputDepth;
        for (int b = 0; b < p.Batches; b++)
            FloatDot.Rows(level, input.Slice(b * depth, depth), weights, depth, outputs, bias,
                p.FloatMin, p.FloatMax, output.Slice(b * outputs, outputs));
    }

    /// <summary>
    /// int16 activations, int8 weights (zero points within <see cref="MaxInt16InputOffset"/> and
    /// <see cref="MaxInt16WeightsOffset"/>). The exact 64-bit sums of w * x come from <see cref="Int16Dot"/>; zero points
    /// enter by expansion: sum (w + wo)(x + io) = sum w x + io sum w + wo (sum x + depth io), where sum w
    /// (<paramref name="rowSums"/>, needed only when io is not zero) is known in Prepare. <paramref name="sums"/> holds
    /// 2 * OutputDepth values.
    /// </summary>
    public static void FastInt16(SimdLevel level, in MatMulParameters p, ReadOnlySpan<short> input, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<int> bias32, ReadOnlySpan<long> bias64, ReadOnlySpan<int> rowSums, ReadOnlySpan<int> multipliers,
        ReadOnlySpan<int> shifts, Span<long> sums, Span<short> output)
    {
        int depth = p.AccumDepth, outputs = p.OutputDepth;
        // Two batches at a time share each weight load: two sets of sums.
        Span<long> sums0 = sums.Slice(0, outputs), sums1 = sums.Slice(outputs, outputs);
        for (int b = 0; b < p.Batches; b += 2)
        {
            ReadOnlySpan<short> x0 = input.Slice(b * depth, depth);
            if (b + 1 < p.Batches)
            {
                ReadOnlySpan<short> x1 = input.Slice((b + 1) * depth, depth);
                Int16Dot.Rows2(level, x0, x1, weights, depth, outputs, sums0, sums1);
                RequantizeInt16(p, x1, sums1, rowSums, bias32, bias64, multipliers, shifts, output.Slice((b + 1) * outputs, outputs));
            }
            else
            {
                Int16Dot.Rows(level, x0, weights, depth, outputs, sums0);
            }
            RequantizeInt16(p, x0, sums0, rowSums, bias32, bias64, multipliers, shifts, output.Slice(b * outputs, outputs));
        }
    }

    /// <summary>Adds the zero-point terms and the bias to one batch's sums of w * x and requantizes them.</summary>
    private static void RequantizeInt16(in MatMulParameters p, ReadOnlySpan<short> x, ReadOnlySpan<long> sums, ReadOnlySpan<int> rowSums,
        ReadOnlySpan<int> bias32, ReadOnlySpan<long> bias64, ReadOnlySpan<int> multipliers, ReadOnlySpan<int> shifts, Span<short> result)
    {
        long inputOffset = p.InputOffset, weightsOffset = p.WeightsOffset;
        long rowAdd = weightsOffset == 0 ? 0 : weightsOffset * (Int16Dot.Sum(x) + p.AccumDepth * inputOffset);
        for (int o = 0; o < result.Length; o++)
        {
            long total = sums[o] + rowAdd;
            if (!rowSums.IsEmpty) total += inputOffset * rowSums[o];
            int multiplier = p.MultiplierOf(multipliers, o), shift = p.ShiftOf(shifts, o);
            int scaled;
            if (!p.Int32Accumulator)
            {
                // The accumulator follows the bias type: a wide sum has an int64 bias or none.
                if (!bias64.IsEmpty) total += bias64[o];
                scaled = FixedPoint.MultiplyByQuantizedMultiplier(total, multiplier, shift);
            }
            else
            {
                // The reference's int32 sum wraps: the low 32 bits of the exact sum are its value.
                int acc = unchecked((int)total);
                if (!bias32.IsEmpty) acc = unchecked(acc + bias32[o]);
                scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, multiplier, shift);
            }
            scaled += p.OutputOffset;
            result[o] = (short)Math.Min(Math.Max(scaled, p.ActivationMin), p.ActivationMax);
        }
    }
}
