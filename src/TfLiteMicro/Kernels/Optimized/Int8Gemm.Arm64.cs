using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The Arm64 micro-kernels of the GEMM core: the same blocks of <see cref="BlockPixels"/> output pixels times
/// <see cref="BlockChannels"/> output channels, the sixteen sums of each pixel in four 128-bit vectors (four channels
/// each), 32-bit lanes only, never a horizontal sum. The activations are used as they are (signed), one 128-bit load
/// covering four steps of a pixel, each step's four bytes selected by lane index:
/// <list type="bullet">
/// <item>ArmDot: SDOT by element; the panel is the AVX-VNNI one (per step, each channel's four weights in its lane).</item>
/// <item>Vector128 (Arm64 without the dot product): SMLAL by element of 16-bit weights ([step][value][16 channels]) and
/// the widened activation value, into the 32-bit lanes.</item>
/// </list>
/// The core's initial sums carry (offset - 128) * sum w (x64 takes x + 128); with signed activations the step sums
/// w * x, so each block's start adds 128 * sum w, summed from the panel itself: the total is w * (x + offset) as before.
/// </summary>
internal static partial class Int8Gemm
{
    /// <summary>Whether the Arm64 micro-kernels run at <paramref name="level"/>: SDOT at ArmDot, widening multiply-accumulate at Vector128.</summary>
    private static bool ArmApplies(SimdLevel level)
        => AdvSimd.Arm64.IsSupported && (level == SimdLevel.Vector128 || (level == SimdLevel.ArmDot && Dp.IsSupported));

    /// <summary>One block's panel for the Arm64 micro-kernel of <paramref name="level"/> (operands checked by <see cref="Arrange"/>).</summary>
    private static void ArrangeArm(SimdLevel level, ReadOnlySpan<sbyte> weights, int depth, int channels, int block, Span<byte> panel)
    {
        int steps = depth / 4, first = block * BlockChannels, count = Math.Min(BlockChannels, channels - first);
        if (level == SimdLevel.ArmDot)
        {
            Span<int> lanes = MemoryMarshal.Cast<byte, int>(panel);
            ref byte w = ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetReference(weights));
            for (int j = 0; j < BlockChannels; j++)
            {
                if (j < count) ArrangeSteps(ref w, depth, first + j, j, 0, steps, vnni: true, lanes);
                else for (int g = 0; g < steps; g++) lanes[g * BlockChannels + j] = 0;
            }
            return;
        }
        Span<short> values = MemoryMarshal.Cast<byte, short>(panel);
        for (int j = 0; j < BlockChannels; j++)
        {
            ReadOnlySpan<sbyte> row = j < count ? weights.Slice((first + j) * depth, depth) : default;
            for (int d = 0; d < 4 * steps; d++) values[d * BlockChannels + j] = j < count ? row[d] : (short)0;
        }
    }

    /// <summary>
    /// The blocks of <see cref="Execute"/> on Arm64 (operands checked there): the sums initial[c] + rowSumFactor * sum w[c]
    /// + pixelAdd[pixel] + sum over the window of (x + 128) * w[c], wrapping in 32 bits, to the store; <paramref name="initial"/>
    /// and <paramref name="pixelAdd"/> may be empty (zeros); only the blocks in [firstBlock, endBlock) are computed.
    /// </summary>
    [SkipLocalsInit]
    private static void RunArmBlocks<TStep, TStore>(ref TStore store, SimdLevel level, in Int8GemmShape s, ReadOnlySpan<sbyte> input, sbyte zeroPoint,
        ReadOnlySpan<sbyte> weights, ReadOnlySpan<byte> arranged, ReadOnlySpan<int> initial, in Int8Requantizer requantizer, ref byte y, Span<byte> scratch,
        int rowSumFactor, ReadOnlySpan<int> pixelAdd, int firstBlock, int endBlock)
        where TStep : struct, IArmGemmStep where TStore : struct, IGemmStore
    {
        int channels = s.OutputDepth, steps = (int)s.Depth / 4, stepBytes = StepBytes(level), pixels = (int)s.Pixels;
        var walk = new BlockWalk(level, s, input, zeroPoint, weights, arranged, scratch, stackalloc int[BlockWalk.StackInts]);
        Span<int> partialSums = walk.PartialSums, partialInitial = walk.PartialInitial;
        for (int block = firstBlock; block < endBlock; block++)
        {
            int first = block * BlockChannels, count = Math.Min(BlockChannels, channels - first);
            ref byte panel = ref walk.BeginBlock(block);
            bool whole = count == BlockChannels;
            bool direct = whole && !initial.IsEmpty;
            if (!direct)
            {
                partialInitial.Clear();
                if (!initial.IsEmpty) initial.Slice(first, count).CopyTo(partialInitial);
            }
            ref int init = ref direct ? ref Unsafe.Add(ref MemoryMarshal.GetReference(initial), first) : ref MemoryMarshal.GetReference(partialInitial);
            // The block's start: the initial sums plus (128 + rowSumFactor) * (sum of each channel's weights), 128 of it
            // for the signed activations.
            Lanes16 weightSums = default;
            ref byte stepAt = ref panel;
            for (int g = 0; g < steps; g++, stepAt = ref Unsafe.Add(ref stepAt, stepBytes)) weightSums = TStep.WeightSums(weightSums, ref stepAt);
            Vector128<int> factor = Vector128.Create(unchecked(128 + rowSumFactor));
            Lanes16 start = new(
                Vector128.LoadUnsafe(ref init) + weightSums.C0 * factor,
                Vector128.LoadUnsafe(ref init, 4) + weightSums.C1 * factor,
                Vector128.LoadUnsafe(ref init, 8) + weightSums.C2 * factor,
                Vector128.LoadUnsafe(ref init, 12) + weightSums.C3 * factor);

            for (int p = 0; p < pixels; p += BlockPixels)
            {
                int valid = Math.Min(BlockPixels, pixels - p);
                PixelBlock placed = walk.Place(p, valid);
                int blockSteps = placed.Steps;
                Lanes16 a0 = start, a1 = start, a2 = start, a3 = start;
                if (!pixelAdd.IsEmpty)
                {
                    a0 = start.Plus(pixelAdd[p]);
                    a1 = start.Plus(pixelAdd[p + Math.Min(1, valid - 1)]);
                    a2 = start.Plus(pixelAdd[p + Math.Min(2, valid - 1)]);
                    a3 = start.Plus(pixelAdd[p + Math.Min(3, valid - 1)]);
                }
                ref byte step = ref panel;
                for (int segment = 0; segment < placed.Segments; segment++)
                {
                    int offset = placed.Offset(segment);
                    ref sbyte p0 = ref Unsafe.Add(ref placed.X0, offset), p1 = ref Unsafe.Add(ref placed.X1, offset);
                    ref sbyte p2 = ref Unsafe.Add(ref placed.X2, offset), p3 = ref Unsafe.Add(ref placed.X3, offset);
                    int g = 0;
                    // Four steps per load (sixteen values of each pixel), each step's quad picked by lane index.
                    for (; g + 4 <= blockSteps; g += 4)
                    {
                        nuint at16 = (nuint)(4 * g);
                        Vector128<sbyte> v0 = Vector128.LoadUnsafe(ref p0, at16), v1 = Vector128.LoadUnsafe(ref p1, at16);
                        Vector128<sbyte> v2 = Vector128.LoadUnsafe(ref p2, at16), v3 = Vector128.LoadUnsafe(ref p3, at16);
                        TStep.Step(ref a0, ref a1, ref a2, ref a3, v0, v1, v2, v3, 0, ref step);
                        TStep.Step(ref a0, ref a1, ref a2, ref a3, v0, v1, v2, v3, 1, ref Unsafe.Add(ref step, stepBytes));
                        TStep.Step(ref a0, ref a1, ref a2, ref a3, v0, v1, v2, v3, 2, ref Unsafe.Add(ref step, 2 * stepBytes));
                        TStep.Step(ref a0, ref a1, ref a2, ref a3, v0, v1, v2, v3, 3, ref Unsafe.Add(ref step, 3 * stepBytes));
                        step = ref Unsafe.Add(ref step, 4 * stepBytes);
                    }
                    for (; g < blockSteps; g++)
                    {
                        int at4 = 4 * g;
                        TStep.Step(ref a0, ref a1, ref a2, ref a3, Quad(ref Unsafe.Add(ref p0, at4)), Quad(ref Unsafe.Add(ref p1, at4)),
                            Quad(ref Unsafe.Add(ref p2, at4)), Quad(ref Unsafe.Add(ref p3, at4)), 0, ref step);
                        step = ref Unsafe.Add(ref step, stepBytes);
                    }
                }

                if (whole)
                {
                    store.Store(ref y, p, first, a0, requantizer);
                    if (valid > 1) store.Store(ref y, p + 1, first, a1, requantizer);
                    if (valid > 2) store.Store(ref y, p + 2, first, a2, requantizer);
                    if (valid > 3) store.Store(ref y, p + 3, first, a3, requantizer);
                }
                else
                {
                    ref int sums = ref MemoryMarshal.GetReference(partialSums);
                    a0.StoreUnsafe(ref sums, 0);
                    a1.StoreUnsafe(ref sums, 16);
                    a2.StoreUnsafe(ref sums, 32);
                    a3.StoreUnsafe(ref sums, 48);
                    StorePartialBlock(ref store, ref y, p, valid, first, count, partialSums, requantizer);
                }
            }
        }
    }

    /// <summary>Four activation bytes in the first lane (a last step of fewer than four left in a segment).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Quad(ref sbyte x) => Vector128.CreateScalar(Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref x))).AsSByte();

    /// <summary>Requantizes one pixel's sixteen sums (channels from <paramref name="first"/>) and stores them as sixteen bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreArm(in Lanes16 sums, in Int8Requantizer requantizer, int first, ref sbyte destination)
    {
        Int8Requantizer.Store8(requantizer.Apply4(sums.C0, first), requantizer.Apply4(sums.C1, first + 4), ref destination);
        Int8Requantizer.Store8(requantizer.Apply4(sums.C2, first + 8), requantizer.Apply4(sums.C3, first + 12), ref Unsafe.Add(ref destination, 8));
    }

    /// <summary>One pixel's sixteen 32-bit sums: channels 0-3, 4-7, 8-11, 12-15.</summary>
    private readonly record struct Lanes16(Vector128<int> C0, Vector128<int> C1, Vector128<int> C2, Vector128<int> C3)
    {
        /// <summary>These sums plus <paramref name="add"/> in every lane.</summary>
        public Lanes16 Plus(int add)
        {
            Vector128<int> v = Vector128.Create(add);
            return new(C0 + v, C1 + v, C2 + v, C3 + v);
        }

        public void StoreUnsafe(ref int destination, nuint at)
        {
            C0.StoreUnsafe(ref destination, at);
            C1.StoreUnsafe(ref destination, at + 4);
            C2.StoreUnsafe(ref destination, at + 8);
            C3.StoreUnsafe(ref destination, at + 12);
        }
    }

    /// <summary>One step of the Arm64 micro-kernel for the block's four pixels, written once per instruction set.</summary>
    private interface IArmGemmStep
    {
        /// <summary>
        /// Adds the products of each pixel's step values (bytes [4 <paramref name="quad"/>, 4 <paramref name="quad"/> + 4) of
        /// its vector) and the panel's weights for them to the pixel's sixteen lanes.
        /// </summary>
        static abstract void Step(ref Lanes16 a0, ref Lanes16 a1, ref Lanes16 a2, ref Lanes16 a3,
            Vector128<sbyte> x0, Vector128<sbyte> x1, Vector128<sbyte> x2, Vector128<sbyte> x3, [ConstantExpected(Max = 3)] byte quad, ref byte panel);

        /// <summary>Adds the step's four weights of each channel to its lane.</summary>
        static abstract Lanes16 WeightSums(Lanes16 sums, ref byte panel);
    }

    /// <summary>SDOT by element: lane c gets the four products of channel c's weights and the pixel's selected quad.</summary>
    private struct DotStep : IArmGemmStep
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Step(ref Lanes16 a0, ref Lanes16 a1, ref Lanes16 a2, ref Lanes16 a3,
            Vector128<sbyte> x0, Vector128<sbyte> x1, Vector128<sbyte> x2, Vector128<sbyte> x3, [ConstantExpected(Max = 3)] byte quad, ref byte panel)
        {
            Vector128<sbyte> w0 = Vector128.LoadUnsafe(ref panel).AsSByte(), w1 = Vector128.LoadUnsafe(ref panel, 16).AsSByte();
            Vector128<sbyte> w2 = Vector128.LoadUnsafe(ref panel, 32).AsSByte(), w3 = Vector128.LoadUnsafe(ref panel, 48).AsSByte();
            a0 = Dot(a0, w0, w1, w2, w3, x0, quad);
            a1 = Dot(a1, w0, w1, w2, w3, x1, quad);
            a2 = Dot(a2, w0, w1, w2, w3, x2, quad);
            a3 = Dot(a3, w0, w1, w2, w3, x3, quad);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Lanes16 Dot(in Lanes16 a, Vector128<sbyte> w0, Vector128<sbyte> w1, Vector128<sbyte> w2, Vector128<sbyte> w3, Vector128<sbyte> x,
            [ConstantExpected(Max = 3)] byte quad)
            => new(Dp.DotProductBySelectedQuadruplet(a.C0, w0, x, quad), Dp.DotProductBySelectedQuadruplet(a.C1, w1, x, quad),
                Dp.DotProductBySelectedQuadruplet(a.C2, w2, x, quad), Dp.DotProductBySelectedQuadruplet(a.C3, w3, x, quad));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes16 WeightSums(Lanes16 sums, ref byte panel)
            => new(Dp.DotProduct(sums.C0, Vector128.LoadUnsafe(ref panel).AsSByte(), Vector128<sbyte>.One),
                Dp.DotProduct(sums.C1, Vector128.LoadUnsafe(ref panel, 16).AsSByte(), Vector128<sbyte>.One),
                Dp.DotProduct(sums.C2, Vector128.LoadUnsafe(ref panel, 32).AsSByte(), Vector128<sbyte>.One),
                Dp.DotProduct(sums.C3, Vector128.LoadUnsafe(ref panel, 48).AsSByte(), Vector128<sbyte>.One));
    }

    /// <summary>
    /// Without the dot product: the step's four values of each pixel widened to 16 bits, then for each value one SMLAL
    /// (by element) per four channels of 16-bit weights, the products widened into the 32-bit lanes.
    /// </summary>
    private struct WideningStep : IArmGemmStep
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Step(ref Lanes16 a0, ref Lanes16 a1, ref Lanes16 a2, ref Lanes16 a3,
            Vector128<sbyte> x0, Vector128<sbyte> x1, Vector128<sbyte> x2, Vector128<sbyte> x3, [ConstantExpected(Max = 3)] byte quad, ref byte panel)
        {
            Vector64<short> y0 = Widen(x0, quad), y1 = Widen(x1, quad), y2 = Widen(x2, quad), y3 = Widen(x3, quad);
            Value(ref a0, ref a1, ref a2, ref a3, y0, y1, y2, y3, 0, ref panel);
            Value(ref a0, ref a1, ref a2, ref a3, y0, y1, y2, y3, 1, ref Unsafe.Add(ref panel, 32));
            Value(ref a0, ref a1, ref a2, ref a3, y0, y1, y2, y3, 2, ref Unsafe.Add(ref panel, 64));
            Value(ref a0, ref a1, ref a2, ref a3, y0, y1, y2, y3, 3, ref Unsafe.Add(ref panel, 96));
        }

        /// <summary>Bytes [4 quad, 4 quad + 4) of <paramref name="x"/> sign-extended to four 16-bit values.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector64<short> Widen(Vector128<sbyte> x, [ConstantExpected(Max = 3)] byte quad)
            => AdvSimd.SignExtendWideningLower(Vector64.CreateScalar(x.AsInt32().GetElement(quad)).AsSByte()).GetLower();

        /// <summary>Value <paramref name="k"/> of the step: its sixteen channels' 16-bit weights times each pixel's value k.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Value(ref Lanes16 a0, ref Lanes16 a1, ref Lanes16 a2, ref Lanes16 a3,
            Vector64<short> y0, Vector64<short> y1, Vector64<short> y2, Vector64<short> y3, [ConstantExpected(Max = 3)] byte k, ref byte panel)
        {
            Vector128<short> low = Vector128.LoadUnsafe(ref panel).AsInt16(), high = Vector128.LoadUnsafe(ref panel, 16).AsInt16();
            a0 = MultiplyAdd(a0, low, high, y0, k);
            a1 = MultiplyAdd(a1, low, high, y1, k);
            a2 = MultiplyAdd(a2, low, high, y2, k);
            a3 = MultiplyAdd(a3, low, high, y3, k);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Lanes16 MultiplyAdd(in Lanes16 a, Vector128<short> low, Vector128<short> high, Vector64<short> y, [ConstantExpected(Max = 3)] byte k)
            => new(AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(a.C0, low.GetLower(), y, k),
                AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(a.C1, low, y, k),
                AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(a.C2, high.GetLower(), y, k),
                AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(a.C3, high, y, k));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes16 WeightSums(Lanes16 sums, ref byte panel)
        {
            for (int k = 0; k < 4; k++)
            {
                Vector128<short> low = Vector128.LoadUnsafe(ref panel, (nuint)(32 * k)).AsInt16(), high = Vector128.LoadUnsafe(ref panel, (nuint)(32 * k + 16)).AsInt16();
                sums = new(AdvSimd.AddWideningLower(sums.C0, low.GetLower()), AdvSimd.AddWideningUpper(sums.C1, low),
                    AdvSimd.AddWideningLower(sums.C2, high.GetLower()), AdvSimd.AddWideningUpper(sums.C3, high));
            }
            return sums;
        }
    }
}
