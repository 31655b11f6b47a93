using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The optimized int8 path of AVERAGE_POOL_2D: sixteen channels at a time (thirty-two with AVX2), window sums widened to 16 bits (32 bits for
/// windows over 256 elements), then the reference's rounded mean through a float division that is exact here.
/// </summary>
internal sealed partial class AveragePool2D
{
    /// <summary>
    /// The most elements a window may have for the float quotient to be exact. With n = |sum| + count/2 below
    /// 129 * count (under 2^24), n and count are exact floats; a quotient n/count that is not an integer lies at least
    /// 1/count below the next integer k &lt;= 129, and half a float ulp there is at most 129 * 2^-24, less than 1/count;
    /// so the correctly rounded quotient, truncated, is the integer quotient.
    /// </summary>
    private const int MaxExactWindow = 1 << 16;

    /// <summary>Windows of at most this many elements keep their sums in 16 bits (256 * -128 is the 16-bit minimum).</summary>
    private const int MaxNarrowWindow = 256;

    private bool _int8Optimized, _narrowSums;

    /// <summary>With AVX2, thirty-two channels at a time in 256-bit vectors (16-bit sums only).</summary>
    private bool _wideVectors;

    protected override void PrepareOptimized(PrepareContext context)
    {
        PoolWindow w = Window;
        // A window clipped to the image has at most min(filter, input) rows and columns.
        long largest = (long)Math.Max(0, Math.Min(w.FilterHeight, w.InputHeight)) * Math.Max(0, Math.Min(w.FilterWidth, w.InputWidth));
        SimdLevel level = Simd.For(context);
        _int8Optimized = Window.Type == TensorType.Int8 && level != SimdLevel.Reference && largest <= MaxExactWindow;
        _narrowSums = largest <= MaxNarrowWindow;
        _wideVectors = _narrowSums && level >= SimdLevel.Avx2 && Vector256.IsHardwareAccelerated;
    }

    protected override bool RunOptimized(InvokeContext context)
    {
        if (!_int8Optimized) return false;
        RunInt8Optimized(context.Input<sbyte>(0), context.Output<sbyte>(0));
        return true;
    }

    private void RunInt8Optimized(ReadOnlySpan<sbyte> input, Span<sbyte> output)
        => Int8PoolWalk.Run(Window, input, output, new MeanPixel(Window.QuantizedMin, Window.QuantizedMax, _narrowSums, _wideVectors));

    private readonly struct MeanPixel(int min, int max, bool narrowSums, bool wideVectors) : IInt8PoolPixel
    {
        private readonly Vector128<int> _low = Vector128.Create(min), _high = Vector128.Create(max);
        private readonly Vector256<int> _low256 = Vector256.Create(min), _high256 = Vector256.Create(max);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Run(ref sbyte x, Span<sbyte> output, in Int8PoolWindow window)
        {
            int count = window.Count;
            // As in the reference, a window entirely outside the image leaves its output untouched.
            if (count == 0) return;
            int depth = window.Depth, c = 0;
            Vector128<int> half = Vector128.Create(count / 2);
            Vector128<float> divisor = Vector128.Create((float)count);
            if (wideVectors)
            {
                Vector256<int> half256 = Vector256.Create(count / 2);
                Vector256<float> divisor256 = Vector256.Create((float)count);
                for (; c + 32 <= depth; c += 32)
                {
                    var sums = new ShortSums<Bytes32, Vector256<short>>();
                    window.Accumulate(ref x, c, ref sums);
                    (Vector256<int> s0, Vector256<int> s1) = Vector256.Widen(sums.Lower);
                    (Vector256<int> s2, Vector256<int> s3) = Vector256.Widen(sums.Upper);
                    Vector256<short> q01 = Vector256.Narrow(Mean(s0, half256, divisor256, _low256, _high256), Mean(s1, half256, divisor256, _low256, _high256));
                    Vector256<short> q23 = Vector256.Narrow(Mean(s2, half256, divisor256, _low256, _high256), Mean(s3, half256, divisor256, _low256, _high256));
                    Vector256.Narrow(q01, q23).CopyTo(output.Slice(c, 32));
                }
            }
            for (; c + 16 <= depth; c += 16)
            {
                Vector128<int> s0, s1, s2, s3;
                if (narrowSums)
                {
                    var sums = new ShortSums<Bytes16, Vector128<short>>();
                    window.Accumulate(ref x, c, ref sums);
                    (s0, s1) = Vector128.Widen(sums.Lower);
                    (s2, s3) = Vector128.Widen(sums.Upper);
                }
                else
                {
                    var sums = new IntSums16();
                    window.Accumulate(ref x, c, ref sums);
                    (s0, s1, s2, s3) = (sums.S0, sums.S1, sums.S2, sums.S3);
                }
                Vector128<short> q01 = Vector128.Narrow(Mean(s0, half, divisor, _low, _high), Mean(s1, half, divisor, _low, _high));
                Vector128<short> q23 = Vector128.Narrow(Mean(s2, half, divisor, _low, _high), Mean(s3, half, divisor, _low, _high));
                Vector128.Narrow(q01, q23).CopyTo(output.Slice(c, 16));
            }
            for (; c < depth; c++)
            {
                var sum = new Sum1();
                window.Accumulate(ref x, c, ref sum);
                output[c] = (sbyte)Math.Min(Math.Max(PoolArithmetic.RoundedMean(sum.Value, count), min), max);
            }
        }
    }

    /// <summary>
    /// A vector of channels' sums in 16-bit lanes (windows of at most <see cref="MaxNarrowWindow"/> elements): the lower and
    /// upper halves of the channels, widened from bytes by <typeparamref name="TLanes"/>.
    /// </summary>
    private struct ShortSums<TLanes, TWords> : IWindowAccumulator
        where TLanes : struct, IWideningLoad<TWords>
        where TWords : struct
    {
        public TWords Lower, Upper;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ref sbyte x, int at)
        {
            (TWords l, TWords u) = TLanes.Load(ref x, at);
            Lower = TLanes.Add(Lower, l);
            Upper = TLanes.Add(Upper, u);
        }
    }

    /// <summary>One vector width's load of bytes widened to two vectors of 16-bit lanes, and their addition.</summary>
    private interface IWideningLoad<TWords> where TWords : struct
    {
        static abstract (TWords Lower, TWords Upper) Load(ref sbyte x, int at);
        static abstract TWords Add(TWords a, TWords b);
    }

    /// <summary>Thirty-two channels (AVX2).</summary>
    private readonly struct Bytes32 : IWideningLoad<Vector256<short>>
    {
        public static (Vector256<short> Lower, Vector256<short> Upper) Load(ref sbyte x, int at) => Vector256.Widen(Vector256.LoadUnsafe(ref x, (nuint)at));
        public static Vector256<short> Add(Vector256<short> a, Vector256<short> b) => a + b;
    }

    /// <summary>Sixteen channels.</summary>
    private readonly struct Bytes16 : IWideningLoad<Vector128<short>>
    {
        public static (Vector128<short> Lower, Vector128<short> Upper) Load(ref sbyte x, int at) => Vector128.Widen(Vector128.LoadUnsafe(ref x, (nuint)at));
        public static Vector128<short> Add(Vector128<short> a, Vector128<short> b) => a + b;
    }

    /// <summary>Sixteen channels' sums in 32-bit lanes (windows over <see cref="MaxNarrowWindow"/> elements).</summary>
    private struct IntSums16 : IWindowAccumulator
    {
        public Vector128<int> S0, S1, S2, S3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ref sbyte x, int at)
        {
            (Vector128<short> l, Vector128<short> u) = Bytes16.Load(ref x, at);
            (Vector128<int> a0, Vector128<int> a1) = Vector128.Widen(l);
            (Vector128<int> a2, Vector128<int> a3) = Vector128.Widen(u);
            S0 += a0;
            S1 += a1;
            S2 += a2;
            S3 += a3;
        }
    }

    private struct Sum1 : IWindowAccumulator
    {
        public int Value;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ref sbyte x, int at) => Value += Unsafe.Add(ref x, at);
    }

    /// <summary>
    /// <see cref="PoolArithmetic.RoundedMean"/> of four sums, clamped: (|sum| + count/2) / count with the sum's sign, which is the
    /// reference's half-away-from-zero quotient.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Mean(Vector128<int> sum, Vector128<int> half, Vector128<float> divisor, Vector128<int> low, Vector128<int> high)
    {
        Vector128<int> magnitude = Vector128.ConvertToInt32(Vector128.ConvertToSingle(Vector128.Abs(sum) + half) / divisor);
        Vector128<int> mean = Vector128.ConditionalSelect(Vector128.LessThan(sum, Vector128<int>.Zero), -magnitude, magnitude);
        return Vector128.Min(Vector128.Max(mean, low), high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Mean(Vector256<int> sum, Vector256<int> half, Vector256<float> divisor, Vector256<int> low, Vector256<int> high)
    {
        Vector256<int> magnitude = Vector256.ConvertToInt32(Vector256.ConvertToSingle(Vector256.Abs(sum) + half) / divisor);
        Vector256<int> mean = Vector256.ConditionalSelect(Vector256.LessThan(sum, Vector256<int>.Zero), -magnitude, magnitude);
        return Vector256.Min(Vector256.Max(mean, low), high);
    }
}
