using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>
/// An int8 convolution as the GEMM core sees it: NHWC input, an [out, height, width, in] filter (one group), NHWC output.
/// The caller's Prepare has validated the geometry; <see cref="Int8Gemm.Run"/> checks the spans against it again.
/// </summary>
internal readonly record struct Int8GemmShape(
    int Batches, int InputHeight, int InputWidth, int InputDepth,
    int OutputHeight, int OutputWidth, int OutputDepth,
    int FilterHeight, int FilterWidth, int StrideHeight, int StrideWidth, int DilationHeight, int DilationWidth, int PadHeight, int PadWidth)
{
    /// <summary>Values in one output channel's filter row (height * width * input depth).</summary>
    public long Depth => (long)FilterHeight * FilterWidth * InputDepth;

    /// <summary>Blocks of <see cref="Int8Gemm.BlockChannels"/> output channels (the last one may be partial).</summary>
    public int Blocks => (OutputDepth + Int8Gemm.BlockChannels - 1) / Int8Gemm.BlockChannels;

    /// <summary>Output pixels over all batches.</summary>
    public long Pixels => (long)Batches * OutputHeight * OutputWidth;

    /// <summary>A 1x1 FULLY_CONNECTED-like product: <paramref name="rows"/> rows of <paramref name="depth"/> values, <paramref name="channels"/> outputs each.</summary>
    public static Int8GemmShape Rows(int rows, int depth, int channels) => new(1, rows, 1, depth, rows, 1, channels, 1, 1, 1, 1, 1, 1, 0, 0);
}

/// <summary>
/// The int8 GEMM core of the optimized CONV_2D (1x1 and k x k) and FULLY_CONNECTED with several rows: register-blocked
/// micro-kernels of <see cref="BlockPixels"/> output pixels times <see cref="BlockChannels"/> output channels, the
/// sums of all 64 outputs held in vector registers with one 32-bit lane per output channel, so no horizontal sum is
/// ever formed. Each step takes four input channels of each pixel (broadcast to every lane as x + 128, unsigned) and
/// the same four channels' weights of the sixteen output channels, arranged for the instruction ("panels"):
/// <list type="bullet">
/// <item>AVX-VNNI: four bytes per output channel per step (vpdpbusd sums the four products into the lane);</item>
/// <item>AVX2 and AVX-512BW: two 16-bit pairs per output channel per step, the activations zero-extended to 16 bits by a
/// byte shuffle, then vpmaddwd (AVX-512BW does the sixteen channels in one 512-bit vector; .NET exposes no 512-bit VNNI).</item>
/// </list>
/// The input offset enters as in <see cref="Int8Dot"/>: sum w * (x + offset) = sum w * (x + 128) + (offset - 128) * sum w, the
/// second term folded into the per-channel initial sums in Prepare. Windows that reach into the padding are gathered
/// (padding as the input zero point, whose term is zero) into rows first; interior windows are read in place, one
/// contiguous segment per filter row. Integer sums wrap like the reference's, so the result is its exact bytes.
/// Needs whole groups of four input channels (input depth a multiple of four). Matrix products (<see cref="Int8GemmShape.Rows"/>)
/// may leave the offset term to the core (<c>rowSumFactor</c>: the weight row sums are formed from each block's panel as it is
/// used) and add a term per row (<c>pixelAdd</c>: the weights zero point's), so that they keep nothing between calls.
/// </summary>
internal static partial class Int8Gemm
{
    /// <summary>Output channels per micro-kernel block (one 32-bit lane each: two 256-bit vectors or one 512-bit vector).</summary>
    public const int BlockChannels = 16;

    /// <summary>Output pixels per micro-kernel block.</summary>
    public const int BlockPixels = 4;

    /// <summary>Largest filter row (values) the core takes: bounds the gathered rows and the per-block panel.</summary>
    public const int MaxDepth = 1 << 16;

    /// <summary>Most filter taps (height * width) the core takes (their offsets live on the stack).</summary>
    public const int MaxTaps = 1024;

    /// <summary>Whether the core runs at <paramref name="level"/> for <paramref name="shape"/> (x64 with AVX2, or Arm64; whole groups of four input channels).</summary>
    public static bool Applies(SimdLevel level, in Int8GemmShape shape)
        => ((level >= SimdLevel.Avx2 && Avx2.IsSupported && (level != SimdLevel.AvxVnni || AvxVnni.IsSupported)) || ArmApplies(level))
           && shape.InputDepth > 0 && shape.InputDepth % 4 == 0 && shape.OutputDepth > 0 && shape.Depth <= MaxDepth
           && (long)shape.FilterHeight * shape.FilterWidth <= MaxTaps;

    /// <summary>Panel bytes per step of four input channels for one block (VNNI and Arm64 dot: 16 x 4 bytes; 16-bit values: 16 x 2 x 4).</summary>
    public static int StepBytes(SimdLevel level) => level is SimdLevel.AvxVnni or SimdLevel.ArmDot ? 64 : 128;

    /// <summary>Bytes of one block's panel.</summary>
    public static int PanelBytes(SimdLevel level, in Int8GemmShape shape) => checked((int)(shape.Depth / 4 * StepBytes(level)));

    /// <summary>Bytes of every block's panel, arranged once (<see cref="ArrangeAll"/>).</summary>
    public static long ArrangedBytes(SimdLevel level, in Int8GemmShape shape) => (long)shape.Blocks * PanelBytes(level, shape);

    /// <summary>Whether some window reaches into the padding (then <see cref="Run"/> gathers rows).</summary>
    public static bool NeedsRows(in Int8GemmShape s)
        => s.PadHeight > 0 || s.PadWidth > 0
           || (s.OutputHeight - 1L) * s.StrideHeight + (s.FilterHeight - 1L) * s.DilationHeight >= s.InputHeight
           || (s.OutputWidth - 1L) * s.StrideWidth + (s.FilterWidth - 1L) * s.DilationWidth >= s.InputWidth;

    /// <summary>Scratch bytes <see cref="Run"/> needs: one panel unless the weights come arranged, and the gathered rows when windows reach into the padding.</summary>
    public static int ScratchBytes(SimdLevel level, in Int8GemmShape shape, bool arranged)
        => (arranged ? 0 : PanelBytes(level, shape)) + (NeedsRows(shape) ? checked((int)(BlockPixels * shape.Depth)) : 0);

    /// <summary>Arranges the panels of every block into <paramref name="destination"/> (<see cref="ArrangedBytes"/> long).</summary>
    public static void ArrangeAll(SimdLevel level, ReadOnlySpan<sbyte> weights, in Int8GemmShape shape, Span<byte> destination)
    {
        int panel = PanelBytes(level, shape);
        for (int block = 0; block < shape.Blocks; block++)
            Arrange(level, weights, (int)shape.Depth, shape.OutputDepth, block, destination.Slice(block * panel, panel));
    }

    /// <summary>
    /// Arranges the weights of output channels [16 block, 16 block + 16) into one panel; channels past
    /// <paramref name="channels"/> get zero weights. Step g holds input values [4g, 4g + 4) of each channel's row.
    /// </summary>
    public static void Arrange(SimdLevel level, ReadOnlySpan<sbyte> weights, int depth, int channels, int block, Span<byte> panel)
    {
        int steps = depth / 4, first = block * BlockChannels, count = Math.Min(BlockChannels, channels - first);
        if (depth % 4 != 0 || count <= 0 || (long)channels * depth > weights.Length || panel.Length < steps * StepBytes(level))
            throw new ArgumentException("panel operands do not match");
        if (ArmApplies(level)) { ArrangeArm(level, weights, depth, channels, block, panel); return; }
        ref byte w = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(weights));
        Span<int> lanes = MemoryMarshal.Cast<byte, int>(panel);
        ref int lane = ref MemoryMarshal.GetReference(lanes);
        bool vnni = level == SimdLevel.AvxVnni;
        // Eight channels by eight 32-bit values at a time through an 8x8 transpose: VNNI takes eight steps of a row as
        // they are; the 16-bit layout widens four steps (sixteen values) into eight pairs.
        int j0 = 0;
        int wideSteps = vnni ? steps & ~7 : steps & ~3;
        for (; j0 + 8 <= count; j0 += 8)
        {
            for (int g = 0; g < wideSteps; g += vnni ? 8 : 4)
            {
                ref byte at = ref Unsafe.Add(ref w, (first + j0) * depth + 4 * g);
                Vector256<int> r0 = Row(ref at, vnni), r1 = Row(ref Unsafe.Add(ref at, depth), vnni);
                Vector256<int> r2 = Row(ref Unsafe.Add(ref at, 2 * depth), vnni), r3 = Row(ref Unsafe.Add(ref at, 3 * depth), vnni);
                Vector256<int> r4 = Row(ref Unsafe.Add(ref at, 4 * depth), vnni), r5 = Row(ref Unsafe.Add(ref at, 5 * depth), vnni);
                Vector256<int> r6 = Row(ref Unsafe.Add(ref at, 6 * depth), vnni), r7 = Row(ref Unsafe.Add(ref at, 7 * depth), vnni);
                Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
                // Value k of the transposed rows is step g + k (VNNI) or step g + k / 2, pair k % 2.
                const int stride = 16;
                int baseAt = vnni ? g * 16 + j0 : g * 32 + j0;
                r0.StoreUnsafe(ref lane, (nuint)baseAt);
                r1.StoreUnsafe(ref lane, (nuint)(baseAt + stride));
                r2.StoreUnsafe(ref lane, (nuint)(baseAt + 2 * stride));
                r3.StoreUnsafe(ref lane, (nuint)(baseAt + 3 * stride));
                r4.StoreUnsafe(ref lane, (nuint)(baseAt + 4 * stride));
                r5.StoreUnsafe(ref lane, (nuint)(baseAt + 5 * stride));
                r6.StoreUnsafe(ref lane, (nuint)(baseAt + 6 * stride));
                r7.StoreUnsafe(ref lane, (nuint)(baseAt + 7 * stride));
            }
            for (int j = j0; j < j0 + 8; j++) ArrangeSteps(ref w, depth, first + j, j, wideSteps, steps, vnni, lanes);
        }
        for (int j = j0; j < BlockChannels; j++)
        {
            if (j < count) ArrangeSteps(ref w, depth, first + j, j, 0, steps, vnni, lanes);
            else for (int g = 0; g < steps; g++)
                {
                    if (vnni) lanes[g * 16 + j] = 0;
                    else lanes[g * 32 + j] = lanes[g * 32 + 16 + j] = 0;
                }
        }
    }

    /// <summary>Eight 32-bit values of one channel's row: 32 bytes as they are (VNNI), or 16 bytes widened to 16-bit pairs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Row(ref byte at, bool vnni)
        => vnni ? Vector256.LoadUnsafe(ref at).AsInt32() : Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref at).AsSByte()).AsInt32();

    /// <summary>Steps [from, to) of output channel <paramref name="channel"/> into lane <paramref name="j"/>, one value at a time.</summary>
    private static void ArrangeSteps(ref byte w, int depth, int channel, int j, int from, int to, bool vnni, Span<int> lanes)
    {
        ref byte row = ref Unsafe.Add(ref w, channel * depth);
        for (int g = from; g < to; g++)
        {
            if (vnni)
            {
                lanes[g * 16 + j] = Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row, 4 * g));
                continue;
            }
            ref sbyte v = ref Unsafe.As<byte, sbyte>(ref Unsafe.Add(ref row, 4 * g));
            lanes[g * 32 + j] = (ushort)(short)v | (Unsafe.Add(ref v, 1) << 16);
            lanes[g * 32 + 16 + j] = (ushort)(short)Unsafe.Add(ref v, 2) | (Unsafe.Add(ref v, 3) << 16);
        }
    }

    /// <summary>Transposes an 8x8 matrix of 32-bit values held as eight rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(ref Vector256<int> r0, ref Vector256<int> r1, ref Vector256<int> r2, ref Vector256<int> r3,
        ref Vector256<int> r4, ref Vector256<int> r5, ref Vector256<int> r6, ref Vector256<int> r7)
    {
        Vector256<int> t0 = Avx2.UnpackLow(r0, r1), t1 = Avx2.UnpackHigh(r0, r1), t2 = Avx2.UnpackLow(r2, r3), t3 = Avx2.UnpackHigh(r2, r3);
        Vector256<int> t4 = Avx2.UnpackLow(r4, r5), t5 = Avx2.UnpackHigh(r4, r5), t6 = Avx2.UnpackLow(r6, r7), t7 = Avx2.UnpackHigh(r6, r7);
        Vector256<long> u0 = Avx2.UnpackLow(t0.AsInt64(), t2.AsInt64()), u1 = Avx2.UnpackHigh(t0.AsInt64(), t2.AsInt64());
        Vector256<long> u2 = Avx2.UnpackLow(t1.AsInt64(), t3.AsInt64()), u3 = Avx2.UnpackHigh(t1.AsInt64(), t3.AsInt64());
        Vector256<long> u4 = Avx2.UnpackLow(t4.AsInt64(), t6.AsInt64()), u5 = Avx2.UnpackHigh(t4.AsInt64(), t6.AsInt64());
        Vector256<long> u6 = Avx2.UnpackLow(t5.AsInt64(), t7.AsInt64()), u7 = Avx2.UnpackHigh(t5.AsInt64(), t7.AsInt64());
        r0 = Avx2.Permute2x128(u0, u4, 0x20).AsInt32();
        r1 = Avx2.Permute2x128(u1, u5, 0x20).AsInt32();
        r2 = Avx2.Permute2x128(u2, u6, 0x20).AsInt32();
        r3 = Avx2.Permute2x128(u3, u7, 0x20).AsInt32();
        r4 = Avx2.Permute2x128(u0, u4, 0x31).AsInt32();
        r5 = Avx2.Permute2x128(u1, u5, 0x31).AsInt32();
        r6 = Avx2.Permute2x128(u2, u6, 0x31).AsInt32();
        r7 = Avx2.Permute2x128(u3, u7, 0x31).AsInt32();
    }

    /// <summary>
    /// output[pixel, c] = requantized(initial[c] + rowSumFactor * sum w[c] + pixelAdd[pixel] + sum over the window of (x + 128) * w[c])
    /// for every output pixel and channel, wrapping in 32 bits. <paramref name="initial"/> may be empty (zeros), and so may
    /// <paramref name="pixelAdd"/> (one value per output pixel otherwise). <paramref name="arranged"/> holds every block's
    /// panel (<see cref="ArrangeAll"/>) or is empty: then each block's panel is arranged into <paramref name="scratch"/>
    /// (<see cref="ScratchBytes"/>) when its turn comes. Only the blocks of output channels in [<paramref name="firstBlock"/>,
    /// <paramref name="endBlock"/>) are computed (a thread's share of the layer).
    /// </summary>
    public static void Run(SimdLevel level, in Int8GemmShape shape, ReadOnlySpan<sbyte> input, sbyte inputZeroPoint, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<byte> arranged, ReadOnlySpan<int> initial, in Int8Requantizer requantizer, Span<sbyte> output, Span<byte> scratch,
        int rowSumFactor = 0, ReadOnlySpan<int> pixelAdd = default, int firstBlock = 0, int endBlock = int.MaxValue)
    {
        if (!requantizer.Vectorized || shape.Pixels * shape.OutputDepth > output.Length) throw new ArgumentException("GEMM output does not match the shape");
        var store = new Requantized(shape.OutputDepth);
        Execute(ref store, level, shape, input, inputZeroPoint, weights, arranged, initial, requantizer,
            ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(output)), scratch, rowSumFactor, pixelAdd, firstBlock, endBlock);
    }

    /// <summary>
    /// The raw-sums mode of <see cref="Run"/>: the same micro-kernels write each output's int32 sum
    /// sums[pixel * <paramref name="rowStride"/> + c] = initial[c] + rowSumFactor * sum w[c] + pixelAdd[pixel] + sum (x + 128) * w[c]
    /// (wrapping) instead of requantizing it; the values between a pixel's last channel and the next row are left as they are.
    /// </summary>
    public static void RunSums(SimdLevel level, in Int8GemmShape shape, ReadOnlySpan<sbyte> input, sbyte inputZeroPoint, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<byte> arranged, ReadOnlySpan<int> initial, Span<int> sums, int rowStride, Span<byte> scratch,
        int rowSumFactor = 0, ReadOnlySpan<int> pixelAdd = default, int firstBlock = 0, int endBlock = int.MaxValue)
    {
        if (rowStride < shape.OutputDepth || (shape.Pixels > 0 && (shape.Pixels - 1) * rowStride + shape.OutputDepth > sums.Length))
            throw new ArgumentException("GEMM sums do not match the shape");
        var store = new RawSums(rowStride);
        Execute(ref store, level, shape, input, inputZeroPoint, weights, arranged, initial, default,
            ref Unsafe.As<int, byte>(ref MemoryMarshal.GetReference(sums)), scratch, rowSumFactor, pixelAdd, firstBlock, endBlock);
    }

    /// <summary>Checks the operands against the shape (the output was checked by the caller) and runs the micro-kernels of <paramref name="level"/>.</summary>
    private static void Execute<TStore>(ref TStore store, SimdLevel level, in Int8GemmShape shape, ReadOnlySpan<sbyte> input, sbyte inputZeroPoint,
        ReadOnlySpan<sbyte> weights, ReadOnlySpan<byte> arranged, ReadOnlySpan<int> initial, in Int8Requantizer requantizer, ref byte output,
        Span<byte> scratch, int rowSumFactor, ReadOnlySpan<int> pixelAdd, int firstBlock, int endBlock) where TStore : struct, IGemmStore
    {
        if (!Applies(level, shape)) throw new ArgumentException("the GEMM core does not apply");
        if (firstBlock < 0) throw new ArgumentOutOfRangeException(nameof(firstBlock));
        endBlock = Math.Min(endBlock, shape.Blocks);
        Int8GemmShape s = shape;
        long depth = s.Depth;
        if (s.Batches < 0 || s.InputHeight < 0 || s.InputWidth < 0 || s.OutputHeight < 0 || s.OutputWidth < 0
            || s.FilterHeight <= 0 || s.FilterWidth <= 0 || s.StrideHeight <= 0 || s.StrideWidth <= 0 || s.DilationHeight <= 0 || s.DilationWidth <= 0
            || (long)s.Batches * s.InputHeight * s.InputWidth * s.InputDepth > input.Length || (arranged.IsEmpty && s.OutputDepth * depth > weights.Length)
            || (!initial.IsEmpty && initial.Length < s.OutputDepth) || (!pixelAdd.IsEmpty && pixelAdd.Length < s.Pixels)
            || (!arranged.IsEmpty && arranged.Length < ArrangedBytes(level, s)) || scratch.Length < ScratchBytes(level, s, !arranged.IsEmpty))
            throw new ArgumentException("GEMM operands do not match the shape");
        if (s.Pixels == 0) return;
        if (ArmApplies(level))
        {
            if (level == SimdLevel.ArmDot)
                RunArmBlocks<DotStep, TStore>(ref store, level, s, input, inputZeroPoint, weights, arranged, initial, requantizer, ref output, scratch, rowSumFactor, pixelAdd, firstBlock, endBlock);
            else
                RunArmBlocks<WideningStep, TStore>(ref store, level, s, input, inputZeroPoint, weights, arranged, initial, requantizer, ref output, scratch, rowSumFactor, pixelAdd, firstBlock, endBlock);
        }
        else if (level == SimdLevel.AvxVnni)
            RunBlocks<VnniStep, Pair, TStore>(ref store, level, s, input, inputZeroPoint, weights, arranged, initial, requantizer, ref output, scratch, rowSumFactor, pixelAdd, firstBlock, endBlock);
        else if (Avx512BW.IsSupported && Vector512.IsHardwareAccelerated)
            RunBlocks<Avx512Step, Vector512<int>, TStore>(ref store, level, s, input, inputZeroPoint, weights, arranged, initial, requantizer, ref output, scratch, rowSumFactor, pixelAdd, firstBlock, endBlock);
        else
            RunBlocks<Avx2Step, Pair, TStore>(ref store, level, s, input, inputZeroPoint, weights, arranged, initial, requantizer, ref output, scratch, rowSumFactor, pixelAdd, firstBlock, endBlock);
    }

    /// <summary>
    /// What the micro-kernels do with a pixel's finished sums, chosen by a type parameter so that one kernel serves both
    /// modes: requantize them to int8 (<see cref="Requantized"/>) or write the int32 sums (<see cref="RawSums"/>).
    /// <c>output</c> is the start of the output as bytes; a pixel's sums are channels [first, first + 16) of output row <c>pixel</c>.
    /// </summary>
    private interface IGemmStore
    {
        /// <summary>x64: prepares the block of output channels from <paramref name="first"/> (<paramref name="whole"/>: all sixteen exist).</summary>
        void Begin(in Int8Requantizer requantizer, int first, bool whole);

        /// <summary>x64: one pixel's sixteen sums (channels 0-7 and 8-15 of the block).</summary>
        void Store(ref byte output, int pixel, int first, Vector256<int> low, Vector256<int> high);

        /// <summary>Arm64: one pixel's sixteen sums.</summary>
        void Store(ref byte output, int pixel, int first, in Lanes16 sums, in Int8Requantizer requantizer);

        /// <summary>The sums of a partial block's channels (as many as <paramref name="sums"/> holds).</summary>
        void StorePartial(ref byte output, int pixel, int first, ReadOnlySpan<int> sums, in Int8Requantizer requantizer);
    }

    /// <summary>Requantizes each sum to int8, rows of <c>channels</c> bytes.</summary>
    private struct Requantized(int channels) : IGemmStore
    {
        private Requantization8 _low, _high;
        private Requantization16 _both;

        public void Begin(in Int8Requantizer requantizer, int first, bool whole)
        {
            _low = whole ? requantizer.Channels8(first) : default;
            _high = whole ? requantizer.Channels8(first + 8) : default;
            _both = whole && Avx512F.IsSupported ? Requantization.Join(_low, _high) : default;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Store(ref byte output, int pixel, int first, Vector256<int> low, Vector256<int> high)
            => Int8Gemm.Store(low, high, _low, _high, _both, ref Unsafe.As<byte, sbyte>(ref Unsafe.Add(ref output, pixel * channels + first)));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public readonly void Store(ref byte output, int pixel, int first, in Lanes16 sums, in Int8Requantizer requantizer)
            => StoreArm(sums, requantizer, first, ref Unsafe.As<byte, sbyte>(ref Unsafe.Add(ref output, pixel * channels + first)));

        public readonly void StorePartial(ref byte output, int pixel, int first, ReadOnlySpan<int> sums, in Int8Requantizer requantizer)
        {
            ref sbyte row = ref Unsafe.As<byte, sbyte>(ref Unsafe.Add(ref output, pixel * channels + first));
            for (int c = 0; c < sums.Length; c++) Unsafe.Add(ref row, c) = requantizer.Apply1(sums[c], first + c);
        }
    }

    /// <summary>Writes each int32 sum as it is, rows <c>stride</c> values apart.</summary>
    private readonly struct RawSums(int stride) : IGemmStore
    {
        public void Begin(in Int8Requantizer requantizer, int first, bool whole) { }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private ref int At(ref byte output, int pixel, int first) => ref Unsafe.Add(ref Unsafe.As<byte, int>(ref output), pixel * stride + first);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(ref byte output, int pixel, int first, Vector256<int> low, Vector256<int> high)
        {
            ref int at = ref At(ref output, pixel, first);
            low.StoreUnsafe(ref at);
            high.StoreUnsafe(ref at, 8);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(ref byte output, int pixel, int first, in Lanes16 sums, in Int8Requantizer requantizer)
            => sums.StoreUnsafe(ref At(ref output, pixel, first), 0);

        public void StorePartial(ref byte output, int pixel, int first, ReadOnlySpan<int> sums, in Int8Requantizer requantizer)
            => sums.CopyTo(MemoryMarshal.CreateSpan(ref At(ref output, pixel, first), sums.Length));
    }

    /// <summary>
    /// The walk the x64 and Arm64 micro-kernels share: the caller's scratch split into a block's panel (when the weights
    /// are arranged per call) and the gathered rows of a block's pixels (when windows reach into the padding), each
    /// block's panel, and the blocks of <see cref="BlockPixels"/> output pixels placed in turn (<see cref="PlaceBlock"/>)
    /// with the segments their steps run through. Its offsets live in stack memory the caller allocates.
    /// </summary>
    private ref struct BlockWalk(SimdLevel level, Int8GemmShape s, ReadOnlySpan<sbyte> input, sbyte zeroPoint, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<byte> arranged, Span<byte> scratch, Span<int> stack)
    {
        /// <summary>Ints of the caller's stack memory: segment offsets, a gathered row's one offset, pixel offsets,
        /// the pixels' positions, a partial block's sums and initial sums.</summary>
        public const int StackInts = MaxTaps + 1 + BlockPixels + 3 * BlockPixels + BlockChannels * BlockPixels + BlockChannels;

        private const int PixelsAt = MaxTaps + 1, PartialAt = PixelsAt + 4 * BlockPixels;

        private readonly ReadOnlySpan<sbyte> _input = input, _weights = weights;
        private readonly ReadOnlySpan<byte> _arranged = arranged;
        private readonly Span<int> _stack = stack;
        private readonly int _panelBytes = PanelBytes(level, s);
        private readonly Span<byte> _panelScratch = arranged.IsEmpty ? scratch.Slice(0, PanelBytes(level, s)) : default;

        /// <summary>The gathered rows of a block's pixels (after the panel), when windows reach into the padding.</summary>
        private readonly Span<sbyte> _rows = NeedsRows(s)
            ? MemoryMarshal.Cast<byte, sbyte>(scratch.Slice(arranged.IsEmpty ? PanelBytes(level, s) : 0, BlockPixels * (int)s.Depth)) : default;

        private readonly (int Count, int Steps) _segments = Segments(s, stack.Slice(0, PixelsAt));
        private readonly bool _contiguous = IsContiguous(s);
        private Cursor _cursor;

        /// <summary>A partial block's sixteen lanes per pixel, on their way to the store.</summary>
        public readonly Span<int> PartialSums = stack.Slice(PartialAt, BlockChannels * BlockPixels);

        /// <summary>A partial block's initial sums, zero past its channels.</summary>
        public readonly Span<int> PartialInitial = stack.Slice(PartialAt + BlockChannels * BlockPixels, BlockChannels);

        /// <summary>The panel of <paramref name="block"/>; its pixels are placed from the first on.</summary>
        public ref byte BeginBlock(int block)
        {
            _cursor = default;
            return ref MemoryMarshal.GetReference(BlockPanel(level, _weights, _arranged, (int)s.Depth, s.OutputDepth, block, _panelScratch, _panelBytes));
        }

        /// <summary>Places the output pixels [<paramref name="p"/>, p + <paramref name="valid"/>), the next block of the walk.</summary>
        public PixelBlock Place(int p, int valid)
        {
            Span<int> pixelOffsets = _stack.Slice(PixelsAt, BlockPixels);
            bool interior = PlaceBlock(s, _contiguous, p, valid, ref _cursor, pixelOffsets,
                MemoryMarshal.Cast<int, Cursor>(_stack.Slice(PixelsAt + BlockPixels, 3 * BlockPixels)), _input, zeroPoint, _rows);
            ref sbyte source = ref interior ? ref MemoryMarshal.GetReference(_input) : ref MemoryMarshal.GetReference(_rows);
            // A gathered row is one segment of the whole depth, at the offset after the segments'.
            return new PixelBlock(ref source, pixelOffsets, interior ? _segments.Count : 1, interior ? _segments.Steps : (int)s.Depth / 4,
                ref MemoryMarshal.GetReference(_stack.Slice(interior ? 0 : MaxTaps)));
        }
    }

    /// <summary>
    /// One placed block of pixels: where each pixel's window starts, and the segments of its window (offsets from that
    /// start), each <see cref="Steps"/> steps of four values long.
    /// </summary>
    private readonly ref struct PixelBlock
    {
        public readonly ref sbyte X0, X1, X2, X3;
        public readonly int Segments, Steps;
        private readonly ref int _offsets;

        public PixelBlock(ref sbyte source, ReadOnlySpan<int> pixelOffsets, int segments, int steps, ref int offsets)
        {
            X0 = ref Unsafe.Add(ref source, pixelOffsets[0]);
            X1 = ref Unsafe.Add(ref source, pixelOffsets[1]);
            X2 = ref Unsafe.Add(ref source, pixelOffsets[2]);
            X3 = ref Unsafe.Add(ref source, pixelOffsets[3]);
            Segments = segments;
            Steps = steps;
            _offsets = ref offsets;
        }

        /// <summary>The offset of <paramref name="segment"/> from each pixel's window start.</summary>
        public int Offset(int segment) => Unsafe.Add(ref _offsets, segment);
    }

    /// <summary>
    /// The panel of one block: arranged from <paramref name="weights"/> into <paramref name="panelScratch"/> now, or the
    /// block's part of <paramref name="arranged"/>. The x64 and Arm64 micro-kernels share it.
    /// </summary>
    private static ReadOnlySpan<byte> BlockPanel(SimdLevel level, ReadOnlySpan<sbyte> weights, ReadOnlySpan<byte> arranged, int depth, int channels,
        int block, Span<byte> panelScratch, int panelBytes)
    {
        if (!arranged.IsEmpty) return arranged.Slice(block * panelBytes, panelBytes);
        Arrange(level, weights, depth, channels, block, panelScratch);
        return panelScratch;
    }

    /// <summary>
    /// A partial block's pixels: their sixteen lanes each through <paramref name="partialSums"/>, then only the block's
    /// <paramref name="count"/> channels to the store.
    /// </summary>
    private static void StorePartialBlock<TStore>(ref TStore store, ref byte output, int p, int valid, int first, int count, Span<int> partialSums,
        in Int8Requantizer requantizer) where TStore : struct, IGemmStore
    {
        for (int i = 0; i < valid; i++)
            store.StorePartial(ref output, p + i, first, partialSums.Slice(i * BlockChannels, count), requantizer);
    }

    /// <summary>The position of one output pixel, advanced in NHWC order.</summary>
    private struct Cursor
    {
        public int Batch, Y, X;

        public void Advance(in Int8GemmShape s)
        {
            if (++X < s.OutputWidth) return;
            X = 0;
            if (++Y < s.OutputHeight) return;
            Y = 0;
            Batch++;
        }
    }

    [SkipLocalsInit]
    private static void RunBlocks<TStep, TAcc, TStore>(ref TStore store, SimdLevel level, in Int8GemmShape s, ReadOnlySpan<sbyte> input, sbyte zeroPoint,
        ReadOnlySpan<sbyte> weights, ReadOnlySpan<byte> arranged, ReadOnlySpan<int> initial, in Int8Requantizer requantizer, ref byte y, Span<byte> scratch,
        int rowSumFactor, ReadOnlySpan<int> pixelAdd, int firstBlock, int endBlock)
        where TStep : struct, IGemmStep<TAcc> where TAcc : struct where TStore : struct, IGemmStore
    {
        int depth = (int)s.Depth, channels = s.OutputDepth, stepBytes = StepBytes(level), pixels = (int)s.Pixels;
        var walk = new BlockWalk(level, s, input, zeroPoint, weights, arranged, scratch, stackalloc int[BlockWalk.StackInts]);
        Span<int> partialSums = walk.PartialSums, partialInitial = walk.PartialInitial;
        // Four activation bytes that the step's flip turns into unsigned ones: stepping them through a panel sums its weights.
        Span<sbyte> ones = stackalloc sbyte[4];
        ones.Fill(unchecked((sbyte)0x81));
        for (int block = firstBlock; block < endBlock; block++)
        {
            int first = block * BlockChannels, count = Math.Min(BlockChannels, channels - first);
            ref byte panel = ref walk.BeginBlock(block);
            bool whole = count == BlockChannels;
            store.Begin(requantizer, first, whole);
            Vector256<int> initialLow, initialHigh;
            if (initial.IsEmpty) initialLow = initialHigh = Vector256<int>.Zero;
            else if (whole)
            {
                initialLow = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(initial), (nuint)first);
                initialHigh = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(initial), (nuint)(first + 8));
            }
            else
            {
                partialInitial.Clear();
                initial.Slice(first, count).CopyTo(partialInitial);
                initialLow = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(partialInitial));
                initialHigh = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(partialInitial), 8);
            }
            if (rowSumFactor != 0)
            {
                TAcc rowSums = TStep.Create(Vector256<int>.Zero, Vector256<int>.Zero);
                ref byte sumStep = ref panel;
                for (int g = 0; g < depth / 4; g++)
                {
                    rowSums = TStep.Step(rowSums, ref MemoryMarshal.GetReference(ones), ref sumStep);
                    sumStep = ref Unsafe.Add(ref sumStep, stepBytes);
                }
                Vector256<int> factor = Vector256.Create(rowSumFactor);
                initialLow += TStep.Low(rowSums) * factor;
                initialHigh += TStep.High(rowSums) * factor;
            }
            TAcc start = TStep.Create(initialLow, initialHigh);

            for (int p = 0; p < pixels; p += BlockPixels)
            {
                int valid = Math.Min(BlockPixels, pixels - p);
                PixelBlock placed = walk.Place(p, valid);
                TAcc a0 = start, a1 = start, a2 = start, a3 = start;
                if (!pixelAdd.IsEmpty)
                {
                    a0 = Plus<TStep, TAcc>(initialLow, initialHigh, pixelAdd[p]);
                    a1 = Plus<TStep, TAcc>(initialLow, initialHigh, pixelAdd[p + Math.Min(1, valid - 1)]);
                    a2 = Plus<TStep, TAcc>(initialLow, initialHigh, pixelAdd[p + Math.Min(2, valid - 1)]);
                    a3 = Plus<TStep, TAcc>(initialLow, initialHigh, pixelAdd[p + Math.Min(3, valid - 1)]);
                }
                ref byte step = ref panel;
                for (int segment = 0; segment < placed.Segments; segment++)
                {
                    int offset = placed.Offset(segment);
                    ref sbyte p0 = ref Unsafe.Add(ref placed.X0, offset), p1 = ref Unsafe.Add(ref placed.X1, offset);
                    ref sbyte p2 = ref Unsafe.Add(ref placed.X2, offset), p3 = ref Unsafe.Add(ref placed.X3, offset);
                    for (int g = 0; g < placed.Steps; g++)
                    {
                        int at4 = 4 * g;
                        a0 = TStep.Step(a0, ref Unsafe.Add(ref p0, at4), ref step);
                        a1 = TStep.Step(a1, ref Unsafe.Add(ref p1, at4), ref step);
                        a2 = TStep.Step(a2, ref Unsafe.Add(ref p2, at4), ref step);
                        a3 = TStep.Step(a3, ref Unsafe.Add(ref p3, at4), ref step);
                        step = ref Unsafe.Add(ref step, stepBytes);
                    }
                }

                if (whole)
                {
                    store.Store(ref y, p, first, TStep.Low(a0), TStep.High(a0));
                    if (valid > 1) store.Store(ref y, p + 1, first, TStep.Low(a1), TStep.High(a1));
                    if (valid > 2) store.Store(ref y, p + 2, first, TStep.Low(a2), TStep.High(a2));
                    if (valid > 3) store.Store(ref y, p + 3, first, TStep.Low(a3), TStep.High(a3));
                }
                else
                {
                    ref int sums = ref MemoryMarshal.GetReference(partialSums);
                    TStep.Low(a0).StoreUnsafe(ref sums, 0); TStep.High(a0).StoreUnsafe(ref sums, 8);
                    TStep.Low(a1).StoreUnsafe(ref sums, 16); TStep.High(a1).StoreUnsafe(ref sums, 24);
                    TStep.Low(a2).StoreUnsafe(ref sums, 32); TStep.High(a2).StoreUnsafe(ref sums, 40);
                    TStep.Low(a3).StoreUnsafe(ref sums, 48); TStep.High(a3).StoreUnsafe(ref sums, 56);
                    StorePartialBlock(ref store, ref y, p, valid, first, count, partialSums, requantizer);
                }
            }
        }
    }

    /// <summary>The initial sums of one block plus <paramref name="add"/> in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TAcc Plus<TStep, TAcc>(Vector256<int> low, Vector256<int> high, int add) where TStep : struct, IGemmStep<TAcc> where TAcc : struct
    {
        Vector256<int> v = Vector256.Create(add);
        return TStep.Create(low + v, high + v);
    }

    /// <summary>
    /// The segments of an interior window: one contiguous run per filter row (unit dilation across), else one per tap,
    /// their offsets from the window's first value in the order of the filter row, so the panel's steps follow (written to
    /// <paramref name="offsets"/>, with a zero at <see cref="MaxTaps"/> for a gathered row). Returns their count and each
    /// segment's length in steps of four values.
    /// </summary>
    private static (int Count, int Steps) Segments(in Int8GemmShape s, Span<int> offsets)
    {
        int inputDepth = s.InputDepth;
        bool rowRuns = s.DilationWidth == 1;
        int tapsPerRun = rowRuns ? s.FilterWidth : 1, runsPerRow = rowRuns ? 1 : s.FilterWidth;
        for (int fy = 0; fy < s.FilterHeight; fy++)
            for (int fx = 0; fx < runsPerRow; fx++)
                offsets[fy * runsPerRow + fx] = (fy * s.DilationHeight * s.InputWidth + fx * s.DilationWidth) * inputDepth;
        // A gathered row's one segment starts at its beginning.
        offsets[MaxTaps] = 0;
        return (s.FilterHeight * runsPerRow, tapsPerRun * inputDepth / 4);
    }

    /// <summary>1x1, unit strides, no padding, same size: output pixel p reads input pixel p.</summary>
    private static bool IsContiguous(in Int8GemmShape s)
        => s.FilterHeight == 1 && s.FilterWidth == 1 && s.StrideHeight == 1 && s.StrideWidth == 1 && !NeedsRows(s)
           && s.OutputHeight == s.InputHeight && s.OutputWidth == s.InputWidth;

    /// <summary>
    /// Places the windows of the block of output pixels [<paramref name="p"/>, p + <paramref name="valid"/>) (past the last
    /// pixel the last one is repeated: computed, not stored) and returns whether all of them lie inside the input. Then
    /// <paramref name="pixelOffsets"/> are the windows' first values in <paramref name="input"/>; otherwise the windows are
    /// gathered into <paramref name="rows"/> (padding as the zero point) and the offsets are into those rows. The x64 and
    /// Arm64 micro-kernels share this walk.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool PlaceBlock(in Int8GemmShape s, bool contiguous, int p, int valid, ref Cursor cursor, Span<int> pixelOffsets,
        Span<Cursor> at, ReadOnlySpan<sbyte> input, sbyte zeroPoint, Span<sbyte> rows)
    {
        int inputDepth = s.InputDepth;
        if (contiguous)
        {
            // 1x1, unit strides, no padding: output pixel p reads input pixel p.
            for (int i = 0; i < BlockPixels; i++) pixelOffsets[i] = (p + Math.Min(i, valid - 1)) * inputDepth;
            return true;
        }
        bool interior = true;
        for (int i = 0; i < BlockPixels; i++)
        {
            at[i] = cursor;
            if (i + 1 < valid) cursor.Advance(s);
            long iy = (long)at[i].Y * s.StrideHeight - s.PadHeight, ix = (long)at[i].X * s.StrideWidth - s.PadWidth;
            interior &= iy >= 0 && iy + (s.FilterHeight - 1L) * s.DilationHeight < s.InputHeight
                        && ix >= 0 && ix + (s.FilterWidth - 1L) * s.DilationWidth < s.InputWidth;
            pixelOffsets[i] = (int)((((long)at[i].Batch * s.InputHeight + iy) * s.InputWidth + ix) * inputDepth);
        }
        cursor.Advance(s);
        if (interior) return true;
        int depth = (int)s.Depth;
        for (int i = 0; i < BlockPixels; i++)
        {
            Gather(s, input, zeroPoint, at[i], rows.Slice(i * depth, depth));
            pixelOffsets[i] = i * depth;
        }
        return false;
    }

    /// <summary>Copies one output pixel's window into <paramref name="row"/> in the filter's order, the padding as the zero point.</summary>
    private static void Gather(in Int8GemmShape s, ReadOnlySpan<sbyte> input, sbyte zeroPoint, Cursor at, Span<sbyte> row)
    {
        int tap = s.InputDepth, r = 0;
        long yOrigin = (long)at.Y * s.StrideHeight - s.PadHeight, xOrigin = (long)at.X * s.StrideWidth - s.PadWidth;
        for (int fy = 0; fy < s.FilterHeight; fy++)
        {
            long iy = yOrigin + (long)fy * s.DilationHeight;
            for (int fx = 0; fx < s.FilterWidth; fx++, r += tap)
            {
                long ix = xOrigin + (long)fx * s.DilationWidth;
                if ((ulong)iy >= (ulong)s.InputHeight || (ulong)ix >= (ulong)s.InputWidth) row.Slice(r, tap).Fill(zeroPoint);
                else input.Slice((int)((((long)at.Batch * s.InputHeight + iy) * s.InputWidth + ix) * tap), tap).CopyTo(row.Slice(r));
            }
        }
    }

    /// <summary>Requantizes sixteen sums of one pixel and stores them as sixteen bytes in channel order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<int> lowSums, Vector256<int> highSums, in Requantization8 low, in Requantization8 high,
        in Requantization16 both, ref sbyte destination)
    {
        if (Avx512F.IsSupported)
        {
            Int8Requantizer.Apply16(lowSums, highSums, both).StoreUnsafe(ref destination);
            return;
        }
        // Pack within 128-bit lanes gives channels 0-3, 8-11 | 4-7, 12-15; the quadword permute restores the order.
        Vector256<short> words = Avx2.PackSignedSaturate(Int8Requantizer.Apply(lowSums, low), Int8Requantizer.Apply(highSums, high));
        words = Avx2.Permute4x64(words.AsInt64(), 0b11_01_10_00).AsInt16();
        Sse2.PackSignedSaturate(words.GetLower(), words.GetUpper()).StoreUnsafe(ref destination);
    }

    /// <summary>
    /// One step of the micro-kernel for one pixel: four input values (at <c>x</c>) times the panel's sixteen channels'
    /// weights for them, added to the pixel's sixteen lanes. Written once per instruction set.
    /// </summary>
    private interface IGemmStep<TAcc> where TAcc : struct
    {
        static abstract TAcc Create(Vector256<int> low, Vector256<int> high);
        static abstract TAcc Step(TAcc acc, ref sbyte x, ref byte panel);
        static abstract Vector256<int> Low(TAcc acc);
        static abstract Vector256<int> High(TAcc acc);
    }

    /// <summary>Sixteen 32-bit lanes as two 256-bit vectors (channels 0-7 and 8-15).</summary>
    private readonly record struct Pair(Vector256<int> Low, Vector256<int> High);

    /// <summary>Four activation bytes flipped to x + 128 (unsigned) in every 32-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Broadcast(ref sbyte x)
        => (Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref x))) ^ Vector256.Create(unchecked((int)0x80808080))).AsByte();

    private struct VnniStep : IGemmStep<Pair>
    {
        public static Pair Create(Vector256<int> low, Vector256<int> high) => new(low, high);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Pair Step(Pair acc, ref sbyte x, ref byte panel)
        {
            Vector256<byte> v = Broadcast(ref x);
            return new(AvxVnni.MultiplyWideningAndAdd(acc.Low, v, Vector256.LoadUnsafe(ref panel).AsSByte()),
                AvxVnni.MultiplyWideningAndAdd(acc.High, v, Vector256.LoadUnsafe(ref panel, 32).AsSByte()));
        }

        public static Vector256<int> Low(Pair acc) => acc.Low;
        public static Vector256<int> High(Pair acc) => acc.High;
    }

    /// <summary>Byte shuffle that zero-extends activation bytes 0 and 1 into the two 16-bit halves of each lane.</summary>
    private static Vector256<byte> FirstPair
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create(0x80018000u).AsByte();
    }

    /// <summary>The same for activation bytes 2 and 3.</summary>
    private static Vector256<byte> SecondPair
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.Create(0x80038002u).AsByte();
    }

    /// <summary>Exact without VNNI: |(x + 128) * w| &lt;= 255 * 128, so each pair sum fits the 32-bit lane.</summary>
    private struct Avx2Step : IGemmStep<Pair>
    {
        public static Pair Create(Vector256<int> low, Vector256<int> high) => new(low, high);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Pair Step(Pair acc, ref sbyte x, ref byte panel)
        {
            Vector256<byte> v = Broadcast(ref x);
            Vector256<short> first = Avx2.Shuffle(v, FirstPair).AsInt16(), second = Avx2.Shuffle(v, SecondPair).AsInt16();
            Vector256<int> low = acc.Low + Avx2.MultiplyAddAdjacent(first, Vector256.LoadUnsafe(ref panel).AsInt16())
                                         + Avx2.MultiplyAddAdjacent(second, Vector256.LoadUnsafe(ref panel, 64).AsInt16());
            Vector256<int> high = acc.High + Avx2.MultiplyAddAdjacent(first, Vector256.LoadUnsafe(ref panel, 32).AsInt16())
                                           + Avx2.MultiplyAddAdjacent(second, Vector256.LoadUnsafe(ref panel, 96).AsInt16());
            return new(low, high);
        }

        public static Vector256<int> Low(Pair acc) => acc.Low;
        public static Vector256<int> High(Pair acc) => acc.High;
    }

    /// <summary>The AVX2 step in one 512-bit vector (the panel's sixteen channels of a pair are contiguous).</summary>
    private struct Avx512Step : IGemmStep<Vector512<int>>
    {
        public static Vector512<int> Create(Vector256<int> low, Vector256<int> high) => Vector512.Create(low, high);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Step(Vector512<int> acc, ref sbyte x, ref byte panel)
        {
            Vector512<byte> v = (Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref x))) ^ Vector512.Create(unchecked((int)0x80808080))).AsByte();
            Vector512<short> first = Avx512BW.Shuffle(v, Vector512.Create(FirstPair, FirstPair)).AsInt16();
            Vector512<short> second = Avx512BW.Shuffle(v, Vector512.Create(SecondPair, SecondPair)).AsInt16();
            return acc + Avx512BW.MultiplyAddAdjacent(first, Vector512.LoadUnsafe(ref panel).AsInt16())
                       + Avx512BW.MultiplyAddAdjacent(second, Vector512.LoadUnsafe(ref panel, 64).AsInt16());
        }

        public static Vector256<int> Low(Vector512<int> acc) => acc.GetLower();
        public static Vector256<int> High(Vector512<int> acc) => acc.GetUpper();
    }
}
