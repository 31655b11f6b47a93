using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>
/// 1x1 int8 convolution with few input channels, where one dot product per output channel is too short to fill a
/// vector. Instead each 32-bit lane holds one of eight output channels: four input channels of a pixel are broadcast
/// to all lanes and multiplied (AVX-VNNI, unsigned x + 128 by signed weights) with those four channels' weights of the
/// eight output channels. The lanes then hold the eight sums directly, with no horizontal reduction, ready for the
/// eight-channel requantization. The weights are read from the model and regrouped per eight channels on the stack.
/// </summary>
internal static class Int8PointwiseConv
{
    /// <summary>Largest input depth the regrouped weights of one eight-channel block fit on the stack for.</summary>
    public const int MaxDepth = 512;

    /// <summary>
    /// Whether the lane-per-channel form applies: AVX-VNNI with whole groups of four input channels, or AVX2 with whole
    /// pairs, and at least eight outputs.
    /// </summary>
    public static bool Applies(SimdLevel level, int depth, int channels)
        => depth > 0 && depth <= MaxDepth && channels >= 8 && (level, depth % 4) switch
        {
            (SimdLevel.AvxVnni, 0) => AvxVnni.IsSupported,
            (SimdLevel.AvxVnni or SimdLevel.Avx2, 0 or 2) => Avx2.IsSupported,
            _ => false,
        };

    /// <summary>
    /// For every output pixel (b, oy, ox), reading the input pixel (b, oy * strideHeight, ox * strideWidth):
    /// output[pixel, o] = requantized(initial[o] + sum over d of (x[d] + 128) * weights[o, d]).
    /// </summary>
    [SkipLocalsInit]
    public static void Run(SimdLevel level, ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> initial, Int8Requantizer requantizer,
        Span<sbyte> output, int batches, int inputHeight, int inputWidth, int depth, int outputHeight, int outputWidth,
        int strideHeight, int strideWidth, int channels)
    {
        if (!Applies(level, depth, channels) || !requantizer.Vectorized)
            throw new ArgumentException("pointwise form does not apply");
        bool vnni = level == SimdLevel.AvxVnni && depth % 4 == 0;
        if (batches <= 0 || outputHeight <= 0 || outputWidth <= 0) return;
        long lastPixel = ((long)(batches - 1) * inputHeight + (long)(outputHeight - 1) * strideHeight) * inputWidth + (long)(outputWidth - 1) * strideWidth;
        if ((outputHeight - 1L) * strideHeight >= inputHeight || (outputWidth - 1L) * strideWidth >= inputWidth
            || (lastPixel + 1) * depth > input.Length || (long)channels * depth > weights.Length || initial.Length < channels
            || (long)batches * outputHeight * outputWidth * channels > output.Length)
            throw new ArgumentException("pointwise operands are too short");

        if (vnni) RunBlocks<VnniQuads>(input, weights, initial, requantizer, output, batches, inputHeight, inputWidth, depth, outputHeight, outputWidth, strideHeight, strideWidth, channels);
        else RunBlocks<Avx2Pairs>(input, weights, initial, requantizer, output, batches, inputHeight, inputWidth, depth, outputHeight, outputWidth, strideHeight, strideWidth, channels);
        RunRemainingChannels(input, weights, initial, requantizer, output, batches, inputHeight, inputWidth, depth, outputHeight, outputWidth,
            strideHeight, strideWidth, channels, channels / 8 * 8);
    }

    /// <summary>
    /// The walk over whole blocks of eight output channels and every output pixel, written once: each block's weights
    /// regrouped by <typeparamref name="TStep"/>, then one eight-lane sum per pixel, requantized and stored.
    /// </summary>
    [SkipLocalsInit]
    private static void RunBlocks<TStep>(ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> initial, Int8Requantizer requantizer,
        Span<sbyte> output, int batches, int inputHeight, int inputWidth, int depth, int outputHeight, int outputWidth,
        int strideHeight, int strideWidth, int channels)
        where TStep : struct, IPointwiseStep
    {
        // Sized for the wider of the two regroupings (pairs: MaxDepth / 2 groups of eight lanes).
        Span<int> block = stackalloc int[MaxDepth / 2 * 8];
        // One pixel's x + 128 as 16-bit values for the pair form, so that each pair is one 32-bit broadcast.
        Span<short> widened = stackalloc short[MaxDepth + 16];
        ref sbyte x = ref MemoryMarshal.GetReference(input);
        ref sbyte w = ref MemoryMarshal.GetReference(weights);
        ref sbyte y = ref MemoryMarshal.GetReference(output);
        ref int blockRef = ref MemoryMarshal.GetReference(block);
        ref short wideRef = ref MemoryMarshal.GetReference(widened);
        int fullBlocks = channels / 8;
        for (int ob = 0; ob < fullBlocks; ob++)
        {
            int o0 = ob * 8;
            TStep.Regroup(ref Unsafe.Add(ref w, o0 * depth), depth, ref blockRef);
            Vector256<int> start = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(initial), (nuint)o0);
            int pixel = 0;
            for (int b = 0; b < batches; b++)
            {
                for (int oy = 0; oy < outputHeight; oy++)
                {
                    int rowBase = (b * inputHeight + oy * strideHeight) * inputWidth;
                    for (int ox = 0; ox < outputWidth; ox++, pixel++)
                    {
                        ref byte px = ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref x, (rowBase + ox * strideWidth) * depth));
                        Vector256<int> sums = TStep.Sum(ref px, depth, ref blockRef, ref wideRef, start);
                        Int8Requantizer.Store8(requantizer.Apply8(sums, o0), ref Unsafe.Add(ref y, pixel * channels + o0));
                    }
                }
            }
        }
    }

    /// <summary>One instruction set's form of a block of eight output channels (see <see cref="RunBlocks{TStep}"/>).</summary>
    private interface IPointwiseStep
    {
        /// <summary>Regroups the weights of eight output channels (rows of <paramref name="depth"/> from <paramref name="w"/>) into lanes.</summary>
        static abstract void Regroup(ref sbyte w, int depth, ref int block);

        /// <summary><paramref name="start"/> plus, in lane j, the sum over d of (x[d] + 128) * weights[j, d] of one pixel.</summary>
        static abstract Vector256<int> Sum(ref byte px, int depth, ref int block, ref short widened, Vector256<int> start);
    }

    /// <summary>AVX-VNNI: groups of four input channels, unsigned x + 128 by signed weights in one multiply-add.</summary>
    private readonly struct VnniQuads : IPointwiseStep
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Regroup(ref sbyte w, int depth, ref int block)
        {
            // Lane j of group g holds input channels 4g..4g+3 of output channel j.
            for (int g = 0; g < depth / 4; g++)
                for (int j = 0; j < 8; j++)
                    Unsafe.Add(ref block, g * 8 + j) = Unsafe.ReadUnaligned<int>(ref Unsafe.As<sbyte, byte>(ref Unsafe.Add(ref w, j * depth + g * 4)));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Sum(ref byte px, int depth, ref int block, ref short widened, Vector256<int> start)
        {
            Vector256<int> flip = Vector256.Create(unchecked((int)0x80808080));
            Vector256<int> a0 = start, a1 = Vector256<int>.Zero;
            int groups = depth / 4, g = 0;
            for (; g + 2 <= groups; g += 2)
            {
                Vector256<int> v0 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref px, g * 4))) ^ flip;
                Vector256<int> v1 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref px, g * 4 + 4))) ^ flip;
                a0 = AvxVnni.MultiplyWideningAndAdd(a0, v0.AsByte(), Vector256.LoadUnsafe(ref block, (nuint)(g * 8)).AsSByte());
                a1 = AvxVnni.MultiplyWideningAndAdd(a1, v1.AsByte(), Vector256.LoadUnsafe(ref block, (nuint)(g * 8 + 8)).AsSByte());
            }
            if (g < groups)
            {
                Vector256<int> v0 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref px, g * 4))) ^ flip;
                a0 = AvxVnni.MultiplyWideningAndAdd(a0, v0.AsByte(), Vector256.LoadUnsafe(ref block, (nuint)(g * 8)).AsSByte());
            }
            return a0 + a1;
        }
    }

    /// <summary>
    /// Without VNNI: pairs of input channels, x + 128 and the weights both as 16-bit values in each 32-bit lane, multiplied
    /// and pair-summed exactly into 32 bits (|products| &lt;= 255 * 128).
    /// </summary>
    private readonly struct Avx2Pairs : IPointwiseStep
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Regroup(ref sbyte w, int depth, ref int block)
        {
            for (int p = 0; p < depth / 2; p++)
            {
                for (int j = 0; j < 8; j++)
                {
                    ref sbyte wp = ref Unsafe.Add(ref w, j * depth + p * 2);
                    Unsafe.Add(ref block, p * 8 + j) = (ushort)(short)wp | (Unsafe.Add(ref wp, 1) << 16);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Sum(ref byte px, int depth, ref int block, ref short widened, Vector256<int> start)
        {
            Vector128<byte> flip = Vector128.Create((byte)0x80);
            int d = 0;
            for (; d + 16 <= depth; d += 16)
                Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref px, (nuint)d) ^ flip).StoreUnsafe(ref widened, (nuint)d);
            for (; d < depth; d++) Unsafe.Add(ref widened, d) = (short)(Unsafe.Add(ref px, d) ^ 0x80);
            ref int widePairs = ref Unsafe.As<short, int>(ref widened);
            Vector256<int> a0 = start, a1 = Vector256<int>.Zero;
            int pairs = depth / 2, p = 0;
            for (; p + 2 <= pairs; p += 2)
            {
                a0 += Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.Add(ref widePairs, p)).AsInt16(), Vector256.LoadUnsafe(ref block, (nuint)(p * 8)).AsInt16());
                a1 += Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.Add(ref widePairs, p + 1)).AsInt16(), Vector256.LoadUnsafe(ref block, (nuint)(p * 8 + 8)).AsInt16());
            }
            if (p < pairs)
                a0 += Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.Add(ref widePairs, p)).AsInt16(), Vector256.LoadUnsafe(ref block, (nuint)(p * 8)).AsInt16());
            return a0 + a1;
        }
    }

    /// <summary>Channels past the last whole block of eight: one dot product each.</summary>
    private static void RunRemainingChannels(ReadOnlySpan<sbyte> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<int> initial, Int8Requantizer requantizer,
        Span<sbyte> output, int batches, int inputHeight, int inputWidth, int depth, int outputHeight, int outputWidth,
        int strideHeight, int strideWidth, int channels, int first)
    {
        if (first == channels) return;
        ref sbyte x = ref MemoryMarshal.GetReference(input);
        ref sbyte w = ref MemoryMarshal.GetReference(weights);
        ref sbyte y = ref MemoryMarshal.GetReference(output);
        int pixelIndex = 0;
        for (int b = 0; b < batches; b++)
        {
            for (int oy = 0; oy < outputHeight; oy++)
            {
                int rowBase = (b * inputHeight + oy * strideHeight) * inputWidth;
                for (int ox = 0; ox < outputWidth; ox++, pixelIndex++)
                {
                    ref sbyte px = ref Unsafe.Add(ref x, (rowBase + ox * strideWidth) * depth);
                    for (int o = first; o < channels; o++)
                    {
                        ref sbyte wo = ref Unsafe.Add(ref w, o * depth);
                        int total = initial[o];
                        for (int d = 0; d < depth; d++) total += (Unsafe.Add(ref px, d) + 128) * Unsafe.Add(ref wo, d);
                        Unsafe.Add(ref y, pixelIndex * channels + o) = requantizer.Apply1(total, o);
                    }
                }
            }
        }
    }
}
