using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Kernels;

/// <summary>The broadcasts the vectorized int8 ADD/MUL/SUB loops cover; anything else keeps the reference driver.</summary>
internal enum Int8BroadcastKind : byte
{
    /// <summary>Not covered: the reference driver runs.</summary>
    None,
    /// <summary>Both inputs have the output's shape.</summary>
    Same,
    /// <summary>Input 0 is one element; input 1 has the output's shape.</summary>
    ScalarA,
    /// <summary>Input 1 is one element; input 0 has the output's shape.</summary>
    ScalarB,
    /// <summary>Input 0 has the output's innermost dimensions and repeats over the outer ones; input 1 has the output's shape.</summary>
    RepeatA,
    /// <summary>Input 1 repeats over the outer dimensions; input 0 has the output's shape.</summary>
    RepeatB,
}

/// <summary>How a binary int8 kernel's inputs map onto its output for the vector loops, decided in Prepare.</summary>
internal readonly record struct Int8BroadcastPlan(Int8BroadcastKind Kind, int Count, int Period)
{
    public static Int8BroadcastPlan Create(in BroadcastShape shape, Tensor input1, Tensor input2, Tensor output)
    {
        int n = output.ElementCount;
        if (n <= 0) return default;
        if (shape.IsElementwise) return new(Int8BroadcastKind.Same, n, n);
        bool full1 = input1.Shape.SequenceEqual(output.Shape), full2 = input2.Shape.SequenceEqual(output.Shape);
        if (full2 && input1.ElementCount == 1) return new(Int8BroadcastKind.ScalarA, n, 1);
        if (full1 && input2.ElementCount == 1) return new(Int8BroadcastKind.ScalarB, n, 1);
        if (full2 && IsInnermost(input1.Shape, output.Shape)) return new(Int8BroadcastKind.RepeatA, n, input1.ElementCount);
        if (full1 && IsInnermost(input2.Shape, output.Shape)) return new(Int8BroadcastKind.RepeatB, n, input2.ElementCount);
        return default;
    }

    /// <summary>Whether <paramref name="shape"/>, without its leading ones, equals the innermost dimensions of <paramref name="output"/>.</summary>
    private static bool IsInnermost(ReadOnlySpan<int> shape, ReadOnlySpan<int> output)
    {
        int k = 0;
        while (k < shape.Length && shape[k] == 1) k++;
        ReadOnlySpan<int> inner = shape[k..];
        return inner.Length <= output.Length && inner.SequenceEqual(output[(output.Length - inner.Length)..]);
    }
}

/// <summary>An int8 binary operation on int32 lanes (inputs widened, result clamped to the int8 range), one vector of <typeparamref name="TVector"/> at a time.</summary>
internal interface IInt8LaneOperation<TVector> where TVector : struct
{
    TVector Apply(TVector a, TVector b);
}

/// <summary>
/// The int32 lane arithmetic of the int8 operations, one small struct per vector width, so that each operation's
/// constants and steps are written once over any width (<see cref="Int32x8"/>, <see cref="Int32x4"/>).
/// </summary>
internal interface IInt32Vector<TVector> where TVector : struct
{
    static abstract TVector Create(int value);
    static abstract TVector Add(TVector a, TVector b);
    static abstract TVector Subtract(TVector a, TVector b);
    static abstract TVector Multiply(TVector a, TVector b);
    static abstract TVector ShiftLeft(TVector x, int count);

    /// <summary>Rounding doubling high multiply by a broadcast non-negative multiplier (<see cref="FixedPointVector"/>).</summary>
    static abstract TVector HighMul(TVector x, TVector multiplier);

    /// <summary>Rounding divide by 2^<paramref name="exponent"/>, ties away from zero; <paramref name="mask"/> is 2^exponent - 1.</summary>
    static abstract TVector DivideByPOT(TVector x, int exponent, TVector mask);

    static abstract TVector Clamp(TVector x, TVector min, TVector max);
}

/// <summary>Eight int32 lanes (AVX2).</summary>
internal readonly partial struct Int32x8 : IInt32Vector<Vector256<int>>
{
    public static Vector256<int> Create(int value) => Vector256.Create(value);
    public static Vector256<int> Add(Vector256<int> a, Vector256<int> b) => a + b;
    public static Vector256<int> Subtract(Vector256<int> a, Vector256<int> b) => a - b;
    public static Vector256<int> Multiply(Vector256<int> a, Vector256<int> b) => a * b;
    public static Vector256<int> ShiftLeft(Vector256<int> x, int count) => Vector256.ShiftLeft(x, count);
    public static Vector256<int> HighMul(Vector256<int> x, Vector256<int> multiplier) => FixedPointVector.HighMul(x, multiplier);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> DivideByPOT(Vector256<int> x, int exponent, Vector256<int> mask)
        => FixedPointVector.DivideByPOT(x, exponent, mask, Vector256.ShiftRightArithmetic(mask, 1));

    public static Vector256<int> Clamp(Vector256<int> x, Vector256<int> min, Vector256<int> max) => Vector256.Min(Vector256.Max(x, min), max);
}

/// <summary>Four int32 lanes (SSE, AdvSimd or portable).</summary>
internal readonly struct Int32x4 : IInt32Vector<Vector128<int>>
{
    public static Vector128<int> Create(int value) => Vector128.Create(value);
    public static Vector128<int> Add(Vector128<int> a, Vector128<int> b) => a + b;
    public static Vector128<int> Subtract(Vector128<int> a, Vector128<int> b) => a - b;
    public static Vector128<int> Multiply(Vector128<int> a, Vector128<int> b) => a * b;
    public static Vector128<int> ShiftLeft(Vector128<int> x, int count) => Vector128.ShiftLeft(x, count);
    public static Vector128<int> HighMul(Vector128<int> x, Vector128<int> multiplier) => FixedPointVector.HighMul(x, multiplier);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> DivideByPOT(Vector128<int> x, int exponent, Vector128<int> mask)
        => FixedPointVector.DivideByPOT(x, exponent, mask, Vector128.ShiftRightArithmetic(mask, 1));

    public static Vector128<int> Clamp(Vector128<int> x, Vector128<int> min, Vector128<int> max) => Vector128.Min(Vector128.Max(x, min), max);
}

/// <summary>An element-wise int8 function over spans, either input possibly one repeated element.</summary>
internal interface IInt8SpanKernel
{
    /// <summary>output[i] = f(a[i], b[i]) for every i of <paramref name="output"/>; a scalar input gives its element 0 to every i.</summary>
    void Run(ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, Span<sbyte> output);
}

/// <summary>Runs an <see cref="IInt8SpanKernel"/> over a broadcast plan.</summary>
internal static class Int8ElementwiseSimd
{
    public static void Run<TKernel>(Int8BroadcastPlan plan, ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, Span<sbyte> output, TKernel kernel)
        where TKernel : struct, IInt8SpanKernel
    {
        int n = plan.Count, p = plan.Period;
        output = output[..n];
        switch (plan.Kind)
        {
            case Int8BroadcastKind.Same:
                kernel.Run(a[..n], false, b[..n], false, output);
                break;
            case Int8BroadcastKind.ScalarA:
                kernel.Run(a[..1], true, b[..n], false, output);
                break;
            case Int8BroadcastKind.ScalarB:
                kernel.Run(a[..n], false, b[..1], true, output);
                break;
            case Int8BroadcastKind.RepeatA:
                a = a[..p];
                b = b[..n];
                for (int o = 0; o + p <= n; o += p) kernel.Run(a, false, b.Slice(o, p), false, output.Slice(o, p));
                break;
            case Int8BroadcastKind.RepeatB:
                a = a[..n];
                b = b[..p];
                for (int o = 0; o + p <= n; o += p) kernel.Run(a.Slice(o, p), false, b, false, output.Slice(o, p));
                break;
            default:
                throw new InvalidOperationException("no vector plan");
        }
    }

    /// <summary>Sixteen inputs at <paramref name="i"/>, or the broadcast element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<sbyte> Load16(ref sbyte p, int i, bool scalar, Vector128<sbyte> broadcast)
        => scalar ? broadcast : Vector128.LoadUnsafe(ref p, (nuint)i);

    /// <summary>Sign-extends sixteen bytes to two vectors of eight int32 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector256<int> Low, Vector256<int> High) Widen256(Vector128<sbyte> x)
        => (Avx2.ConvertToVector256Int32(x), Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(x, 8)));

    /// <summary>Narrows two vectors of clamped int32 lanes to sixteen bytes at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store16(Vector256<int> low, Vector256<int> high, ref sbyte p, int i)
    {
        Vector128<short> w0 = Sse2.PackSignedSaturate(low.GetLower(), low.GetUpper());
        Vector128<short> w1 = Sse2.PackSignedSaturate(high.GetLower(), high.GetUpper());
        Sse2.PackSignedSaturate(w0, w1).StoreUnsafe(ref p, (nuint)i);
    }

    /// <summary>Narrows four vectors of clamped int32 lanes to sixteen bytes at <paramref name="i"/> (values already in range).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store16(Vector128<int> q0, Vector128<int> q1, Vector128<int> q2, Vector128<int> q3, ref sbyte p, int i)
        => Vector128.Narrow(Vector128.Narrow(q0, q1), Vector128.Narrow(q2, q3)).StoreUnsafe(ref p, (nuint)i);

    /// <summary>
    /// Sixteen elements at a time with AVX2: widen both inputs (or a broadcast scalar) to int32 lanes, apply
    /// <paramref name="op"/>, narrow to bytes. Returns how many elements it wrote (a multiple of sixteen).
    /// </summary>
    internal static int Loop256<TOp>(TOp op, ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, Span<sbyte> output)
        where TOp : struct, IInt8LaneOperation<Vector256<int>>
    {
        ref sbyte pa = ref MemoryMarshal.GetReference(a), pb = ref MemoryMarshal.GetReference(b), po = ref MemoryMarshal.GetReference(output);
        Vector128<sbyte> ca = Vector128.Create(a[0]), cb = Vector128.Create(b[0]);
        int n = output.Length, i = 0;
        for (; i + 16 <= n; i += 16)
        {
            (Vector256<int> a0, Vector256<int> a1) = Widen256(Load16(ref pa, i, aScalar, ca));
            (Vector256<int> b0, Vector256<int> b1) = Widen256(Load16(ref pb, i, bScalar, cb));
            Store16(op.Apply(a0, b0), op.Apply(a1, b1), ref po, i);
        }
        return i;
    }

    /// <summary>The portable form of <see cref="Loop256"/>: four 128-bit vectors of int32 lanes per sixteen elements.</summary>
    internal static int Loop128<TOp>(TOp op, ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, Span<sbyte> output)
        where TOp : struct, IInt8LaneOperation<Vector128<int>>
    {
        ref sbyte pa = ref MemoryMarshal.GetReference(a), pb = ref MemoryMarshal.GetReference(b), po = ref MemoryMarshal.GetReference(output);
        Vector128<sbyte> ca = Vector128.Create(a[0]), cb = Vector128.Create(b[0]);
        int n = output.Length, i = 0;
        for (; i + 16 <= n; i += 16)
        {
            (Vector128<short> la, Vector128<short> ua) = Vector128.Widen(Load16(ref pa, i, aScalar, ca));
            (Vector128<short> lb, Vector128<short> ub) = Vector128.Widen(Load16(ref pb, i, bScalar, cb));
            Store16(
                op.Apply(Vector128.WidenLower(la), Vector128.WidenLower(lb)), op.Apply(Vector128.WidenUpper(la), Vector128.WidenUpper(lb)),
                op.Apply(Vector128.WidenLower(ua), Vector128.WidenLower(ub)), op.Apply(Vector128.WidenUpper(ua), Vector128.WidenUpper(ub)), ref po, i);
        }
        return i;
    }

    /// <summary>Checks the span lengths a kernel's unchecked loads rely on.</summary>
    internal static void CheckLengths(ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, int n)
    {
        if ((aScalar ? a.Length < 1 : a.Length < n) || (bScalar ? b.Length < 1 : b.Length < n))
            throw new ArgumentException("input shorter than the output");
    }
}

/// <summary>
/// The int8 sum or difference of <see cref="BinaryArithmetic.QuantizedSum"/> (TFLite's ADD/SUB arithmetic: offset, shift
/// left, rescale each input, add, rescale to the output), sixteen elements at a time; the same bytes as the operator.
/// With AVX-512, <paramref name="affine"/> (from <see cref="Int8SumAffine.Create"/> in Prepare) computes most blocks
/// as one checked affine function of the bytes and the exact rescales only the rest. <paramref name="avx512"/> false keeps
/// the AVX2 loops where AVX-512 exists (tests of the AVX2 loops on such processors).
/// </summary>
internal readonly struct Int8SumKernel(BinaryParameters op, SimdLevel level, Int8SumAffine? affine, bool avx512 = true) : IInt8SpanKernel
{
    private readonly bool _avx512 = avx512 && Avx512BW.IsSupported;

    /// <summary>Whether the vector loops reproduce <paramref name="op"/> exactly (multipliers and exponents in range, and an
    /// ordered clamp: the reference's clamp of an inverted range is not a max-then-min).</summary>
    public static bool Supports(in BinaryParameters op)
        => op.Min <= op.Max
           && FixedPointVector.Fits(op.Input1Multiplier, op.LeftShift, -op.Input1Shift)
           && FixedPointVector.Fits(op.Input2Multiplier, op.LeftShift, -op.Input2Shift)
           && FixedPointVector.Fits(op.OutputMultiplier, 0, -op.OutputShift);

    public void Run(ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, Span<sbyte> output)
    {
        int n = output.Length;
        Int8ElementwiseSimd.CheckLengths(a, aScalar, b, bScalar, n);
        int i = 0;
        if (n >= 16)
        {
            if (level >= SimdLevel.Avx2 && _avx512 && SplitInputScale.Fits(op)) i = Run512(a, aScalar, b, bScalar, output);
            if (level >= SimdLevel.Avx2 && Avx2.IsSupported) i += Run256(a[(aScalar ? 0 : i)..], aScalar, b[(bScalar ? 0 : i)..], bScalar, output[i..]);
            else if (level >= SimdLevel.Vector128 && Vector128.IsHardwareAccelerated) i = Run128(a, aScalar, b, bScalar, output);
        }
        var scalar = new BinaryArithmetic.Int8Result<BinaryArithmetic.QuantizedSum>(new(op));
        for (; i < n; i++) output[i] = scalar.Invoke(a[aScalar ? 0 : i], b[bScalar ? 0 : i]);
    }

    /// <summary>With AVX2: the affine form where Prepare found one (on processors without AVX-512), then the exact rescales.</summary>
    private int Run256(ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, Span<sbyte> output)
    {
        if (output.Length < 16) return 0;
        var exact = new ExactLanes<Int32x8, Vector256<int>>(op);
        int i = affine is { } form && !_avx512 ? form.Run256(a, aScalar, b, bScalar, output, exact, (sbyte)op.Min, (sbyte)op.Max) : 0;
        return i + 16 > output.Length ? i : i + Int8ElementwiseSimd.Loop256(exact, a[(aScalar ? 0 : i)..], aScalar, b[(bScalar ? 0 : i)..], bScalar, output[i..]);
    }

    /// <summary>
    /// With AVX-512: the affine form where Prepare found one, then the exact rescales sixteen elements at a time.
    /// Returns how many elements it wrote (a multiple of sixteen).
    /// </summary>
    private int Run512(ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, Span<sbyte> output)
    {
        ref sbyte pa = ref MemoryMarshal.GetReference(a), pb = ref MemoryMarshal.GetReference(b), po = ref MemoryMarshal.GetReference(output);
        var exact = new Exact512(op, a[0], b[0]);
        int n = output.Length, i = 0;
        if (affine is { } form && Int8SumAffine.IsSupported512) i = form.Run(a, aScalar, b, bScalar, output, exact, (sbyte)op.Min, (sbyte)op.Max);
        for (; i + 16 <= n; i += 16) exact.Block16(ref pa, aScalar, ref pb, bScalar, ref po, i);
        return i;
    }

    /// <summary>
    /// The exact arithmetic with AVX-512, sixteen elements at a time: each input's rescale in 32-bit multiplies
    /// (<see cref="SplitInputScale"/>), the output's with the 64-bit products of even and odd lanes.
    /// </summary>
    internal readonly struct Exact512
    {
        private readonly SplitInputScale _scale1, _scale2;
        private readonly Vector512<int> _mo, _maskO, _outputOffset, _min, _max, _scalarA, _scalarB;
        private readonly int _eo;
        private readonly bool _subtract;

        /// <summary>The constants of <paramref name="op"/>; <paramref name="a0"/> and <paramref name="b0"/> are the inputs' broadcast scalars, rescaled once.</summary>
        public Exact512(in BinaryParameters op, sbyte a0, sbyte b0)
        {
            _scale1 = new SplitInputScale(op.Input1Offset, op.Input1Multiplier, op.LeftShift, -op.Input1Shift);
            _scale2 = new SplitInputScale(op.Input2Offset, op.Input2Multiplier, op.LeftShift, -op.Input2Shift);
            _mo = Vector512.Create(op.OutputMultiplier);
            _maskO = Vector512.Create(FixedPointVector.Mask(-op.OutputShift));
            _outputOffset = Vector512.Create(op.OutputOffset);
            _min = Vector512.Create(op.Min);
            _max = Vector512.Create(op.Max);
            _eo = -op.OutputShift;
            _subtract = op.Operation == BinaryOperation.Subtract;
            _scalarA = _scale1.Apply(Vector512.Create((int)a0));
            _scalarB = _scale2.Apply(Vector512.Create((int)b0));
        }

        /// <summary>Elements <paramref name="i"/> to i + 15 (a scalar input's element 0 for every one).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Block16(ref sbyte pa, bool aScalar, ref sbyte pb, bool bScalar, ref sbyte po, int i)
        {
            Vector512<int> s1 = aScalar ? _scalarA : _scale1.Apply(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref pa, (nuint)i)));
            Vector512<int> s2 = bScalar ? _scalarB : _scale2.Apply(Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref pb, (nuint)i)));
            Vector512<int> raw = _subtract ? s1 - s2 : s1 + s2;
            Vector512<int> result = FixedPointVector.DivideByPOT(FixedPointVector.HighMul(raw, _mo), _eo, _maskO, Vector512.ShiftRightArithmetic(_maskO, 1)) + _outputOffset;
            // Clamped to [Min, Max] within the int8 range, so the saturating narrowing only narrows.
            Avx512F.ConvertToVector128SByteWithSaturation(Vector512.Min(Vector512.Max(result, _min), _max)).StoreUnsafe(ref po, (nuint)i);
        }
    }

    /// <summary>
    /// An input's rescale, DivideByPOT(SaturatingRoundingDoublingHighMul((x + offset) * 2^L, m), e), in 32-bit lanes. With
    /// y = x + offset (|y| &lt;= 255), k = 31 - L and m = mh 2^16 + ml (0 &lt;= ml &lt; 2^16), the high multiply is
    /// floor((y m 2^L + 2^30) / 2^31) = floor((y m + 2^(k-1)) / 2^k) = y mh 2^(16-k) + floor((y ml + 2^(k-1)) / 2^k)
    /// exactly when k &lt;= 16; for L in [15, 23] every term fits in 32 bits (|y ml| &lt; 2^24, |y mh 2^(16-k)| &lt; 2^(L+8) &lt;= 2^31)
    /// and (x + offset) * 2^L does not wrap in the reference either.
    /// </summary>
    internal readonly struct SplitInputScale(int offset, int multiplier, int leftShift, int exponent)
    {
        private readonly Vector512<int> _offset = Vector512.Create(offset), _high = Vector512.Create(multiplier >> 16), _low = Vector512.Create(multiplier & 0xFFFF);
        private readonly Vector512<int> _round = Vector512.Create(1 << (30 - leftShift)), _mask = Vector512.Create(FixedPointVector.Mask(exponent));
        private readonly int _highShift = leftShift - 15, _lowShift = 31 - leftShift, _exponent = exponent;

        /// <summary>Whether both inputs' rescales of <paramref name="op"/> have this exact 32-bit form (and the output's a vector one).</summary>
        public static bool Fits(in BinaryParameters op)
            => op.LeftShift is >= 15 and <= 23 && op.Input1Offset is >= -128 and <= 128 && op.Input2Offset is >= -128 and <= 128;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<int> Apply(Vector512<int> x)
        {
            Vector512<int> y = x + _offset;
            Vector512<int> product = Vector512.ShiftLeft(y * _high, _highShift) + Vector512.ShiftRightArithmetic(y * _low + _round, _lowShift);
            return FixedPointVector.DivideByPOT(product, _exponent, _mask, Vector512.ShiftRightArithmetic(_mask, 1));
        }
    }

    private int Run128(ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, Span<sbyte> output)
        => Int8ElementwiseSimd.Loop128(new ExactLanes<Int32x4, Vector128<int>>(op), a, aScalar, b, bScalar, output);

    /// <summary>The exact rescales of <see cref="BinaryArithmetic.QuantizedSum"/>, in lanes of any width.</summary>
    private readonly struct ExactLanes<TLanes, TVector>(BinaryParameters op) : IInt8LaneOperation<TVector>
        where TLanes : struct, IInt32Vector<TVector>
        where TVector : struct
    {
        private readonly TVector _offset1 = TLanes.Create(op.Input1Offset), _offset2 = TLanes.Create(op.Input2Offset);
        private readonly TVector _m1 = TLanes.Create(op.Input1Multiplier), _m2 = TLanes.Create(op.Input2Multiplier), _mo = TLanes.Create(op.OutputMultiplier);
        private readonly TVector _mask1 = TLanes.Create(FixedPointVector.Mask(-op.Input1Shift)), _mask2 = TLanes.Create(FixedPointVector.Mask(-op.Input2Shift));
        private readonly TVector _maskO = TLanes.Create(FixedPointVector.Mask(-op.OutputShift));
        private readonly TVector _outputOffset = TLanes.Create(op.OutputOffset), _min = TLanes.Create(op.Min), _max = TLanes.Create(op.Max);
        private readonly int _left = op.LeftShift, _e1 = -op.Input1Shift, _e2 = -op.Input2Shift, _eo = -op.OutputShift;
        private readonly bool _subtract = op.Operation == BinaryOperation.Subtract;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TVector Apply(TVector a, TVector b)
        {
            TVector s1 = TLanes.DivideByPOT(TLanes.HighMul(TLanes.ShiftLeft(TLanes.Add(a, _offset1), _left), _m1), _e1, _mask1);
            TVector s2 = TLanes.DivideByPOT(TLanes.HighMul(TLanes.ShiftLeft(TLanes.Add(b, _offset2), _left), _m2), _e2, _mask2);
            TVector raw = _subtract ? TLanes.Subtract(s1, s2) : TLanes.Add(s1, s2);
            TVector q = TLanes.Add(TLanes.DivideByPOT(TLanes.HighMul(raw, _mo), _eo, _maskO), _outputOffset);
            return TLanes.Clamp(q, _min, _max);
        }
    }
}

/// <summary>
/// The int8 product of TFLite's MUL (<see cref="BinaryArithmetic.QuantizedProduct"/>: offset both inputs, multiply,
/// requantize with one multiplier and shift, clamp), sixteen elements at a time; the same bytes as the operator.
/// </summary>
internal readonly struct Int8ProductKernel(BinaryParameters parameters, SimdLevel level) : IInt8SpanKernel
{
    // Made once per Invoke: an innermost-repeat broadcast runs the kernel once per period.
    private readonly Int8ProductParameters _vector = Int8ProductParameters.Create(parameters) ?? default;
    private readonly BinaryArithmetic.Int8Result<BinaryArithmetic.QuantizedProduct> _scalar = new(new(parameters));

    /// <summary>Whether the vector loops reproduce <paramref name="op"/> exactly.</summary>
    public static bool Supports(in BinaryParameters op) => Int8ProductParameters.Create(op) is not null;

    public void Run(ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, Span<sbyte> output)
    {
        int n = output.Length;
        Int8ElementwiseSimd.CheckLengths(a, aScalar, b, bScalar, n);
        int i = 0;
        if (n >= 16)
        {
            if (level >= SimdLevel.Avx2 && Avx2.IsSupported) i = Run256(a, aScalar, b, bScalar, output);
            else if (level >= SimdLevel.Vector128 && Vector128.IsHardwareAccelerated) i = Run128(a, aScalar, b, bScalar, output);
        }
        for (; i < n; i++) output[i] = _scalar.Invoke(a[aScalar ? 0 : i], b[bScalar ? 0 : i]);
    }

    private int Run256(ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, Span<sbyte> output)
        => Int8ElementwiseSimd.Loop256(new ProductLanes<Int32x8, Vector256<int>>(_vector), a, aScalar, b, bScalar, output);

    private int Run128(ReadOnlySpan<sbyte> a, bool aScalar, ReadOnlySpan<sbyte> b, bool bScalar, Span<sbyte> output)
        => Int8ElementwiseSimd.Loop128(new ProductLanes<Int32x4, Vector128<int>>(_vector), a, aScalar, b, bScalar, output);

    /// <summary>The product's offsets, multiply and requantization, in lanes of any width.</summary>
    private readonly struct ProductLanes<TLanes, TVector>(Int8ProductParameters p) : IInt8LaneOperation<TVector>
        where TLanes : struct, IInt32Vector<TVector>
        where TVector : struct
    {
        private readonly TVector _offset1 = TLanes.Create(p.Input1Offset), _offset2 = TLanes.Create(p.Input2Offset), _m = TLanes.Create(p.Multiplier);
        private readonly TVector _mask = TLanes.Create(FixedPointVector.Mask(p.RightShift));
        private readonly TVector _outputOffset = TLanes.Create(p.OutputOffset), _min = TLanes.Create(p.Min), _max = TLanes.Create(p.Max);
        private readonly int _left = p.LeftShift, _right = p.RightShift;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TVector Apply(TVector a, TVector b)
        {
            TVector x = TLanes.ShiftLeft(TLanes.Multiply(TLanes.Add(a, _offset1), TLanes.Add(b, _offset2)), _left);
            TVector q = TLanes.Add(TLanes.DivideByPOT(TLanes.HighMul(x, _m), _right, _mask), _outputOffset);
            return TLanes.Clamp(q, _min, _max);
        }
    }
}

/// <summary>MUL's int8 parameters in the form the vector loops use: a Q31 multiplier with a left and a rounding right shift.</summary>
internal readonly record struct Int8ProductParameters(int Input1Offset, int Input2Offset, int OutputOffset, int Multiplier, int LeftShift, int RightShift, int Min, int Max)
{
    /// <summary>From MUL's multiplier and signed shift, or null when the vector loops cannot reproduce them exactly.</summary>
    public static Int8ProductParameters? Create(in BinaryParameters p)
    {
        int shift = p.OutputShift;
        int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
        // An inverted clamp range (possible from activation limits of extreme scales) is not a max-then-min.
        if (p.Min > p.Max || !FixedPointVector.Fits(p.OutputMultiplier, left, right)) return null;
        return new Int8ProductParameters(p.Input1Offset, p.Input2Offset, p.OutputOffset, p.OutputMultiplier, left, right, p.Min, p.Max);
    }
}
