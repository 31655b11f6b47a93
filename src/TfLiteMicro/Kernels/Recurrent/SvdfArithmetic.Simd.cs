using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

// The vector forms of SvdfArithmetic (AVX2). Every loop reads and writes only indices its length checks bound.
internal static partial class SvdfArithmetic
{
    /// <summary>Whether the vector forms apply: AVX2, and a feature requantization a vector multiply-shift reproduces exactly.</summary>
    public static bool CanVectorize(SimdLevel level, int featureMultiplier, int featureShift)
        => level >= SimdLevel.Avx2 && Avx2.IsSupported && LstmArithmetic.FitsMultiplier(featureMultiplier, featureShift);

    /// <summary>
    /// Writes <see cref="FeatureToState"/> of each sum (the low 32 bits of the exact feature products, given as int32 or int64)
    /// into the newest slot of its filter's window: state[(firstFilter + i) * memory + memory - 1] for i in [0, count).
    /// </summary>
    [SkipLocalsInit] // the lanes are written before they are read
    public static void FeaturesToState<TSum, T>(ReadOnlySpan<TSum> sums, int count, int multiplier, int shift, int stateMin, int stateMax, int stateZeroPoint,
        Span<T> state, int firstFilter, int memory) where TSum : unmanaged where T : unmanaged
    {
        if (count < 0 || sums.Length < count || firstFilter < 0 || memory <= 0 || (long)(firstFilter + count) * memory > state.Length)
            throw new ArgumentException("feature operands are too short");
        var requantizer = new LstmArithmetic.Requantizer(multiplier, shift);
        Vector256<int> min = Vector256.Create(stateMin), max = Vector256.Create(stateMax), zeroPoint = Vector256.Create(stateZeroPoint);
        bool wide = typeof(TSum) == typeof(long);
        ref long s = ref Unsafe.As<TSum, long>(ref MemoryMarshal.GetReference(sums));
        ref int s32 = ref Unsafe.As<TSum, int>(ref MemoryMarshal.GetReference(sums));
        ref T slot = ref Unsafe.Add(ref MemoryMarshal.GetReference(state), firstFilter * memory + memory - 1);
        Span<int> lanes = stackalloc int[8];
        ref int lane = ref MemoryMarshal.GetReference(lanes);
        int i = 0;
        for (; i + 8 <= count; i += 8)
        {
            Vector256<int> x = wide ? Vector256.Narrow(Vector256.LoadUnsafe(ref s, (nuint)i), Vector256.LoadUnsafe(ref s, (nuint)i + 4))
                : Vector256.LoadUnsafe(ref s32, (nuint)i);
            (Vector256.Min(Vector256.Max(requantizer.Apply(x), min), max) + zeroPoint).StoreUnsafe(ref lane);
            for (int k = 0; k < 8; k++) Unsafe.Add(ref slot, (i + k) * memory) = Scalar.Truncate<T>(Unsafe.Add(ref lane, k));
        }
        for (; i < count; i++)
            Unsafe.Add(ref slot, i * memory) = Scalar.Truncate<T>(FeatureToState(wide ? unchecked((int)Unsafe.Add(ref s, i)) : Unsafe.Add(ref s32, i),
                multiplier, shift, stateMin, stateMax, stateZeroPoint));
    }

    /// <summary>
    /// The vector form of <see cref="TimeProducts{T}"/> for int16 windows without a zero point and int8 windows (widened
    /// to 16 bits with the zero point taken off: |state - zero point| &lt;= 255): eight products per multiply-add of pairs,
    /// whose one overflow (two products of -32768 * -32768) wraps to the same 32-bit sum.
    /// </summary>
    public static void TimeProductsFast<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> state, int memory, int stateZeroPoint, Span<int> sums)
        where T : unmanaged
    {
        int filters = sums.Length;
        if (memory <= 0 || (long)filters * memory > weights.Length || (long)filters * memory > state.Length)
            throw new ArgumentException("time operands are too short");
        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T s = ref MemoryMarshal.GetReference(state);
        Vector128<short> offset = Vector128.Create((short)stateZeroPoint);
        int vectorEnd = memory & ~7;
        for (int f = 0; f < filters; f++)
        {
            int start = f * memory;
            Vector128<int> acc = Vector128<int>.Zero;
            int k = 0;
            for (; k < vectorEnd; k += 8)
            {
                Vector128<short> wk, sk;
                if (typeof(T) == typeof(short))
                {
                    wk = Vector128.LoadUnsafe(ref Unsafe.As<T, short>(ref w), (nuint)(start + k));
                    sk = Vector128.LoadUnsafe(ref Unsafe.As<T, short>(ref s), (nuint)(start + k));
                }
                else
                {
                    wk = Sse41.ConvertToVector128Int16(PartialLoad.Load8(ref Unsafe.As<T, sbyte>(ref w), start + k));
                    sk = Sse41.ConvertToVector128Int16(PartialLoad.Load8(ref Unsafe.As<T, sbyte>(ref s), start + k)) - offset;
                }
                acc += Sse2.MultiplyAddAdjacent(wk, sk);
            }
            int sum = Vector128.Sum(acc);
            for (; k < memory; k++)
                sum = unchecked(sum + Scalar.ToInt32(Unsafe.Add(ref w, start + k)) * (Scalar.ToInt32(Unsafe.Add(ref s, start + k)) - stateZeroPoint));
            Unsafe.Add(ref MemoryMarshal.GetReference(sums), f) = sum;
        }
    }

    /// <summary>output[i] = the int8 requantization of sums[i] (FULLY_CONNECTED's requantizer, vector form).</summary>
    public static void RequantizeOutput(ReadOnlySpan<int> sums, int multiplier, int shift, int outputZeroPoint, Span<sbyte> output)
        => new Int8Requantizer(multiplier, shift, outputZeroPoint, sbyte.MinValue, sbyte.MaxValue, vector: true).Apply(sums, 0, output[..sums.Length]);
}
