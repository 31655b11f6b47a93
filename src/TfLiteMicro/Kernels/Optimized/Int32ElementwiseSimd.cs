using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>How the two inputs of an int32 binary op meet on the optimized path; <see cref="None"/> keeps the reference walk.</summary>
internal enum Int32BroadcastKind : byte
{
    None,
    /// <summary>Both inputs have the output's shape.</summary>
    Elementwise,
    /// <summary>Input 0 is one value, repeated; input 1 has the output's element count.</summary>
    ScalarFirst,
    /// <summary>Input 1 is one value, repeated; input 0 has the output's element count.</summary>
    ScalarSecond,
}

/// <summary>The vector step of an int32 binary operator: the same integers, lane by lane, as its scalar reference operator.</summary>
internal interface IInt32Lanes
{
    /// <summary>Eight lanes; called only at <see cref="SimdLevel.Avx2"/> and above.</summary>
    Vector256<int> Apply(Vector256<int> a, Vector256<int> b);

    /// <summary>Four lanes, on any hardware.</summary>
    Vector128<int> Apply(Vector128<int> a, Vector128<int> b);
}

/// <summary>
/// The optimized path of the int32 binary ops (ADD, MUL, DIV, MINIMUM, MAXIMUM) when the inputs are element by element
/// or one of them is a single value: whole vectors through the operator's <see cref="IInt32Lanes"/> step, the last
/// elements through its scalar reference operator. Other broadcasts keep the reference walk.
/// </summary>
internal static class Int32ElementwiseSimd
{
    public static Int32BroadcastKind Plan(SimdLevel level, TensorType type, BroadcastShape shape, Tensor input1, Tensor input2)
    {
        if (level == SimdLevel.Reference || type != TensorType.Int32) return Int32BroadcastKind.None;
        if (shape.IsElementwise) return Int32BroadcastKind.Elementwise;
        // One input of a single element broadcasts to the other's shape, so the other has the output's element count.
        if (input1.ElementCount == 1) return Int32BroadcastKind.ScalarFirst;
        if (input2.ElementCount == 1) return Int32BroadcastKind.ScalarSecond;
        return Int32BroadcastKind.None;
    }

    public static void Run<TOp, TLanes>(SimdLevel level, Int32BroadcastKind kind, int count, ReadOnlySpan<int> a, ReadOnlySpan<int> b, Span<int> output,
        TOp scalar, TLanes lanes)
        where TOp : struct, IBinaryOperator<int, int>
        where TLanes : struct, IInt32Lanes
    {
        if (count == 0) return;
        // The lengths Prepare's shapes imply, checked once by slicing.
        output = output[..count];
        a = kind == Int32BroadcastKind.ScalarFirst ? a[..1] : a[..count];
        b = kind == Int32BroadcastKind.ScalarSecond ? b[..1] : b[..count];
        bool repeatA = kind == Int32BroadcastKind.ScalarFirst, repeatB = kind == Int32BroadcastKind.ScalarSecond;
        ref int x = ref MemoryMarshal.GetReference(a);
        ref int y = ref MemoryMarshal.GetReference(b);
        ref int z = ref MemoryMarshal.GetReference(output);
        int i = 0;
        if (level >= SimdLevel.Avx2 && Avx2.IsSupported)
        {
            Vector256<int> fixedA = Vector256.Create(x), fixedB = Vector256.Create(y);
            for (; i + 8 <= count; i += 8)
                lanes.Apply(repeatA ? fixedA : Vector256.LoadUnsafe(ref x, (nuint)i), repeatB ? fixedB : Vector256.LoadUnsafe(ref y, (nuint)i))
                    .StoreUnsafe(ref z, (nuint)i);
        }
        if (level >= SimdLevel.Vector128)
        {
            Vector128<int> fixedA = Vector128.Create(x), fixedB = Vector128.Create(y);
            for (; i + 4 <= count; i += 4)
                lanes.Apply(repeatA ? fixedA : Vector128.LoadUnsafe(ref x, (nuint)i), repeatB ? fixedB : Vector128.LoadUnsafe(ref y, (nuint)i))
                    .StoreUnsafe(ref z, (nuint)i);
        }
        for (; i < count; i++)
            Unsafe.Add(ref z, i) = scalar.Invoke(repeatA ? x : Unsafe.Add(ref x, i), repeatB ? y : Unsafe.Add(ref y, i));
    }
}

/// <summary>ADD int32: the wrapping sum clamped to the activation range.</summary>
internal readonly struct Int32SumLanes(int min, int max) : IInt32Lanes
{
    public Vector256<int> Apply(Vector256<int> a, Vector256<int> b) => Vector256.Min(Vector256.Max(a + b, Vector256.Create(min)), Vector256.Create(max));
    public Vector128<int> Apply(Vector128<int> a, Vector128<int> b) => Vector128.Min(Vector128.Max(a + b, Vector128.Create(min)), Vector128.Create(max));
}

/// <summary>MUL int32: the wrapping product (its low 32 bits) clamped to the activation range.</summary>
internal readonly struct Int32ProductLanes(int min, int max) : IInt32Lanes
{
    public Vector256<int> Apply(Vector256<int> a, Vector256<int> b) => Vector256.Min(Vector256.Max(a * b, Vector256.Create(min)), Vector256.Create(max));
    public Vector128<int> Apply(Vector128<int> a, Vector128<int> b) => Vector128.Min(Vector128.Max(a * b, Vector128.Create(min)), Vector128.Create(max));
}

/// <summary>
/// DIV int32 (no divisor is zero: the kernel checks first): the quotient truncated toward zero, clamped. Both operands
/// are exact doubles and their correctly rounded quotient never crosses an integer that the true quotient does not
/// reach (the gap to the next integer, at least 1/|b|, far exceeds the rounding error, at most |a/b| * 2^-53), so
/// truncating it gives C's quotient. int.MinValue / -1 gives 2^31, which the conversion turns into int.MinValue, the
/// wrapped result the reference gives.
/// </summary>
internal readonly struct Int32QuotientLanes(int min, int max) : IInt32Lanes
{
    public Vector256<int> Apply(Vector256<int> a, Vector256<int> b)
    {
        Vector128<int> low = Avx.ConvertToVector128Int32WithTruncation(Avx.Divide(Avx.ConvertToVector256Double(a.GetLower()), Avx.ConvertToVector256Double(b.GetLower())));
        Vector128<int> high = Avx.ConvertToVector128Int32WithTruncation(Avx.Divide(Avx.ConvertToVector256Double(a.GetUpper()), Avx.ConvertToVector256Double(b.GetUpper())));
        return Vector256.Min(Vector256.Max(Vector256.Create(low, high), Vector256.Create(min)), Vector256.Create(max));
    }

    public Vector128<int> Apply(Vector128<int> a, Vector128<int> b)
    {
        Vector128<int> quotient;
        if (Sse2.IsSupported)
        {
            Vector128<int> low = Sse2.ConvertToVector128Int32WithTruncation(Sse2.Divide(Sse2.ConvertToVector128Double(a), Sse2.ConvertToVector128Double(b)));
            Vector128<int> high = Sse2.ConvertToVector128Int32WithTruncation(Sse2.Divide(
                Sse2.ConvertToVector128Double(Sse2.UnpackHigh(a.AsInt64(), a.AsInt64()).AsInt32()), Sse2.ConvertToVector128Double(Sse2.UnpackHigh(b.AsInt64(), b.AsInt64()).AsInt32())));
            quotient = Sse2.UnpackLow(low.AsInt64(), high.AsInt64()).AsInt32();
        }
        else
        {
            quotient = Vector128.Create(Quotient(a[0], b[0]), Quotient(a[1], b[1]), Quotient(a[2], b[2]), Quotient(a[3], b[3]));
        }
        return Vector128.Min(Vector128.Max(quotient, Vector128.Create(min)), Vector128.Create(max));
    }

    private static int Quotient(int a, int b) => b == -1 ? unchecked(-a) : a / b;
}

/// <summary>MINIMUM int32.</summary>
internal readonly struct Int32SmallerLanes : IInt32Lanes
{
    public Vector256<int> Apply(Vector256<int> a, Vector256<int> b) => Vector256.Min(a, b);
    public Vector128<int> Apply(Vector128<int> a, Vector128<int> b) => Vector128.Min(a, b);
}

/// <summary>MAXIMUM int32.</summary>
internal readonly struct Int32LargerLanes : IInt32Lanes
{
    public Vector256<int> Apply(Vector256<int> a, Vector256<int> b) => Vector256.Max(a, b);
    public Vector128<int> Apply(Vector128<int> a, Vector128<int> b) => Vector128.Max(a, b);
}
