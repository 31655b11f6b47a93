using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

// The vector forms of LstmArithmetic: eight int32 (or float) lanes at a time with AVX2, the reference functions for the
// elements left over. Every loop reads and writes only indices below the length of its shortest span (checked first).
internal static partial class LstmArithmetic
{
    /// <summary>Whether the vector forms apply: AVX2, and every requantization a vector multiply-shift reproduces exactly.</summary>
    public static bool CanVectorize(SimdLevel level, in LstmCellParameters p)
        => level >= SimdLevel.Avx2 && Avx2.IsSupported
           && FitsMultiplier(p.ForgetMultiplier, p.ForgetShift) && FitsMultiplier(p.InputMultiplier, p.InputShift)
           && FitsMultiplier(p.HiddenMultiplier, p.HiddenShift);

    /// <summary>Whether <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/> with these has an exact vector form.</summary>
    public static bool FitsMultiplier(int multiplier, int shift)
        => FixedPointVector.Fits(multiplier, Math.Max(shift, 0), Math.Max(-shift, 0));

    /// <summary>MultiplyByQuantizedMultiplier on eight lanes (see <see cref="FitsMultiplier"/>); shift counts kept as vectors.</summary>
    internal readonly struct Requantizer(int multiplier, int shift)
    {
        private readonly Vector256<int> _multiplier = Vector256.Create(multiplier);
        private readonly Vector256<int> _mask = Vector256.Create(FixedPointVector.Mask(Math.Max(-shift, 0)));
        private readonly Vector256<int> _halfMask = Vector256.Create(FixedPointVector.Mask(Math.Max(-shift, 0)) >> 1);
        private readonly Vector128<int> _left = Vector128.CreateScalar(Math.Max(shift, 0)), _right = Vector128.CreateScalar(Math.Max(-shift, 0));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<int> Apply(Vector256<int> x)
            => FixedPointVector.DivideByPOT(FixedPointVector.HighMul(Avx2.ShiftLeftLogical(x, _left), _multiplier), _right, _mask, _halfMask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Load8(ref short p, int i) => Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref p, (nuint)i));

    /// <summary>Eight int32 lanes clamped to int16 (saturating pack).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Saturate(Vector256<int> x) => Sse2.PackSignedSaturate(x.GetLower(), x.GetUpper());

    /// <summary>The low 16 bits of eight int32 lanes (the reference's truncating cast to short).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Truncate(Vector256<int> x)
    {
        Vector256<int> low = x & Vector256.Create(0xFFFF);
        return Sse41.PackUnsignedSaturate(low.GetLower(), low.GetUpper()).AsInt16();
    }

    /// <summary>
    /// Whether <see cref="FixedPoint.MultiplyByQuantizedMultiplier(long, int, int)"/> with these has the vector form of
    /// <see cref="Requantizer64"/>: its rounding shift between 1 and 32, so that a logical shift gives the low 32 bits the
    /// reference's arithmetic shift and truncation keep.
    /// </summary>
    public static bool FitsMultiplier64(int multiplier, int shift) => multiplier >= 0 && 15 - shift is >= 1 and <= 32;

    /// <summary>MultiplyByQuantizedMultiplier of 64-bit sums on four lanes (see <see cref="FitsMultiplier64"/>); the
    /// int32 results are the low halves of the lanes.</summary>
    internal readonly struct Requantizer64
    {
        private readonly Vector256<ulong> _multiplier;
        private readonly Vector256<long> _round;
        private readonly Vector128<long> _shift;

        public Requantizer64(int multiplier, int shift)
        {
            // The multiplier reduced to 16 bits as the reference does (non-negative, below 2^15).
            int reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
            int totalShift = 15 - shift;
            _multiplier = Vector256.Create((ulong)reduced);
            _round = Vector256.Create(1L << (totalShift - 1));
            _shift = Vector128.CreateScalar((long)totalShift);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<long> Apply(Vector256<long> x)
        {
            // x * m modulo 2^64 from the two 32-bit halves of x (only the low half of high * m survives the shift by 32).
            Vector256<ulong> low = Avx2.Multiply(x.AsUInt32(), _multiplier.AsUInt32());
            Vector256<ulong> high = Avx2.Multiply(Avx2.ShiftRightLogical(x, 32).AsUInt32(), _multiplier.AsUInt32());
            Vector256<long> product = (low + Avx2.ShiftLeftLogical(high, 32)).AsInt64();
            return Avx2.ShiftRightLogical(product + _round, _shift);
        }
    }

    /// <summary>
    /// result[u] = saturate(RequantizeGate(inputSums[u] + bias[u], ...) + RequantizeGate(recurrentSums[u], ...)): a gate's
    /// pre-activation from the exact sums of its two products. With an int32 bias (int8 activations) the sums truncate to
    /// the reference's wrapping 32-bit sums; with an int64 bias (int16 activations) they stay 64-bit, requantized by
    /// <see cref="Requantizer64"/>.
    /// </summary>
    public static void GateFromSums<TBias>(ReadOnlySpan<long> inputSums, ReadOnlySpan<TBias> bias, int inputMultiplier, int inputShift,
        ReadOnlySpan<long> recurrentSums, int recurrentMultiplier, int recurrentShift, Span<short> result) where TBias : unmanaged
    {
        bool wide = typeof(TBias) == typeof(long);
        int n = result.Length;
        if (inputSums.Length < n || bias.Length < n || recurrentSums.Length < n) throw new ArgumentException("gate operands are too short");
        var input = new Requantizer(inputMultiplier, inputShift);
        var recurrent = new Requantizer(recurrentMultiplier, recurrentShift);
        var input64 = new Requantizer64(inputMultiplier, inputShift);
        var recurrent64 = new Requantizer64(recurrentMultiplier, recurrentShift);
        ref long xs = ref MemoryMarshal.GetReference(inputSums);
        ref long hs = ref MemoryMarshal.GetReference(recurrentSums);
        ref TBias b = ref MemoryMarshal.GetReference(bias);
        ref short r = ref MemoryMarshal.GetReference(result);
        int i = 0;
        for (; i + 8 <= n; i += 8)
        {
            Vector256<long> x0 = Vector256.LoadUnsafe(ref xs, (nuint)i), x1 = Vector256.LoadUnsafe(ref xs, (nuint)i + 4);
            Vector256<long> h0 = Vector256.LoadUnsafe(ref hs, (nuint)i), h1 = Vector256.LoadUnsafe(ref hs, (nuint)i + 4);
            Vector256<int> x, h;
            if (wide)
            {
                ref long b64 = ref Unsafe.As<TBias, long>(ref b);
                x = Vector256.Narrow(input64.Apply(x0 + Vector256.LoadUnsafe(ref b64, (nuint)i)), input64.Apply(x1 + Vector256.LoadUnsafe(ref b64, (nuint)i + 4)));
                h = Vector256.Narrow(recurrent64.Apply(h0), recurrent64.Apply(h1));
            }
            else
            {
                x = input.Apply(Vector256.Narrow(x0, x1) + Vector256.LoadUnsafe(ref Unsafe.As<TBias, int>(ref b), (nuint)i));
                h = recurrent.Apply(Vector256.Narrow(h0, h1));
            }
            Saturate(AddGateLanes(x, h)).StoreUnsafe(ref r, (nuint)i);
        }
        for (; i < n; i++)
            result[i] = wide
                ? SaturatingAdd(RequantizeGate(unchecked(inputSums[i] + Unsafe.As<TBias, long>(ref Unsafe.Add(ref b, i))), inputMultiplier, inputShift),
                    RequantizeGate(recurrentSums[i], recurrentMultiplier, recurrentShift))
                : SaturatingAdd(RequantizeGate(unchecked((int)inputSums[i] + Unsafe.As<TBias, int>(ref Unsafe.Add(ref b, i))), inputMultiplier, inputShift),
                    RequantizeGate(unchecked((int)recurrentSums[i]), recurrentMultiplier, recurrentShift));
    }

    /// <summary>The vector form of the reference <see cref="UpdateCell(in LstmCellParameters, ReadOnlySpan{short}, ReadOnlySpan{short}, ReadOnlySpan{short}, Span{short})"/>.</summary>
    public static void UpdateCellFast(in LstmCellParameters p, ReadOnlySpan<short> forget, ReadOnlySpan<short> input, ReadOnlySpan<short> cellGate, Span<short> cell)
    {
        int n = cell.Length;
        if (forget.Length < n || input.Length < n || cellGate.Length < n) throw new ArgumentException("cell operands are too short");
        var kept = new Requantizer(p.ForgetMultiplier, p.ForgetShift);
        var added = new Requantizer(p.InputMultiplier, p.InputShift);
        ref short f = ref MemoryMarshal.GetReference(forget), ig = ref MemoryMarshal.GetReference(input);
        ref short g = ref MemoryMarshal.GetReference(cellGate), c = ref MemoryMarshal.GetReference(cell);
        var clip = new CellClipLanes(p);
        int i = 0;
        for (; i + 8 <= n; i += 8)
            Saturate(CellLanes(Load8(ref f, i), Load8(ref c, i), Load8(ref ig, i), Load8(ref g, i), kept, added, clip)).StoreUnsafe(ref c, (nuint)i);
        for (; i < n; i++) cell[i] = UpdateCell(p, forget[i], cell[i], input[i], cellGate[i]);
    }

    /// <summary>The vector form of the reference <see cref="Hidden{TAct}(in LstmCellParameters, ReadOnlySpan{short}, ReadOnlySpan{short}, Span{TAct})"/>.</summary>
    public static void HiddenFast<TAct>(in LstmCellParameters p, ReadOnlySpan<short> tanhCell, ReadOnlySpan<short> outputGate, Span<TAct> hidden)
        where TAct : unmanaged
    {
        int n = hidden.Length;
        if (tanhCell.Length < n || outputGate.Length < n) throw new ArgumentException("hidden operands are too short");
        var requantizer = new Requantizer(p.HiddenMultiplier, p.HiddenShift);
        ref short t = ref MemoryMarshal.GetReference(tanhCell), o = ref MemoryMarshal.GetReference(outputGate);
        var range = new HiddenRange(p);
        int i = 0;
        for (; i + 8 <= n; i += 8)
        {
            Vector256<int> v = HiddenLanes(Load8(ref t, i), Load8(ref o, i), requantizer, range);
            // Clamped to the type's range, so the saturating packs only narrow.
            Vector128<short> narrow = Saturate(v);
            if (typeof(TAct) == typeof(sbyte))
                Unsafe.WriteUnaligned(ref Unsafe.As<TAct, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(hidden), i)),
                    Sse2.PackSignedSaturate(narrow, narrow).AsInt64().ToScalar());
            else
                narrow.StoreUnsafe(ref Unsafe.As<TAct, short>(ref MemoryMarshal.GetReference(hidden)), (nuint)i);
        }
        for (; i < n; i++) hidden[i] = Scalar.Truncate<TAct>(Hidden(p, tanhCell[i], outputGate[i]));
    }

    // The int16 logistic and tanh of Int16Sigmoid, eight lanes at a time: one gather reads both interpolation points
    // (table[high] in the low half of a 32-bit lane, table[high + 1] in the high half); lanes past the table's end take the
    // saturated value and read index 0 instead.

    /// <summary>The vector form of <see cref="Int16Sigmoid.Logistic"/> (AVX2), in place allowed.</summary>
    public static void Logistic(ReadOnlySpan<short> input, Span<short> output, int inputMultiplier = 0, int inputLeftShift = 0)
        => Activation(input, output, inputMultiplier, inputLeftShift, tanh: false);

    /// <summary>The vector form of <see cref="Int16Sigmoid.Tanh"/> (AVX2), in place allowed.</summary>
    public static void Tanh(ReadOnlySpan<short> input, Span<short> output, int inputMultiplier, int inputLeftShift)
        => Activation(input, output, inputMultiplier, inputLeftShift, tanh: true);

    /// <summary>The scaling of an activation's int16 input: (x * multiplier + round) &gt;&gt; shift, a zero multiplier meaning 3 &lt;&lt; shift.</summary>
    internal readonly struct ActivationInput
    {
        public readonly int Multiplier, LeftShift;
        private readonly Vector256<int> _multiplier, _round;

        public ActivationInput(int inputMultiplier, int inputLeftShift)
        {
            if (inputMultiplier == 0)
            {
                inputMultiplier = 3 << inputLeftShift;
                inputLeftShift = 0;
            }
            Multiplier = inputMultiplier;
            LeftShift = inputLeftShift;
            _multiplier = Vector256.Create(inputMultiplier);
            _round = Vector256.Create(inputLeftShift > 0 ? 1 << (inputLeftShift - 1) : 0);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<int> Apply(Vector256<int> x) => Vector256.ShiftRightArithmetic(x * _multiplier + _round, LeftShift);
    }

    /// <summary>
    /// Both activations of eight scaled inputs: they read the sigmoid table at |x| / 2^9 (logistic) or |x| / 2^8 (tanh,
    /// sigmoid(2x)) and interpolate linearly; they differ in the saturated value, in how the sign is applied and in the
    /// final shift. The int16 results are the low 16 bits of the lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector256<int> ActivationLanes(Vector256<int> x, ushort* table, bool tanh)
    {
        int bits = tanh ? 8 : 9;
        Vector256<int> fraction = Vector256.Create((1 << bits) - 1), saturatedValue = Vector256.Create(tanh ? 0xFFFF << 8 : 0x7FFF << 10);
        // Logistic: x >= 0 gives r + 2^9, x < 0 gives 2^25 + 2^9 - 1 - r; tanh: r - 2^23 + 2^7 and 2^23 + 2^7 - 1 - r.
        Vector256<int> positiveAdd = Vector256.Create(tanh ? (1 << 7) - (1 << 23) : 1 << 9);
        Vector256<int> negativeFrom = Vector256.Create(tanh ? (1 << 23) + (1 << 7) - 1 : (1 << 25) + (1 << 9) - 1);
        Vector256<int> magnitude = Vector256.Abs(x);
        Vector256<int> high = Vector256.ShiftRightLogical(magnitude, bits);
        Vector256<int> saturated = Vector256.GreaterThan(high, Vector256.Create(254)) | Vector256.LessThan(magnitude, Vector256<int>.Zero);
        Vector256<int> pair = Avx2.GatherVector256((int*)table, Vector256.AndNot(high, saturated), 2);
        Vector256<int> a = pair & Vector256.Create(0xFFFF), b = Vector256.ShiftRightLogical(pair, 16);
        Vector256<int> result = Vector256.ShiftLeft(a, bits) + (magnitude & fraction) * (b - a);
        result = Vector256.ConditionalSelect(saturated, saturatedValue, result);
        result = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<int>.Zero), negativeFrom - result, result + positiveAdd);
        // Logistic's sum is unsigned (a logical shift), tanh's signed.
        return tanh ? Vector256.ShiftRightArithmetic(result, 8) : Vector256.ShiftRightLogical(result, 10);
    }

    /// <summary>An activation's int16 results sign-extended in their lanes (the reference's cast to short, kept in 32 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> ToInt16Lanes(Vector256<int> x) => Vector256.ShiftRightArithmetic(Vector256.ShiftLeft(x, 16), 16);

    private static unsafe void Activation(ReadOnlySpan<short> input, Span<short> output, int inputMultiplier, int inputLeftShift, bool tanh)
    {
        int n = input.Length;
        if (output.Length < n) throw new ArgumentException("output is too short");
        var scale = new ActivationInput(inputMultiplier, inputLeftShift);
        ref short x0 = ref MemoryMarshal.GetReference(input), y0 = ref MemoryMarshal.GetReference(output);
        int i = 0;
        fixed (ushort* table = LookupTables.Sigmoid)
        {
            for (; i + 8 <= n; i += 8)
                Truncate(ActivationLanes(scale.Apply(Load8(ref x0, i)), table, tanh)).StoreUnsafe(ref y0, (nuint)i);
        }
        if (i == n) return;
        if (tanh) Int16Sigmoid.Tanh(input[i..], output[i..n], scale.Multiplier, scale.LeftShift);
        else Int16Sigmoid.Logistic(input[i..], output[i..n], scale.Multiplier, scale.LeftShift);
    }

    // The steps of the cell in 32-bit lanes holding int16 values, shared by the span loops above and the fused step.

    /// <summary>A gate's pre-activation: its two requantized products, each saturated to int16, added with saturation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> GateLanes(Vector256<int> inputSum, in Requantizer input, Vector256<int> recurrentSum, in Requantizer recurrent)
        => AddGateLanes(input.Apply(inputSum), recurrent.Apply(recurrentSum));

    /// <summary>A gate's two requantized products, each saturated to int16, added with saturation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> AddGateLanes(Vector256<int> input, Vector256<int> recurrent)
        => SaturateLanes(SaturateLanes(input) + SaturateLanes(recurrent));

    /// <summary>Lanes clamped to the int16 range (they stay 32-bit).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> SaturateLanes(Vector256<int> x)
        => Vector256.Min(Vector256.Max(x, Vector256.Create((int)short.MinValue)), Vector256.Create((int)short.MaxValue));

    /// <summary>The quantized cell clip as lanes (applied only when the cell is clipped).</summary>
    internal readonly struct CellClipLanes(in LstmCellParameters p)
    {
        public readonly bool Clipped = p.Clipped;
        public readonly Vector256<int> High = Vector256.Create((int)p.CellClip), Low = Vector256.Create(-(int)p.CellClip);
    }

    /// <summary>The new cell state of <see cref="UpdateCell(in LstmCellParameters, short, short, short, short)"/> in lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> CellLanes(Vector256<int> forget, Vector256<int> cell, Vector256<int> input, Vector256<int> cellGate,
        in Requantizer kept, in Requantizer added, in CellClipLanes clip)
    {
        Vector256<int> c = SaturateLanes(SaturateLanes(kept.Apply(forget * cell)) + SaturateLanes(added.Apply(input * cellGate)));
        return clip.Clipped ? Vector256.Max(Vector256.Min(clip.High, c), clip.Low) : c;
    }

    /// <summary>The hidden output's zero point and clamp range as lanes.</summary>
    internal readonly struct HiddenRange(in LstmCellParameters p)
    {
        public readonly Vector256<int> ZeroPoint = Vector256.Create(p.HiddenZeroPoint), Min = Vector256.Create(p.HiddenMin), Max = Vector256.Create(p.HiddenMax);
    }

    /// <summary>The hidden output of <see cref="Hidden(in LstmCellParameters, short, short)"/> in lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> HiddenLanes(Vector256<int> tanhCell, Vector256<int> outputGate, in Requantizer requantizer, in HiddenRange range)
        => Vector256.Min(Vector256.Max(range.ZeroPoint + requantizer.Apply(tanhCell * outputGate), range.Min), range.Max);

    /// <summary>Whether the float vector forms apply (vector exponentials exist from .NET 9 on).</summary>
    public static bool CanVectorizeFloat(SimdLevel level)
#if NET9_0_OR_GREATER
        => level >= SimdLevel.Avx2 && Vector256.IsHardwareAccelerated;
#else
        => false;
#endif

#if NET9_0_OR_GREATER
    /// <summary>
    /// The logistic of eight lanes, as <see cref="Sigmoid(float)"/> computes it but with the vector exponential (within a few
    /// units in the last place of MathF.Exp's, not bit for bit): one exponential per lane, of x below -9, of -x elsewhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Sigmoid(Vector256<float> x)
    {
        Vector256<float> small = Vector256.LessThan(x, Vector256.Create(-9f));
        Vector256<float> e = Vector256.Exp(Vector256.ConditionalSelect(small, x, -x));
        Vector256<float> result = Vector256.ConditionalSelect(small, e, Vector256<float>.One / (Vector256<float>.One + e));
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(16.619047164916992188f)), Vector256<float>.One, result);
    }

    /// <summary>
    /// tanh of eight lanes as sign(x) (1 - 2 / (e^(2|x|) + 1)), computed in double so that the subtraction loses nothing a
    /// float result keeps (within an ulp or two of MathF.Tanh, not bit for bit); below 2^-12 tanh(x) rounds to x itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> magnitude = Vector256.Abs(x);
        (Vector256<double> low, Vector256<double> high) = Vector256.Widen(magnitude);
        Vector256<float> t = Vector256.Narrow(TanhOfMagnitude(low), TanhOfMagnitude(high));
        t = Vector256.ConditionalSelect(Vector256.LessThan(magnitude, Vector256.Create(1f / 4096f)), magnitude, t);
        return t | (x & Vector256.Create(-0f));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> TanhOfMagnitude(Vector256<double> magnitude)
        => Vector256<double>.One - Vector256.Create(2.0) / (Vector256.Exp(magnitude * Vector256.Create(2.0)) + Vector256<double>.One);

    /// <summary>gate[i] = activation(gate[i] + recurrent[i]): the sum of a gate's two products through its logistic or tanh.</summary>
    public static void FloatGate(Span<float> gate, ReadOnlySpan<float> recurrent, bool sigmoid)
    {
        int n = gate.Length;
        if (recurrent.Length < n) throw new ArgumentException("gate operands are too short");
        ref float g = ref MemoryMarshal.GetReference(gate);
        ref float r = ref MemoryMarshal.GetReference(recurrent);
        int i = 0;
        for (; i + 8 <= n; i += 8)
        {
            Vector256<float> v = Vector256.LoadUnsafe(ref g, (nuint)i) + Vector256.LoadUnsafe(ref r, (nuint)i);
            (sigmoid ? Sigmoid(v) : Tanh(v)).StoreUnsafe(ref g, (nuint)i);
        }
        for (; i < n; i++)
        {
            float v = gate[i] + recurrent[i];
            gate[i] = sigmoid ? Sigmoid(v) : MathF.Tanh(v);
        }
    }

    /// <summary>The float cell update (<see cref="UpdateCell(float, float, float, float, float)"/>) and the hidden output
    /// tanh(cell) * output gate, eight lanes at a time.</summary>
    public static void FloatCellAndHidden(ReadOnlySpan<float> forget, ReadOnlySpan<float> input, ReadOnlySpan<float> cellGate,
        ReadOnlySpan<float> outputGate, float clip, Span<float> cell, Span<float> hidden)
    {
        int n = cell.Length;
        if (forget.Length < n || input.Length < n || cellGate.Length < n || outputGate.Length < n || hidden.Length < n)
            throw new ArgumentException("cell operands are too short");
        ref float f = ref MemoryMarshal.GetReference(forget), ig = ref MemoryMarshal.GetReference(input);
        ref float g = ref MemoryMarshal.GetReference(cellGate), o = ref MemoryMarshal.GetReference(outputGate);
        ref float c = ref MemoryMarshal.GetReference(cell), h = ref MemoryMarshal.GetReference(hidden);
        Vector256<float> high = Vector256.Create(clip), low = Vector256.Create(-clip);
        int i = 0;
        for (; i + 8 <= n; i += 8)
        {
            Vector256<float> v = Vector256.LoadUnsafe(ref f, (nuint)i) * Vector256.LoadUnsafe(ref c, (nuint)i)
                + Vector256.LoadUnsafe(ref ig, (nuint)i) * Vector256.LoadUnsafe(ref g, (nuint)i);
            // maxps/minps return their second operand when either is NaN: this order passes a NaN on, as MathF.Max/Min do.
            if (clip > 0f) v = Avx.Max(low, Avx.Min(high, v));
            v.StoreUnsafe(ref c, (nuint)i);
            (Tanh(v) * Vector256.LoadUnsafe(ref o, (nuint)i)).StoreUnsafe(ref h, (nuint)i);
        }
        for (; i < n; i++)
        {
            cell[i] = UpdateCell(forget[i], cell[i], input[i], cellGate[i], clip);
            hidden[i] = MathF.Tanh(cell[i]) * outputGate[i];
        }
    }
#else
    public static void FloatGate(Span<float> gate, ReadOnlySpan<float> recurrent, bool sigmoid) => throw ReferenceOnlyFloat();

    public static void FloatCellAndHidden(ReadOnlySpan<float> forget, ReadOnlySpan<float> input, ReadOnlySpan<float> cellGate,
        ReadOnlySpan<float> outputGate, float clip, Span<float> cell, Span<float> hidden) => throw ReferenceOnlyFloat();

    private static InvalidOperationException ReferenceOnlyFloat() => new("no vector exponential before .NET 9");
#endif
}
