using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace TfLiteMicro.Signal;

/// <summary>
/// The forward real FFT of <see cref="KissFft{T, TMath}"/> over <see cref="Q15FftArithmetic"/>, restructured for vectors:
/// every butterfly computes the integers the reference computes, in the same order of operations, only several
/// butterflies at a time and stage by stage instead of depth first (the butterflies of one stage touch disjoint
/// blocks, so the order among them does not matter).
/// </summary>
/// <remarks>
/// For lengths whose half is a power of two (radix-4 and radix-2 stages) of at least four vectors. The last stage
/// (one-point columns) reads its inputs straight from the time samples, F = ncfft / radix apart, with one vector
/// lane per butterfly, and writes each butterfly's outputs to where the recursion puts them (a table of positions).
/// The other stages give each lane one column index k of a block, or, when a block's columns are shorter than a
/// vector, runs of several blocks. Twiddles are laid out per stage in the order the lanes read them, each as the two
/// int16 pairs a pair multiply-add needs (<see cref="IQ15Lanes{TV}.ComplexMultiply"/>), in the arena's persistent part.
/// </remarks>
internal readonly struct Q15RealFft
{
    // The plan's integers: a header, one record per stage before the last (in the order they run), then the positions.
    private const int Lanes = 0, LeafRadix = 1, LeafCount = 2, LeafTwiddles = 3, PostTwiddles = 4, StageCount = 5, Header = 6;
    private const int StageRecord = 4; // radix, column length m, blocks, twiddle offset

    private const short HalfScale = short.MaxValue / 2;
    private const short QuarterScale = short.MaxValue / 4;

    private readonly int _planHandle;
    private readonly int _twiddlesHandle;
    private readonly int _fftLength;

    private Q15RealFft(int planHandle, int twiddlesHandle, int fftLength)
    {
        _planHandle = planHandle;
        _twiddlesHandle = twiddlesHandle;
        _fftLength = fftLength;
    }

    /// <summary>
    /// Complex numbers per vector for <paramref name="fftLength"/> points at <paramref name="level"/>: 8 (AVX2, AVX-VNNI)
    /// or 4 (128-bit vectors), the widest that suits the length; 0 when the reference must run.
    /// </summary>
    public static int LanesFor(SimdLevel level, int fftLength)
    {
        int lanes = level >= SimdLevel.Avx2 && Avx2.IsSupported ? 8 : level >= SimdLevel.Vector128 ? 4 : 0;
        while (lanes >= 4 && !Supports(fftLength, lanes)) lanes /= 2;
        return lanes >= 4 ? lanes : 0;
    }

    /// <summary>Whether a real FFT of <paramref name="fftLength"/> points runs on vectors of <paramref name="lanes"/> complex numbers.</summary>
    public static bool Supports(int fftLength, int lanes)
    {
        int ncfft = fftLength / 2;
        return lanes > 0 && fftLength % 2 == 0 && ncfft >= 4 * lanes && (ncfft & (ncfft - 1)) == 0;
    }

    /// <summary>
    /// The plan and twiddles for <paramref name="fftLength"/> points at <paramref name="level"/> (<see cref="LanesFor"/>),
    /// allocated in the arena's persistent part; null when the reference must run.
    /// </summary>
    public static Q15RealFft? TryAllocate(PrepareContext context, SimdLevel level, int fftLength)
    {
        int lanes = LanesFor(level, fftLength);
        if (lanes == 0) return null;
        (int[] plan, Complex<short>[] twiddles) = Build(fftLength, lanes);
        return new Q15RealFft(context.AllocatePersistent<int>(plan), context.AllocatePersistent<Complex<short>>(twiddles), fftLength);
    }

    /// <summary>The plan's integers and twiddle table (see the remarks), from the reference's factors and twiddles.</summary>
    internal static (int[] Plan, Complex<short>[] Twiddles) Build(int fftLength, int lanes)
    {
        int ncfft = fftLength / 2;
        int[] factors = KissFftPlan.Factor(ncfft);
        Complex<short>[] reference = KissFft<short, Q15FftArithmetic>.Twiddles(fftLength, inverse: false);
        int levels = factors.Length / 2;
        var plan = new List<int>(new int[Header]);
        var twiddles = new List<Complex<short>>();
        plan[Lanes] = lanes;

        // Stages before the last, deepest first; the stage at depth d has fstride = blocks = product of the radices above it.
        plan[StageCount] = levels - 1;
        for (int d = levels - 2; d >= 0; d--)
        {
            int p = factors[2 * d], m = factors[2 * d + 1], fstride = 1;
            for (int e = 0; e < d; e++) fstride *= factors[2 * e];
            plan.AddRange([p, m, fstride, twiddles.Count]);
            AddStageTwiddles(twiddles, reference, p, m, fstride, lanes);
        }
        int leafRadix = factors[2 * levels - 2], leafCount = ncfft / leafRadix;
        plan[LeafRadix] = leafRadix;
        plan[LeafCount] = leafCount;
        plan[LeafTwiddles] = twiddles.Count;
        AddStageTwiddles(twiddles, reference, leafRadix, 1, leafCount, lanes);
        plan[PostTwiddles] = twiddles.Count;
        for (int k = 1; k <= ncfft / 2; k++) twiddles.Add(ForReal(reference[ncfft + k - 1]));
        for (int k = 1; k <= ncfft / 2; k++) twiddles.Add(ForImaginary(reference[ncfft + k - 1]));

        var positions = new int[leafCount];
        Place(factors, 0, 0, 1, 0, positions);
        plan.AddRange(positions);
        return ([.. plan], [.. twiddles]);
    }

    /// <summary>For j = 1 .. p-1: the twiddles of columns k = 0 .. max(m, lanes)-1 (k mod m when a vector spans blocks), as two tables.</summary>
    private static void AddStageTwiddles(List<Complex<short>> table, Complex<short>[] reference, int p, int m, int fstride, int lanes)
    {
        int width = Math.Max(m, lanes);
        for (int j = 1; j < p; j++)
        {
            for (int k = 0; k < width; k++) table.Add(ForReal(reference[j * (k % m) * fstride]));
            for (int k = 0; k < width; k++) table.Add(ForImaginary(reference[j * (k % m) * fstride]));
        }
    }

    // A twiddle component is never -32768 (Q15FftArithmetic.FromUnit gives at least -32767), so negating it is exact.
    private static Complex<short> ForReal(Complex<short> twiddle) => new(twiddle.Real, (short)-twiddle.Imag);

    private static Complex<short> ForImaginary(Complex<short> twiddle) => new(twiddle.Imag, twiddle.Real);

    /// <summary>Where the recursion of <see cref="KissFft{T, TMath}"/> puts each last-stage block: positions[input offset] = output offset.</summary>
    private static void Place(int[] factors, int factor, int output, int fstride, int input, int[] positions)
    {
        int p = factors[factor], m = factors[factor + 1];
        if (m == 1)
        {
            positions[input] = output;
            return;
        }
        for (int j = 0; j < p; j++) Place(factors, factor + 2, output + j * m, fstride * p, input + j * fstride, positions);
    }

    /// <summary>The transform over the tables <see cref="TryAllocate"/> made for <paramref name="level"/>.</summary>
    public void Forward(InvokeContext context, SimdLevel level, ReadOnlySpan<short> time, Span<Complex<short>> freq, Span<Complex<short>> work)
        => Forward(level, context.Persistent<int>(_planHandle), context.Persistent<Complex<short>>(_twiddlesHandle), _fftLength, time, freq, work);

    /// <summary>
    /// Forward real FFT of <paramref name="time"/> (fftLength samples) into <paramref name="freq"/> (fftLength/2+1 bins),
    /// using <paramref name="work"/> (fftLength/2 complex numbers), over <see cref="Build"/>'s plan and twiddles for the
    /// same length and <see cref="LanesFor"/>(<paramref name="level"/>) lanes.
    /// </summary>
    public static void Forward(SimdLevel level, ReadOnlySpan<int> plan, ReadOnlySpan<Complex<short>> twiddles, int fftLength,
        ReadOnlySpan<short> time, Span<Complex<short>> freq, Span<Complex<short>> work)
    {
        if (plan.IsEmpty || plan[Lanes] != LanesFor(level, fftLength)) throw new ArgumentException("the FFT plan was made for other lanes", nameof(plan));
        if (plan[Lanes] == 8 && level >= SimdLevel.AvxVnni && AvxVnni.IsSupported)
            Forward<Vector256<short>, Q15Lanes256<VnniPairMultiplyAdd>>(plan, twiddles, fftLength, time, freq, work);
        else if (plan[Lanes] == 8)
            Forward<Vector256<short>, Q15Lanes256<Avx2PairMultiplyAdd>>(plan, twiddles, fftLength, time, freq, work);
        else
            Forward<Vector128<short>, Q15Lanes128>(plan, twiddles, fftLength, time, freq, work);
    }

    private static void Forward<TV, TOps>(ReadOnlySpan<int> plan, ReadOnlySpan<Complex<short>> twiddles, int fftLength,
        ReadOnlySpan<short> time, Span<Complex<short>> freq, Span<Complex<short>> work)
        where TV : struct
        where TOps : struct, IQ15Lanes<TV>
    {
        int ncfft = fftLength / 2;
        // The plan and twiddles were built for this length and these lanes (Build); the checks keep a mismatch from
        // reaching the unchecked loops.
        if (!Supports(fftLength, Q15Vector.Count<TV>()) || time.Length < fftLength || freq.Length < ncfft + 1 || work.Length < ncfft
            || plan.Length < Header + StageRecord * plan[StageCount] + plan[LeafCount] || twiddles.Length < plan[PostTwiddles] + ncfft)
            throw new ArgumentException("FFT operands do not match the plan");
        ref Complex<short> input = ref Unsafe.As<short, Complex<short>>(ref MemoryMarshal.GetReference(time));
        ref Complex<short> data = ref MemoryMarshal.GetReference(work);
        ref Complex<short> table = ref MemoryMarshal.GetReference(twiddles);

        LastStage<TV, TOps>(ref input, ref data, plan[LeafRadix], plan[LeafCount], ref Unsafe.Add(ref table, plan[LeafTwiddles]),
            ref Unsafe.AsRef(in plan[Header + StageRecord * plan[StageCount]]));
        for (int s = 0; s < plan[StageCount]; s++)
        {
            ReadOnlySpan<int> stage = plan.Slice(Header + StageRecord * s, StageRecord);
            Stage<TV, TOps>(ref data, stage[1], stage[2], ref Unsafe.Add(ref table, stage[3]));
        }
        Split<TV, TOps>(ref data, ncfft, ref Unsafe.Add(ref table, plan[PostTwiddles]), ref MemoryMarshal.GetReference(freq));
    }

    /// <summary>The one-point-column stage: butterfly i reads input i, i + F, ... and writes its block at positions[i].</summary>
    private static void LastStage<TV, TOps>(ref Complex<short> input, ref Complex<short> output, int radix, int count,
        ref Complex<short> twiddles, ref int positions)
        where TV : struct
        where TOps : struct, IQ15Lanes<TV>
    {
        int lanes = Q15Vector.Count<TV>();
        if (radix == 4)
        {
            Radix4Twiddles<TV, TOps> tw = new(ref twiddles, lanes, 0);
            for (int i = 0; i < count; i += lanes)
            {
                Radix4<TV, TOps>(Q15Vector.Load<TV>(ref Unsafe.Add(ref input, i)), Q15Vector.Load<TV>(ref Unsafe.Add(ref input, i + count)),
                    Q15Vector.Load<TV>(ref Unsafe.Add(ref input, i + 2 * count)), Q15Vector.Load<TV>(ref Unsafe.Add(ref input, i + 3 * count)), tw,
                    out TV y0, out TV y1, out TV y2, out TV y3);
                TOps.StoreTransposed(y0, y1, y2, y3, ref output, ref Unsafe.Add(ref positions, i));
            }
        }
        else
        {
            TV forReal = Q15Vector.Load<TV>(ref twiddles), forImaginary = Q15Vector.Load<TV>(ref Unsafe.Add(ref twiddles, lanes));
            for (int i = 0; i < count; i += lanes)
            {
                Radix2<TV, TOps>(Q15Vector.Load<TV>(ref Unsafe.Add(ref input, i)), Q15Vector.Load<TV>(ref Unsafe.Add(ref input, i + count)), forReal, forImaginary,
                    out TV y0, out TV y1);
                TOps.StoreTransposed(y0, y1, ref output, ref Unsafe.Add(ref positions, i));
            }
        }
    }

    /// <summary>
    /// One radix-4 stage of <paramref name="blocks"/> blocks of four columns of <paramref name="m"/> complex numbers
    /// (KISS FFT takes factors of 4 first, so a power of two has a radix-2 stage only last, in <see cref="LastStage"/>).
    /// </summary>
    private static void Stage<TV, TOps>(ref Complex<short> data, int m, int blocks, ref Complex<short> twiddles)
        where TV : struct
        where TOps : struct, IQ15Lanes<TV>
    {
        int lanes = Q15Vector.Count<TV>(), blockSize = 4 * m, width = Math.Max(m, lanes);
        if (m >= lanes)
        {
            for (int b = 0; b < blocks; b++)
            {
                ref Complex<short> block = ref Unsafe.Add(ref data, b * blockSize);
                for (int k = 0; k < m; k += lanes)
                {
                    ref Complex<short> x = ref Unsafe.Add(ref block, k);
                    Radix4<TV, TOps>(Q15Vector.Load<TV>(ref x), Q15Vector.Load<TV>(ref Unsafe.Add(ref x, m)), Q15Vector.Load<TV>(ref Unsafe.Add(ref x, 2 * m)),
                        Q15Vector.Load<TV>(ref Unsafe.Add(ref x, 3 * m)), new Radix4Twiddles<TV, TOps>(ref twiddles, width, k),
                        out TV y0, out TV y1, out TV y2, out TV y3);
                    Q15Vector.Store(y0, ref x);
                    Q15Vector.Store(y1, ref Unsafe.Add(ref x, m));
                    Q15Vector.Store(y2, ref Unsafe.Add(ref x, 2 * m));
                    Q15Vector.Store(y3, ref Unsafe.Add(ref x, 3 * m));
                }
            }
            return;
        }
        // Columns shorter than a vector: one vector holds column j of lanes / m consecutive blocks.
        var tw = new Radix4Twiddles<TV, TOps>(ref twiddles, width, 0);
        for (int b = 0; b < blocks; b += lanes / m)
        {
            ref Complex<short> x = ref Unsafe.Add(ref data, b * blockSize);
            Radix4<TV, TOps>(TOps.LoadChunks(ref x, m, blockSize), TOps.LoadChunks(ref Unsafe.Add(ref x, m), m, blockSize),
                TOps.LoadChunks(ref Unsafe.Add(ref x, 2 * m), m, blockSize), TOps.LoadChunks(ref Unsafe.Add(ref x, 3 * m), m, blockSize),
                tw, out TV y0, out TV y1, out TV y2, out TV y3);
            TOps.StoreChunks(y0, ref x, m, blockSize);
            TOps.StoreChunks(y1, ref Unsafe.Add(ref x, m), m, blockSize);
            TOps.StoreChunks(y2, ref Unsafe.Add(ref x, 2 * m), m, blockSize);
            TOps.StoreChunks(y3, ref Unsafe.Add(ref x, 3 * m), m, blockSize);
        }
    }

    /// <summary>The six twiddle vectors of one radix-4 butterfly vector (j = 1, 2, 3; real and imaginary forms).</summary>
    private readonly struct Radix4Twiddles<TV, TOps>
        where TV : struct
        where TOps : struct, IQ15Lanes<TV>
    {
        public readonly TV Real1, Imaginary1, Real2, Imaginary2, Real3, Imaginary3;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Radix4Twiddles(ref Complex<short> table, int width, int k)
        {
            ref Complex<short> at = ref Unsafe.Add(ref table, k);
            Real1 = Q15Vector.Load<TV>(ref at);
            Imaginary1 = Q15Vector.Load<TV>(ref Unsafe.Add(ref at, width));
            Real2 = Q15Vector.Load<TV>(ref Unsafe.Add(ref at, 2 * width));
            Imaginary2 = Q15Vector.Load<TV>(ref Unsafe.Add(ref at, 3 * width));
            Real3 = Q15Vector.Load<TV>(ref Unsafe.Add(ref at, 4 * width));
            Imaginary3 = Q15Vector.Load<TV>(ref Unsafe.Add(ref at, 5 * width));
        }
    }

    /// <summary><see cref="KissFft{T, TMath}"/>'s forward radix-4 butterfly, lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Radix4<TV, TOps>(TV x0, TV x1, TV x2, TV x3, in Radix4Twiddles<TV, TOps> tw, out TV y0, out TV y1, out TV y2, out TV y3)
        where TV : struct
        where TOps : struct, IQ15Lanes<TV>
    {
        TV f0 = TOps.MultiplyRound(x0, QuarterScale);
        TV s0 = TOps.ComplexMultiply(TOps.MultiplyRound(x1, QuarterScale), tw.Real1, tw.Imaginary1);
        TV s1 = TOps.ComplexMultiply(TOps.MultiplyRound(x2, QuarterScale), tw.Real2, tw.Imaginary2);
        TV s2 = TOps.ComplexMultiply(TOps.MultiplyRound(x3, QuarterScale), tw.Real3, tw.Imaginary3);
        TV s5 = TOps.Subtract(f0, s1);
        f0 = TOps.Add(f0, s1);
        TV s3 = TOps.Add(s0, s2);
        TV s4 = TOps.Subtract(s0, s2);
        y2 = TOps.Subtract(f0, s3);
        y0 = TOps.Add(f0, s3);
        // s4 times -i added to and taken from s5: (s5.r + s4.i, s5.i - s4.r) and (s5.r - s4.i, s5.i + s4.r).
        TV swapped = TOps.Swap(s4);
        TV sum = TOps.Add(s5, swapped), difference = TOps.Subtract(s5, swapped);
        y1 = TOps.Combine(sum, difference);
        y3 = TOps.Combine(difference, sum);
    }

    /// <summary><see cref="KissFft{T, TMath}"/>'s radix-2 butterfly, lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Radix2<TV, TOps>(TV x0, TV x1, TV forReal, TV forImaginary, out TV y0, out TV y1)
        where TV : struct
        where TOps : struct, IQ15Lanes<TV>
    {
        TV a = TOps.MultiplyRound(x0, HalfScale);
        TV t = TOps.ComplexMultiply(TOps.MultiplyRound(x1, HalfScale), forReal, forImaginary);
        y1 = TOps.Subtract(a, t);
        y0 = TOps.Add(a, t);
    }

    /// <summary>
    /// The real transform's last step (<see cref="KissFft{T, TMath}.Forward"/> after the complex FFT): bins k and ncfft-k
    /// for a vector of k at a time, the mirrored bins read and written in reverse lane order.
    /// </summary>
    private static void Split<TV, TOps>(ref Complex<short> work, int ncfft, ref Complex<short> twiddles, ref Complex<short> freq)
        where TV : struct
        where TOps : struct, IQ15Lanes<TV>
    {
        Q15FftArithmetic q15 = default;
        Complex<short> dc = q15.DivideByRadix(work, 2);
        freq = new(q15.Add(dc.Real, dc.Imag), 0);
        Unsafe.Add(ref freq, ncfft) = new(q15.Subtract(dc.Real, dc.Imag), 0);
        int lanes = Q15Vector.Count<TV>(), half = ncfft / 2;
        for (int k = 1; k <= half; k += lanes)
        {
            int mirror = ncfft - k - lanes + 1;
            TV a = TOps.MultiplyRound(Q15Vector.Load<TV>(ref Unsafe.Add(ref work, k)), HalfScale);
            TV b = TOps.MultiplyRound(TOps.Conjugate(TOps.Reverse(Q15Vector.Load<TV>(ref Unsafe.Add(ref work, mirror)))), HalfScale);
            TV sum = TOps.Add(a, b);
            TV twiddled = TOps.ComplexMultiply(TOps.Subtract(a, b), Q15Vector.Load<TV>(ref Unsafe.Add(ref twiddles, k - 1)), Q15Vector.Load<TV>(ref Unsafe.Add(ref twiddles, half + k - 1)));
            Q15Vector.Store(Q15Halves.OfSum<TOps, TV>(sum, twiddled), ref Unsafe.Add(ref freq, k));
            TV low = TOps.Combine(Q15Halves.OfDifference<TOps, TV>(sum, twiddled), Q15Halves.OfDifference<TOps, TV>(twiddled, sum));
            Q15Vector.Store(TOps.Reverse(low), ref Unsafe.Add(ref freq, mirror));
        }
    }
}
