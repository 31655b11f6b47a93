using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    {
        PoolWindow w = Window;
        // Sizes in locals: the window record is too large for the JIT to keep its fields in registers.
        int depth = w.Depth, inputHeight = w.InputHeight, inputWidth = w.InputWidth;
        if (input.Length < w.Batches * w.InputHeight * w.InputWidth * depth || output.Length < w.Batches * w.OutputHeight * w.OutputWidth * depth)
            throw new InvalidOperationException("tensor data is shorter than its shape");
        ref sbyte x = ref MemoryMarshal.GetReference(input);
        Vector128<int> low = Vector128.Create(w.QuantizedMin), high = Vector128.Create(w.QuantizedMax);
        Vector256<int> low256 = Vector256.Create(w.QuantizedMin), high256 = Vector256.Create(w.QuantizedMax);
        for (int b = 0; b < w.Batches; b++)
            for (int oy = 0; oy < w.OutputHeight; oy++)
                for (int ox = 0; ox < w.OutputWidth; ox++)
                {
                    (int yOrigin, int yStart, int yEnd) = w.Rows(oy);
                    (int xOrigin, int xStart, int xEnd) = w.Columns(ox);
                    int count = Math.Max(0, yEnd - yStart) * Math.Max(0, xEnd - xStart);
                    // As in the reference, a window entirely outside the image leaves its output untouched.
                    if (count == 0) continue;
                    int outBase = ((b * w.OutputHeight + oy) * w.OutputWidth + ox) * depth;
                    Vector128<int> half = Vector128.Create(count / 2);
                    Vector128<float> divisor = Vector128.Create((float)count);
                    int c = 0;
                    if (_wideVectors)
                    {
                        Vector256<int> half256 = Vector256.Create(count / 2);
                        Vector256<float> divisor256 = Vector256.Create((float)count);
                        for (; c + 32 <= depth; c += 32)
                        {
                            Vector256<short> lower = Vector256<short>.Zero, upper = Vector256<short>.Zero;
                            for (int fy = yStart; fy < yEnd; fy++)
                            {
                                int row = ((b * inputHeight + yOrigin + fy) * inputWidth + xOrigin) * depth + c;
                                for (int fx = xStart; fx < xEnd; fx++)
                                {
                                    (Vector256<short> l, Vector256<short> u) = Vector256.Widen(Vector256.LoadUnsafe(ref x, (nuint)(row + fx * depth)));
                                    lower += l;
                                    upper += u;
                                }
                            }
                            (Vector256<int> s0, Vector256<int> s1) = Vector256.Widen(lower);
                            (Vector256<int> s2, Vector256<int> s3) = Vector256.Widen(upper);
                            Vector256<short> q01 = Vector256.Narrow(Mean(s0, half256, divisor256, low256, high256), Mean(s1, half256, divisor256, low256, high256));
                            Vector256<short> q23 = Vector256.Narrow(Mean(s2, half256, divisor256, low256, high256), Mean(s3, half256, divisor256, low256, high256));
                            Vector256.Narrow(q01, q23).CopyTo(output.Slice(outBase + c, 32));
                        }
                    }
                    for (; c + 16 <= depth; c += 16)
                    {
                        Vector128<int> s0, s1, s2, s3;
                        if (_narrowSums)
                        {
                            Vector128<short> lower = Vector128<short>.Zero, upper = Vector128<short>.Zero;
                            for (int fy = yStart; fy < yEnd; fy++)
                            {
                                int row = ((b * inputHeight + yOrigin + fy) * inputWidth + xOrigin) * depth + c;
                                for (int fx = xStart; fx < xEnd; fx++)
                                {
                                    (Vector128<short> l, Vector128<short> u) = Vector128.Widen(Vector128.LoadUnsafe(ref x, (nuint)(row + fx * depth)));
                                    lower += l;
                                    upper += u;
                                }
                            }
                            (s0, s1) = Vector128.Widen(lower);
                            (s2, s3) = Vector128.Widen(upper);
                        }
                        else
                        {
                            s0 = s1 = s2 = s3 = Vector128<int>.Zero;
                            for (int fy = yStart; fy < yEnd; fy++)
                            {
                                int row = ((b * inputHeight + yOrigin + fy) * inputWidth + xOrigin) * depth + c;
                                for (int fx = xStart; fx < xEnd; fx++)
                                {
                                    (Vector128<short> l, Vector128<short> u) = Vector128.Widen(Vector128.LoadUnsafe(ref x, (nuint)(row + fx * depth)));
                                    (Vector128<int> a0, Vector128<int> a1) = Vector128.Widen(l);
                                    (Vector128<int> a2, Vector128<int> a3) = Vector128.Widen(u);
                                    s0 += a0;
                                    s1 += a1;
                                    s2 += a2;
                                    s3 += a3;
                                }
                            }
                        }
                        Vector128<short> q01 = Vector128.Narrow(Mean(s0, half, divisor, low, high), Mean(s1, half, divisor, low, high));
                        Vector128<short> q23 = Vector128.Narrow(Mean(s2, half, divisor, low, high), Mean(s3, half, divisor, low, high));
                        Vector128.Narrow(q01, q23).CopyTo(output.Slice(outBase + c, 16));
                    }
                    for (; c < depth; c++)
                    {
                        int acc = 0;
                        for (int fy = yStart; fy < yEnd; fy++)
                        {
                            int row = ((b * inputHeight + yOrigin + fy) * inputWidth + xOrigin) * depth + c;
                            for (int fx = xStart; fx < xEnd; fx++) acc += input[row + fx * depth];
                        }
                        output[outBase + c] = (sbyte)Math.Min(Math.Max(PoolArithmetic.RoundedMean(acc, count), w.QuantizedMin), w.QuantizedMax);
                    }
                }
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
