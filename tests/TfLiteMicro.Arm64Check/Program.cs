using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using TfLiteMicro;
using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Signal;
using TfLiteMicro.Tests.Kernels;
using TfLiteMicro.Tests.Kernels.Optimized;
using TfLiteMicro.Tests.Kernels.Recurrent;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

// Random single-op models run with the reference kernels and with the optimized ones at every instruction-set level this
// processor has, on poisoned arenas (the test suite's fast-path harness): int8 FULLY_CONNECTED (also with extreme
// requantization shifts, and with several rows), CONV_2D (also in the GEMM core's shapes), DEPTHWISE_CONV_2D (also in
// the row kernel's and the quad kernel's shapes: multipliers 2, 3, 8 and one input channel), the last four also with
// pre-arranged weights, int8 UNIDIRECTIONAL_SEQUENCE_LSTM and SVDF (their input and feature products through the GEMM
// core's raw sums, also with pre-arranged weights), MAX_POOL_2D, ADD and MUL must give the same bytes, float32
// FULLY_CONNECTED and CONV_2D agree within 1e-5 relative, float32 DEPTHWISE_CONV_2D exactly; and the GEMM core's own loop
// and its raw sums must give the bytes of their sums written out.
// Then, when TFLM_SHARED_DIR names the shared folder, TFLM's golden outputs (see Golden.cs).
// Usage: [cases per op] [seed].
int casesPerOp = args.Length > 0 ? int.Parse(args[0]) : 300;
int seed = args.Length > 1 ? int.Parse(args[1]) : 1234;

Console.WriteLine($"architecture {RuntimeInformation.ProcessArchitecture}, AdvSimd {AdvSimd.IsSupported}, AdvSimd.Arm64 {AdvSimd.Arm64.IsSupported}, " +
    $"Dp {Dp.IsSupported}, Avx2 {Avx2.IsSupported}, AvxVnni {AvxVnni.IsSupported}, Vector128 accelerated {Vector128.IsHardwareAccelerated}");
Console.WriteLine($"levels compared with the reference: {string.Join(", ", FastPath.Levels())}; {casesPerOp} cases per op, seed {seed}");

var watch = Stopwatch.StartNew();
var random = new Random(seed);
// Path: the DEPTHWISE_CONV_2D fields that say a prepared kernel took an Arm64 kernel under test (cases landing there are
// counted; on Arm64 _quads is the Arm64 quad kernel; with the dot product, a multiplier of one and sixteen channels or more
// go to it, else to the row kernel).
(string Name, Func<Random, (byte[] Model, string Description)> Make, double Tolerance, bool Prearrange, string? Path)[] ops =
[
    ("FULLY_CONNECTED int8", random => Cases.FullyConnected(random, 1, 3), 0, false, null),
    ("FULLY_CONNECTED int8, 4 to 16 rows", random => Cases.FullyConnected(random, 4, 16), 0, false, null),
    ("FULLY_CONNECTED int8, 4 to 16 rows, pre-arranged weights", random => Cases.FullyConnected(random, 4, 16), 0, true, null),
    ("FULLY_CONNECTED int8, extreme shifts", Cases.FullyConnectedExtreme, 0, false, null),
    ("CONV_2D int8", Cases.Conv2D, 0, false, null),
    ("CONV_2D int8, GEMM core shapes", Cases.Conv2DGemm, 0, false, null),
    ("CONV_2D int8, GEMM core shapes, pre-arranged weights", Cases.Conv2DGemm, 0, true, null),
    ("DEPTHWISE_CONV_2D int8", Cases.DepthwiseConv2D, 0, false, null),
    ("DEPTHWISE_CONV_2D int8, row kernel shapes", Cases.DepthwiseRows, 0, false, "_rows|_quads"),
    ("DEPTHWISE_CONV_2D int8, row kernel shapes, pre-arranged weights", Cases.DepthwiseRows, 0, true, "_rows|_quads"),
    ("DEPTHWISE_CONV_2D int8, quad kernel shapes (multiplier 2, 3, 8, one input channel, multiplier 1)", Cases.DepthwiseQuads, 0, false, "_quads"),
    ("DEPTHWISE_CONV_2D int8, quad kernel shapes, pre-arranged weights", Cases.DepthwiseQuads, 0, true, "_quads"),
    ("UNIDIRECTIONAL_SEQUENCE_LSTM int8, input products through the GEMM core", Cases.LstmInt8, 0, false, null),
    ("UNIDIRECTIONAL_SEQUENCE_LSTM int8, input products through the GEMM core, pre-arranged weights", Cases.LstmInt8, 0, true, null),
    ("SVDF int8, 1 to 8 batch rows", Cases.Svdf, 0, false, null),
    ("SVDF int8, 1 to 8 batch rows, pre-arranged weights", Cases.Svdf, 0, true, null),
    ("MAX_POOL_2D int8", Cases.MaxPool2D, 0, false, null),
    ("ADD int8", random => Cases.AddOrMul(random, mul: false), 0, false, null),
    ("MUL int8", random => Cases.AddOrMul(random, mul: true), 0, false, null),
    ("FULLY_CONNECTED float32", random => FloatCases.Make(random, 2), 1e-5, false, null),
    ("CONV_2D float32", random => FloatCases.Make(random, 0), 1e-5, false, null),
    ("DEPTHWISE_CONV_2D float32", random => FloatCases.Make(random, 1), 0, false, null),
];
int total = 0, mismatches = 0;
foreach (var (name, make, tolerance, prearrange, path) in ops)
{
    int opMismatches = 0, landed = 0, landedDot = 0;
    Cases.KernelShapes = Cases.DotShapes = 0;
    for (int i = 0; i < casesPerOp; i++)
    {
        var (model, description) = make(random);
        Landing.Clear();
        string? problem = FastPath.Compare(model, random, $"{name} case {i}: {description}", tolerance, resolver: Landing.Resolver, prearrangeWeights: prearrange);
        if (path is not null && Landing.Took(path, null)) landed++;
        if (path is not null && Landing.Took(path, SimdLevel.ArmDot)) landedDot++;
        if (problem is null) continue;
        opMismatches++;
        if (opMismatches <= 5) Console.WriteLine($"  MISMATCH {problem}");
    }
    string dot = Cases.DotShapes > 0 ? $", {Cases.DotShapes} of them SDOT blocks where the processor has the dot product" : "";
    string shapes = Cases.KernelShapes > 0 ? $" ({Cases.KernelShapes} in the shapes the Arm64 kernel under test takes{dot})" : "";
    string reached = path is null ? "" : $"; {landed} prepared with {path.Replace("|", " or ")} ({landedDot} at the ArmDot level)";
    Console.WriteLine($"{name}: {casesPerOp} cases, {opMismatches} mismatches{shapes}{reached}");
    if (path is not null && landed == 0 && AdvSimd.Arm64.IsSupported)
    {
        Console.WriteLine($"  NOT REACHED: no case of {name} ran in the kernel under test");
        mismatches++;
    }
    total += casesPerOp;
    mismatches += opMismatches;
}
// The GEMM core's own loop and its raw sums against the sums written out, at every level (both Arm64 micro-kernels).
foreach (var (name, compare) in new (string, Func<Random, string, string?>)[]
{
    ("GEMM core loop (rows x depth -> channels)", Int8GemmLoopCase.Compare),
    ("GEMM core raw sums (rows x depth -> channels, strided)", Int8GemmLoopCase.CompareSums),
})
{
    int loopMismatches = 0, loopCases = casesPerOp / 2;
    for (int i = 0; i < loopCases; i++)
    {
        string? problem = compare(random, $"{name} case {i}");
        if (problem is null) continue;
        loopMismatches++;
        if (loopMismatches <= 5) Console.WriteLine($"  MISMATCH {problem}");
    }
    Console.WriteLine($"{name}: {loopCases} cases, {loopMismatches} mismatches");
    total += loopCases;
    mismatches += loopMismatches;
}
Console.WriteLine($"{total} cases, {mismatches} mismatches ({watch.Elapsed.TotalSeconds:F1} s)");
if (Golden.Root() is { } sharedRoot)
{
    watch.Restart();
    foreach (var (label, cases) in new[] { ("golden ops", Golden.OpCases(sharedRoot)), ("golden models", Golden.ModelCases(sharedRoot)), ("golden compression", Golden.CompressionCases(sharedRoot)) })
    {
        var (run, failed) = Golden.RunAll(cases, sharedRoot, label);
        Console.WriteLine($"{label}: {run} cases, {failed} mismatches");
        mismatches += failed;
    }
    Console.WriteLine($"golden checks took {watch.Elapsed.TotalSeconds:F1} s");
}
else Console.WriteLine("golden checks not run (TFLM_SHARED_DIR does not name the shared folder)");
return mismatches == 0 ? 0 : 1;

/// <summary>
/// The DEPTHWISE_CONV_2D kernels a comparison prepares (its resolver makes them), read afterwards to count the cases whose
/// fast side took the kernel under test: the private field that records Prepare's choice, and the level it chose.
/// </summary>
internal static class Landing
{
    private static readonly List<DepthwiseConv2D> s_prepared = [];

    public static readonly OpResolver Resolver = OpResolver.WithAllBuiltins().AddSignalOps().Add(BuiltinOperator.DepthwiseConv2D, () =>
    {
        var kernel = new DepthwiseConv2D();
        s_prepared.Add(kernel);
        return kernel;
    });

    public static void Clear() => s_prepared.Clear();

    /// <summary>Whether a kernel prepared since <see cref="Clear"/> set one of the '|'-separated <paramref name="fields"/> (at <paramref name="level"/>, when given).</summary>
    public static bool Took(string fields, SimdLevel? level)
        => s_prepared.Any(kernel => fields.Split('|').Any(field => (bool)Field(field).GetValue(kernel)!)
                                    && (level is null || (SimdLevel)Field("_level").GetValue(kernel)! == level));

    private static FieldInfo Field(string name)
        => typeof(DepthwiseConv2D).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)
           ?? throw new InvalidOperationException($"DepthwiseConv2D has no field {name}");
}

/// <summary>Random models. A third use power-of-two scales only: the multiplier is then exactly one half, and the
/// requantization's right shift meets many exact ties (which must round away from zero).</summary>
internal static class Cases
{
    /// <summary>int8 LSTMs too large for the x64 fused step, input sizes a multiple of four: the gates' input products of a window of rows through the GEMM core.</summary>
    public static (byte[], string) LstmInt8(Random random)
    {
        int units = random.Next(40, 72), inputSize = 4 * random.Next(20, 46), batches = random.Next(1, 4), steps = random.Next(1, 22);
        bool timeMajor = random.Next(2) == 0;
        byte[] model = RecurrentModels.Lstm(random, TensorType.Int8, batches, steps, inputSize, units, timeMajor, cellClip: 0f, out string details);
        if (FastPath.Levels().Any(level => Int8Gemm.Applies(level, Int8GemmShape.Rows(4, inputSize, units))) && batches * steps >= 4) KernelShapes++;
        return (model, $"batches {batches} steps {steps} input {inputSize} units {units} time-major {timeMajor} {details}");
    }

    /// <summary>int8 SVDF with one batch row (dot products) up to eight (the GEMM core from four, two with pre-arranged weights).</summary>
    public static (byte[], string) Svdf(Random random)
    {
        int batches = random.Next(1, 9), rank = random.Next(1, 3), units = random.Next(1, 40), memory = random.Next(1, 10);
        int inputSize = random.Next(4) == 0 ? random.Next(1, 120) : 4 * random.Next(1, 80);
        TensorType stateType = random.Next(2) == 0 ? TensorType.Int16 : TensorType.Int8;
        if (FastPath.Levels().Any(level => Int8Gemm.Applies(level, Int8GemmShape.Rows(batches, inputSize, units * rank))) && batches >= 2) KernelShapes++;
        return (RecurrentModels.Svdf(random, batches, inputSize, units, rank, memory, stateType, random.Next(-128, 128)),
            $"batches {batches} input {inputSize} units {units} rank {rank} memory {memory} state {stateType}");
    }

    /// <summary>Rows (batches) from <paramref name="minRows"/> to <paramref name="maxRows"/>: several rows may go through the GEMM core.</summary>
    public static (byte[], string) FullyConnected(Random random, int minRows, int maxRows)
    {
        int batches = random.Next(minRows, maxRows + 1), units = random.Next(1, 40);
        int depth = random.Next(3) == 0 ? random.Next(1, 20) : random.Next(1, 700);
        bool perChannel = random.Next(2) == 0, powerOfTwo = random.Next(3) == 0;
        var m = new OperatorModel();
        float inputScale = Scale(random, powerOfTwo);
        int input = m.Input(TensorType.Int8, [batches, depth], Quant.PerTensor(inputScale, random.Next(-128, 128)));
        float[] weightScales = WeightScales(random, perChannel ? units : 1, powerOfTwo);
        long[] weightZeros = perChannel ? new long[units] : [random.Next(4) == 0 ? random.Next(-20, 21) : 0];
        int weights = m.Constant(TensorType.Int8, [units, depth], RandomBytes(random, units * depth), Quant.PerChannel(weightScales, 0, weightZeros));
        var inputs = new List<int> { input, weights };
        if (random.Next(4) != 0) inputs.Add(m.Constant(TensorType.Int32, [units], Bias(random, units), Quant.PerTensor(inputScale * weightScales[0])));
        m.Output(TensorType.Int8, [batches, units], Quant.PerTensor(OutputScale(random, inputScale, weightScales[0], depth, powerOfTwo), random.Next(-128, 128)));
        byte[] model = m.Build(BuiltinOperator.FullyConnected, [.. inputs], OperatorOptions.FullyConnected(RandomActivation(random)));
        return (model, $"batches {batches} depth {depth} units {units} per-channel {perChannel} power-of-two {powerOfTwo}");
    }

    /// <summary>Effective scales from 2^-33 to 2^30: requantization shifts at and beyond the vector form's limits
    /// ([-31, 30]), left shifts that wrap, multipliers of exactly one half or of any mantissa.</summary>
    public static (byte[], string) FullyConnectedExtreme(Random random)
    {
        int batches = random.Next(1, 3), units = random.Next(1, 30), depth = random.Next(1, 100);
        bool perChannel = random.Next(2) == 0, powerOfTwo = random.Next(2) == 0;
        var m = new OperatorModel();
        float inputScale = Scale(random, true);
        int input = m.Input(TensorType.Int8, [batches, depth], Quant.PerTensor(inputScale, random.Next(-128, 128)));
        float[] weightScales = WeightScales(random, perChannel ? units : 1, true);
        int weights = m.Constant(TensorType.Int8, [units, depth], RandomBytes(random, units * depth), Quant.PerChannel(weightScales, 0));
        var inputs = new List<int> { input, weights };
        if (random.Next(2) != 0) inputs.Add(m.Constant(TensorType.Int32, [units], Bias(random, units), Quant.PerTensor(inputScale * weightScales[0])));
        int exponent = random.Next(-30, 34);
        float mantissa = powerOfTwo ? 1f : 1f + random.NextSingle();
        float outputScale = inputScale * weightScales[0] * MathF.ScaleB(mantissa, exponent);
        m.Output(TensorType.Int8, [batches, units], Quant.PerTensor(outputScale, random.Next(-128, 128)));
        byte[] model = m.Build(BuiltinOperator.FullyConnected, [.. inputs], OperatorOptions.FullyConnected(RandomActivation(random)));
        return (model, $"batches {batches} depth {depth} units {units} per-channel {perChannel} output scale 2^{exponent} x {mantissa}");
    }

    public static (byte[], string) MaxPool2D(Random random)
    {
        while (true)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 12), depth = random.Next(1, 40);
            int filterHeight = random.Next(1, 5), filterWidth = random.Next(1, 5), strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            PaddingKind padding = RandomPadding(random);
            int outHeight = OutputSize(padding, height, filterHeight, strideH, 1), outWidth = OutputSize(padding, width, filterWidth, strideW, 1);
            if (outHeight <= 0 || outWidth <= 0) continue;
            var m = new OperatorModel();
            QuantizationParameters quantization = Quant.PerTensor(Scale(random, false), random.Next(-128, 128));
            int input = m.Input(TensorType.Int8, [batches, height, width, depth], quantization);
            m.Output(TensorType.Int8, [batches, outHeight, outWidth, depth], quantization);
            byte[] model = m.Build(BuiltinOperator.MaxPool2D, [input],
                OperatorOptions.Pool2D(padding, strideW, strideH, filterWidth, filterHeight, RandomActivation(random)));
            return (model, $"{batches}x{height}x{width}x{depth} window {filterHeight}x{filterWidth} stride {strideH},{strideW} padding {padding}");
        }
    }

    /// <summary>Same shapes, one input a scalar, or one input repeated over the outer dimensions.</summary>
    public static (byte[], string) AddOrMul(Random random, bool mul)
    {
        int rank = random.Next(1, 5);
        var shape = new int[rank];
        for (int d = 0; d < rank; d++) shape[d] = random.Next(1, d == rank - 1 ? 70 : 6);
        int[] other = random.Next(3) switch
        {
            0 => (int[])shape.Clone(),
            1 => [1],
            _ => shape[random.Next(rank)..],
        };
        bool swap = random.Next(2) == 0;
        float scale1 = PropertyTestSupport.Scale(random, 0.002f, 0.5f), scale2 = PropertyTestSupport.Scale(random, 0.002f, 0.5f);
        float outputScale = mul
            ? scale1 * scale2 * 128f * PropertyTestSupport.Scale(random, 0.01f, 4f)
            : Math.Max(scale1, scale2) * PropertyTestSupport.Scale(random, 0.05f, 4f);
        var m = new OperatorModel();
        int a = m.Input(TensorType.Int8, swap ? other : shape, Quant.PerTensor(scale1, random.Next(-128, 128)));
        int b = m.Input(TensorType.Int8, swap ? shape : other, Quant.PerTensor(scale2, random.Next(-128, 128)));
        m.Output(TensorType.Int8, shape, Quant.PerTensor(outputScale, random.Next(-128, 128)));
        FusedActivation activation = RandomActivation(random);
        byte[] model = mul
            ? m.Build(BuiltinOperator.Mul, [a, b], OperatorOptions.Mul(activation))
            : m.Build(BuiltinOperator.Add, [a, b], OperatorOptions.Add(activation));
        return (model, $"[{string.Join(",", swap ? other : shape)}] x [{string.Join(",", swap ? shape : other)}] scales {scale1},{scale2}->{outputScale}");
    }

    /// <summary>Cases of the current op in the shapes the Arm64 GEMM core or depthwise row or quad kernel takes (counted as they are made).</summary>
    public static int KernelShapes;

    /// <summary>Of <see cref="KernelShapes"/>, the depthwise quad kernel's cases with sixteen channels or more (SDOT blocks at the ArmDot level).</summary>
    public static int DotShapes;

    public static (byte[], string) Conv2D(Random random)
    {
        while (true)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 12);
            int inDepth = random.Next(1, 40), outDepth = random.Next(1, 40);
            int filterHeight = random.Next(1, 6), filterWidth = random.Next(1, 6);
            int strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            int dilationH = random.Next(4) == 0 ? random.Next(2, 4) : 1, dilationW = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            PaddingKind padding = RandomPadding(random);
            if (random.Next(3) == 0) { filterHeight = filterWidth = 1; strideH = strideW = 1; dilationH = dilationW = 1; }
            int outHeight = OutputSize(padding, height, filterHeight, strideH, dilationH), outWidth = OutputSize(padding, width, filterWidth, strideW, dilationW);
            if (outHeight <= 0 || outWidth <= 0) continue;
            return Conv2DModel(random, batches, height, width, inDepth, outDepth, filterHeight, filterWidth, strideH, strideW, dilationH, dilationW, padding, outHeight, outWidth);
        }
    }

    /// <summary>
    /// What the GEMM core takes: input depths mostly multiples of four (some not, which take the dot-product rows),
    /// output depths across and between blocks of sixteen, at least 32 output pixels (below that only pre-arranged
    /// weights go through the core), 1x1 and k x k, strides, dilations, both paddings.
    /// </summary>
    public static (byte[], string) Conv2DGemm(Random random)
    {
        while (true)
        {
            int batches = random.Next(1, 3), height = random.Next(3, 15), width = random.Next(3, 15);
            int inDepth = random.Next(5) == 0 ? random.Next(1, 40) : 4 * random.Next(1, 17), outDepth = random.Next(1, 50);
            int filterHeight = random.Next(1, 4), filterWidth = random.Next(1, 4);
            if (random.Next(6) == 0) { filterHeight = random.Next(1, 6); filterWidth = random.Next(4, 6); }
            int strideH = random.Next(3) == 0 ? 2 : 1, strideW = random.Next(3) == 0 ? 2 : 1;
            int dilationH = random.Next(5) == 0 ? 2 : 1, dilationW = random.Next(5) == 0 ? 2 : 1;
            PaddingKind padding = RandomPadding(random);
            if (random.Next(3) == 0) { filterHeight = filterWidth = 1; dilationH = dilationW = 1; }
            int outHeight = OutputSize(padding, height, filterHeight, strideH, dilationH), outWidth = OutputSize(padding, width, filterWidth, strideW, dilationW);
            if (outHeight <= 0 || outWidth <= 0 || batches * outHeight * outWidth < 32) continue;
            var shape = new Int8GemmShape(batches, height, width, inDepth, outHeight, outWidth, outDepth, filterHeight, filterWidth, strideH, strideW, dilationH, dilationW, 0, 0);
            if (FastPath.Levels().Any(level => Int8Gemm.Applies(level, shape))) KernelShapes++;
            return Conv2DModel(random, batches, height, width, inDepth, outDepth, filterHeight, filterWidth, strideH, strideW, dilationH, dilationW, padding, outHeight, outWidth);
        }
    }

    private static (byte[], string) Conv2DModel(Random random, int batches, int height, int width, int inDepth, int outDepth, int filterHeight, int filterWidth,
        int strideH, int strideW, int dilationH, int dilationW, PaddingKind padding, int outHeight, int outWidth)
    {
        bool perChannel = random.Next(4) != 0, powerOfTwo = random.Next(3) == 0;
        var m = new OperatorModel();
        float inputScale = Scale(random, powerOfTwo);
        int input = m.Input(TensorType.Int8, [batches, height, width, inDepth], Quant.PerTensor(inputScale, random.Next(-128, 128)));
        float[] filterScales = WeightScales(random, perChannel ? outDepth : 1, powerOfTwo);
        int filter = m.Constant(TensorType.Int8, [outDepth, filterHeight, filterWidth, inDepth],
            RandomBytes(random, outDepth * filterHeight * filterWidth * inDepth), Quant.PerChannel(filterScales, 0));
        var inputs = new List<int> { input, filter };
        if (random.Next(4) != 0) inputs.Add(m.Constant(TensorType.Int32, [outDepth], Bias(random, outDepth), Quant.PerTensor(inputScale * filterScales[0])));
        m.Output(TensorType.Int8, [batches, outHeight, outWidth, outDepth],
            Quant.PerTensor(OutputScale(random, inputScale, filterScales[0], filterHeight * filterWidth * inDepth, powerOfTwo), random.Next(-128, 128)));
        byte[] model = m.Build(BuiltinOperator.Conv2D, [.. inputs],
            OperatorOptions.Conv2D(padding, strideW, strideH, RandomActivation(random), dilationW, dilationH));
        return (model, $"{batches}x{height}x{width}x{inDepth} filter {outDepth}x{filterHeight}x{filterWidth} stride {strideH},{strideW} " +
            $"dilation {dilationH},{dilationW} padding {padding} power-of-two {powerOfTwo}");
    }

    public static (byte[], string) DepthwiseConv2D(Random random)
    {
        while (true)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 12);
            int inDepth = random.Next(1, 40), multiplier = random.Next(3) == 0 ? random.Next(2, 4) : 1;
            int filterHeight = random.Next(1, 6), filterWidth = random.Next(1, 6);
            int strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            int dilationH = random.Next(4) == 0 ? random.Next(2, 4) : 1, dilationW = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            PaddingKind padding = RandomPadding(random);
            int outHeight = OutputSize(padding, height, filterHeight, strideH, dilationH), outWidth = OutputSize(padding, width, filterWidth, strideW, dilationW);
            if (outHeight <= 0 || outWidth <= 0) continue;
            return DepthwiseModel(random, batches, height, width, inDepth, multiplier, filterHeight, filterWidth, strideH, strideW, dilationH, dilationW, padding, outHeight, outWidth);
        }
    }

    /// <summary>
    /// What the row kernel takes (a multiplier of one, eight channels or more: blocks of sixteen, a last block
    /// overlapping, eight to fifteen channels as two blocks of eight), with a fifth of the cases a multiplier above one or
    /// fewer channels (the per-pixel path); filters up to 5x5, strides, dilations, both paddings, rows wider than a step.
    /// </summary>
    public static (byte[], string) DepthwiseRows(Random random)
    {
        while (true)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 14), width = random.Next(1, 20);
            int inDepth = random.Next(3) == 0 ? random.Next(8, 16) : random.Next(16, 70), multiplier = 1;
            if (random.Next(5) == 0) { inDepth = random.Next(1, 12); multiplier = random.Next(1, 4); }
            if (!RandomWindow(random, height, width, maxFilterHeight: 5, maxStride: 2, out Window window)) continue;
            if (FastPath.Levels().Any(level => Int8DepthwiseRows.Applies(level, inDepth, inDepth * multiplier))) KernelShapes++;
            return DepthwiseModel(random, batches, height, width, inDepth, multiplier, window);
        }
    }

    /// <summary>
    /// What the Arm64 quad kernel takes (eight output channels or more): multipliers 2, 3 and 8 (the interleaved quads
    /// expanded to the output channels), one input channel feeding 8 to 70, and a multiplier of one with 16 to 69
    /// channels (the quad kernel with the dot product, the row kernel without), channel counts across and between blocks
    /// of eight and sixteen; a tenth of the cases fewer than eight channels (the per-pixel path). Filters
    /// up to 6x5 (more than four rows take two groups), odd widths, strides, dilations, both paddings.
    /// </summary>
    public static (byte[], string) DepthwiseQuads(Random random)
    {
        while (true)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 26);
            (int inDepth, int multiplier) = random.Next(5) switch
            {
                0 => (random.Next(4, 36), 2),
                1 => (random.Next(3, 24), 3),
                2 => (random.Next(1, 9), 8),
                3 => (1, random.Next(8, 71)),
                _ => (random.Next(16, 70), 1),
            };
            if (random.Next(10) == 0) (inDepth, multiplier) = random.Next(2) == 0 ? (random.Next(1, 4), 2) : (1, random.Next(2, 8));
            if (!RandomWindow(random, height, width, maxFilterHeight: 6, maxStride: 3, out Window window)) continue;
            int channels = inDepth * multiplier;
            if (FastPath.Levels().Any(level => Int8DepthwiseQuads.ArmApplies(level, inDepth, channels, window.FilterHeight, window.FilterWidth)))
            {
                KernelShapes++;
                if (channels >= 16) DotShapes++;
            }
            return DepthwiseModel(random, batches, height, width, inDepth, multiplier, window);
        }
    }

    /// <summary>A filter window and the output it gives.</summary>
    internal readonly record struct Window(int FilterHeight, int FilterWidth, int StrideH, int StrideW, int DilationH, int DilationW, PaddingKind Padding,
        int OutHeight, int OutWidth);

    /// <summary>Filters up to <paramref name="maxFilterHeight"/> x 5, strides up to <paramref name="maxStride"/>, a quarter dilated by two on each axis, either padding; false when the output would be empty.</summary>
    private static bool RandomWindow(Random random, int height, int width, int maxFilterHeight, int maxStride, out Window window)
    {
        int filterHeight = random.Next(1, maxFilterHeight + 1), filterWidth = random.Next(1, 6);
        int strideH = random.Next(1, maxStride + 1), strideW = random.Next(1, maxStride + 1);
        int dilationH = random.Next(4) == 0 ? 2 : 1, dilationW = random.Next(4) == 0 ? 2 : 1;
        PaddingKind padding = RandomPadding(random);
        window = new(filterHeight, filterWidth, strideH, strideW, dilationH, dilationW, padding,
            OutputSize(padding, height, filterHeight, strideH, dilationH), OutputSize(padding, width, filterWidth, strideW, dilationW));
        return window.OutHeight > 0 && window.OutWidth > 0;
    }

    private static (byte[], string) DepthwiseModel(Random random, int batches, int height, int width, int inDepth, int multiplier, in Window w)
        => DepthwiseModel(random, batches, height, width, inDepth, multiplier, w.FilterHeight, w.FilterWidth, w.StrideH, w.StrideW, w.DilationH, w.DilationW,
            w.Padding, w.OutHeight, w.OutWidth);

    private static (byte[], string) DepthwiseModel(Random random, int batches, int height, int width, int inDepth, int multiplier, int filterHeight, int filterWidth,
        int strideH, int strideW, int dilationH, int dilationW, PaddingKind padding, int outHeight, int outWidth)
    {
        int outDepth = inDepth * multiplier;
        bool perChannel = random.Next(4) != 0, powerOfTwo = random.Next(3) == 0;
        var m = new OperatorModel();
        float inputScale = Scale(random, powerOfTwo);
        int input = m.Input(TensorType.Int8, [batches, height, width, inDepth], Quant.PerTensor(inputScale, random.Next(-128, 128)));
        float[] filterScales = WeightScales(random, perChannel ? outDepth : 1, powerOfTwo);
        int filter = m.Constant(TensorType.Int8, [1, filterHeight, filterWidth, outDepth],
            RandomBytes(random, filterHeight * filterWidth * outDepth), Quant.PerChannel(filterScales, 3));
        var inputs = new List<int> { input, filter };
        if (random.Next(4) != 0) inputs.Add(m.Constant(TensorType.Int32, [outDepth], Bias(random, outDepth), Quant.PerTensor(inputScale * filterScales[0])));
        m.Output(TensorType.Int8, [batches, outHeight, outWidth, outDepth],
            Quant.PerTensor(OutputScale(random, inputScale, filterScales[0], filterHeight * filterWidth, powerOfTwo), random.Next(-128, 128)));
        byte[] model = m.Build(BuiltinOperator.DepthwiseConv2D, [.. inputs],
            OperatorOptions.DepthwiseConv2D(padding, strideW, strideH, multiplier, RandomActivation(random), dilationW, dilationH));
        return (model, $"{batches}x{height}x{width}x{inDepth} x{multiplier} filter {filterHeight}x{filterWidth} stride {strideH},{strideW} " +
            $"dilation {dilationH},{dilationW} padding {padding} power-of-two {powerOfTwo}");
    }

    private static float Scale(Random random, bool powerOfTwo)
        => powerOfTwo ? MathF.ScaleB(1f, random.Next(-8, -3)) : PropertyTestSupport.Scale(random, 0.005f, 0.1f);

    private static float[] WeightScales(Random random, int count, bool powerOfTwo)
    {
        var scales = new float[count];
        for (int i = 0; i < count; i++) scales[i] = powerOfTwo ? MathF.ScaleB(1f, random.Next(-10, -5)) : PropertyTestSupport.Scale(random, 0.001f, 0.05f);
        return scales;
    }

    /// <summary>Around the sums' typical spread, sometimes much smaller (saturation, multipliers above one).</summary>
    private static float OutputScale(Random random, float inputScale, float weightScale, int depth, bool powerOfTwo)
    {
        float scale = PropertyTestSupport.OutputScale(random, inputScale, weightScale, depth);
        return powerOfTwo ? MathF.ScaleB(1f, MathF.ILogB(scale)) : scale;
    }
}

/// <summary>Float32 models: kind 0 CONV_2D, 1 DEPTHWISE_CONV_2D, 2 FULLY_CONNECTED.</summary>
internal static class FloatCases
{
    public static (byte[], string) Make(Random random, int kind)
    {
        while (true)
        {
            int height = random.Next(1, 10), width = random.Next(1, 10), inDepth = random.Next(1, 24), outDepth = random.Next(1, 24);
            int filterHeight = random.Next(1, 5), filterWidth = random.Next(1, 5), stride = random.Next(1, 3), dilation = random.Next(4) == 0 ? 2 : 1;
            PaddingKind padding = RandomPadding(random);
            FusedActivation activation = RandomActivation(random);
            int outHeight = OutputSize(padding, height, filterHeight, stride, dilation), outWidth = OutputSize(padding, width, filterWidth, stride, dilation);
            if (kind != 2 && (outHeight <= 0 || outWidth <= 0)) continue;
            var m = new OperatorModel();
            if (kind == 0)
            {
                int input = m.Input(TensorType.Float32, [1, height, width, inDepth]);
                int filter = m.Constant(TensorType.Float32, [outDepth, filterHeight, filterWidth, inDepth], Floats(random, outDepth * filterHeight * filterWidth * inDepth));
                int bias = m.Constant(TensorType.Float32, [outDepth], Floats(random, outDepth));
                m.Output(TensorType.Float32, [1, outHeight, outWidth, outDepth]);
                return (m.Build(BuiltinOperator.Conv2D, [input, filter, bias], OperatorOptions.Conv2D(padding, stride, stride, activation, dilation, dilation)),
                    $"{height}x{width}x{inDepth} filter {outDepth}x{filterHeight}x{filterWidth} stride {stride} dilation {dilation} padding {padding}");
            }
            if (kind == 1)
            {
                int multiplier = random.Next(3) == 0 ? random.Next(2, 5) : 1, channels = inDepth * multiplier;
                int input = m.Input(TensorType.Float32, [1, height, width, inDepth]);
                int filter = m.Constant(TensorType.Float32, [1, filterHeight, filterWidth, channels], Floats(random, filterHeight * filterWidth * channels));
                int bias = m.Constant(TensorType.Float32, [channels], Floats(random, channels));
                m.Output(TensorType.Float32, [1, outHeight, outWidth, channels]);
                return (m.Build(BuiltinOperator.DepthwiseConv2D, [input, filter, bias],
                        OperatorOptions.DepthwiseConv2D(padding, stride, stride, multiplier, activation, dilation, dilation)),
                    $"{height}x{width}x{inDepth} x{multiplier} filter {filterHeight}x{filterWidth} stride {stride} dilation {dilation} padding {padding}");
            }
            int batches = random.Next(1, 3), depth = random.Next(1, 400);
            int fcInput = m.Input(TensorType.Float32, [batches, depth]);
            int weights = m.Constant(TensorType.Float32, [outDepth, depth], Floats(random, outDepth * depth));
            int fcBias = m.Constant(TensorType.Float32, [outDepth], Floats(random, outDepth));
            m.Output(TensorType.Float32, [batches, outDepth]);
            return (m.Build(BuiltinOperator.FullyConnected, [fcInput, weights, fcBias], OperatorOptions.FullyConnected(activation)),
                $"batches {batches} depth {depth} units {outDepth}");
        }
    }
}
