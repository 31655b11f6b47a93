using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using TfLiteMicro;
using TfLiteMicro.Tests.Kernels.Optimized;
using Table = TfLiteMicro.Tests.Kernels.Optimized.SingleOpModel.Table;

// Random single-op models run with the reference kernels and with the optimized ones this processor selects: int8
// FULLY_CONNECTED (also with extreme requantization shifts), CONV_2D, DEPTHWISE_CONV_2D, MAX_POOL_2D, ADD and MUL must give the same
// bytes, float32 FULLY_CONNECTED and CONV_2D agree within 1e-5 relative, float32 DEPTHWISE_CONV_2D exactly.
// Then, when TFLM_SHARED_DIR names the shared folder, TFLM's golden outputs (see Golden.cs).
// Usage: [cases per op] [seed].
int casesPerOp = args.Length > 0 ? int.Parse(args[0]) : 300;
int seed = args.Length > 1 ? int.Parse(args[1]) : 1234;

string path = Dp.IsSupported && AdvSimd.Arm64.IsSupported ? "ArmDot" :
    AvxVnni.IsSupported && Avx2.IsSupported ? "AvxVnni" : Avx2.IsSupported ? "Avx2" :
    Vector128.IsHardwareAccelerated ? "Vector128" : "Reference";
Console.WriteLine($"architecture {RuntimeInformation.ProcessArchitecture}, AdvSimd {AdvSimd.IsSupported}, AdvSimd.Arm64 {AdvSimd.Arm64.IsSupported}, " +
    $"Dp {Dp.IsSupported}, Avx2 {Avx2.IsSupported}, AvxVnni {AvxVnni.IsSupported}, Vector128 accelerated {Vector128.IsHardwareAccelerated}");
Console.WriteLine($"expected optimized path: {path}; {casesPerOp} cases per op, seed {seed}");

var checker = new Checker();
var watch = Stopwatch.StartNew();
var random = new Random(seed);
(string Name, Func<Random, (byte[] Model, string Description)> Make, double? Tolerance)[] ops =
[
    ("FULLY_CONNECTED int8", Cases.FullyConnected, null),
    ("FULLY_CONNECTED int8, extreme shifts", Cases.FullyConnectedExtreme, null),
    ("CONV_2D int8", Cases.Conv2D, null),
    ("DEPTHWISE_CONV_2D int8", Cases.DepthwiseConv2D, null),
    ("MAX_POOL_2D int8", Cases.MaxPool2D, null),
    ("ADD int8", random => Cases.AddOrMul(random, mul: false), null),
    ("MUL int8", random => Cases.AddOrMul(random, mul: true), null),
    ("FULLY_CONNECTED float32", random => FloatCases.Make(random, 2), 1e-5),
    ("CONV_2D float32", random => FloatCases.Make(random, 0), 1e-5),
    ("DEPTHWISE_CONV_2D float32", random => FloatCases.Make(random, 1), 0),
];
int total = 0, mismatches = 0;
foreach (var (name, make, tolerance) in ops)
{
    int opMismatches = 0;
    for (int i = 0; i < casesPerOp; i++)
    {
        var (model, description) = make(random);
        string? problem = checker.Compare(model, random, tolerance);
        if (problem is null) continue;
        opMismatches++;
        if (opMismatches <= 5) Console.WriteLine($"  MISMATCH {name} case {i}: {description}: {problem}");
    }
    Console.WriteLine($"{name}: {casesPerOp} cases, {opMismatches} mismatches");
    total += casesPerOp;
    mismatches += opMismatches;
}
Console.WriteLine($"{total} cases, {mismatches} mismatches ({watch.Elapsed.TotalSeconds:F1} s)");
if (Golden.Root() is { } sharedRoot)
{
    watch.Restart();
    foreach (var (label, cases) in new[] { ("golden ops", Golden.OpCases(sharedRoot)), ("golden models", Golden.ModelCases(sharedRoot)), ("golden compression", Golden.CompressionCases(sharedRoot)) })
    {
        var (run, failed, skipped) = Golden.RunAll(cases, sharedRoot, label);
        Console.WriteLine($"{label}: {run} cases, {failed} mismatches ({skipped} without kernels not run)");
        mismatches += failed;
    }
    Console.WriteLine($"golden checks took {watch.Elapsed.TotalSeconds:F1} s");
}
else Console.WriteLine("golden checks not run (TFLM_SHARED_DIR does not name the shared folder)");
return mismatches == 0 ? 0 : 1;

internal sealed class Checker
{
    private readonly byte[] _referenceArena = new byte[1 << 19], _optimizedArena = new byte[1 << 19];
    private readonly OpResolver _resolver = OpResolver.WithAllBuiltins();

    /// <summary>Null when the optimized output equals the reference (bytes, or float32 values within
    /// <paramref name="tolerance"/> relative), else where they first differ.</summary>
    public string? Compare(byte[] modelBytes, Random random, double? tolerance)
    {
        Model model = Model.Load(modelBytes);
        using var reference = new MicroInterpreter(model, _resolver, _referenceArena, new InterpreterOptions { UseReferenceKernels = true });
        using var optimized = new MicroInterpreter(model, _resolver, _optimizedArena);
        reference.AllocateTensors();
        optimized.AllocateTensors();
        for (int k = 0; k < reference.InputCount; k++)
        {
            var input = new byte[reference.Input(k).ByteCount];
            if (tolerance is null) random.NextBytes(input);
            else
            {
                Span<float> values = MemoryMarshal.Cast<byte, float>(input.AsSpan());
                for (int i = 0; i < values.Length; i++) values[i] = random.NextSingle() * 2 - 1;
            }
            reference.Input(k).CopyFrom(input);
            optimized.Input(k).CopyFrom(input);
        }
        reference.Invoke();
        optimized.Invoke();
        ReadOnlySpan<byte> expected = reference.Output(0).AsReadOnlySpan<byte>(), actual = optimized.Output(0).AsReadOnlySpan<byte>();
        if (tolerance is { } relative)
        {
            ReadOnlySpan<float> got = MemoryMarshal.Cast<byte, float>(actual), want = MemoryMarshal.Cast<byte, float>(expected);
            for (int i = 0; i < want.Length; i++)
                if (!(Math.Abs(got[i] - want[i]) <= relative * Math.Max(1.0, Math.Abs(want[i]))))
                    return $"value {i} is {got[i]}, the reference gives {want[i]}";
            return null;
        }
        if (actual.SequenceEqual(expected)) return null;
        int at = 0;
        while (actual[at] == expected[at]) at++;
        return $"byte {at} is {(sbyte)actual[at]}, the reference gives {(sbyte)expected[at]}";
    }
}

/// <summary>Random models. A third use power-of-two scales only: the multiplier is then exactly one half, and the
/// requantization's right shift meets many exact ties (which must round away from zero).</summary>
internal static class Cases
{
    private const int AddCode = 0, Conv2DCode = 3, DepthwiseCode = 4, FullyConnectedCode = 9, MaxPoolCode = 17, MulCode = 18;
    private static readonly byte[] Activations = [0, 1, 2, 3]; // none, RELU, RELU_N1_TO_1, RELU6

    public static (byte[], string) FullyConnected(Random random)
    {
        int batches = random.Next(1, 4), units = random.Next(1, 40);
        int depth = random.Next(3) == 0 ? random.Next(1, 20) : random.Next(1, 700);
        bool perChannel = random.Next(2) == 0, powerOfTwo = random.Next(3) == 0;
        var m = new SingleOpModel();
        float inputScale = Scale(random, powerOfTwo);
        int input = m.Tensor(TensorType.Int8, [batches, depth], null, [inputScale], [random.Next(-128, 128)]);
        float[] weightScales = WeightScales(random, perChannel ? units : 1, powerOfTwo);
        long[] weightZeros = perChannel ? new long[units] : [random.Next(4) == 0 ? random.Next(-20, 21) : 0];
        int weights = m.Tensor(TensorType.Int8, [units, depth], Bytes(random, units * depth), weightScales, weightZeros);
        var inputs = new List<int> { input, weights };
        if (random.Next(4) != 0) inputs.Add(m.Tensor(TensorType.Int32, [units], Bias(random, units), [inputScale * weightScales[0]], [0]));
        int output = m.Tensor(TensorType.Int8, [batches, units], null, [OutputScale(random, inputScale, weightScales[0], depth, powerOfTwo)], [random.Next(-128, 128)]);
        byte[] model = m.Build(FullyConnectedCode, [.. inputs], [output], 8, new Table().Byte(0, Activations[random.Next(4)]), [input], [output]);
        return (model, $"batches {batches} depth {depth} units {units} per-channel {perChannel} power-of-two {powerOfTwo}");
    }

    /// <summary>Effective scales from 2^-33 to 2^30: requantization shifts at and beyond the vector form's limits
    /// ([-31, 30]), left shifts that wrap, multipliers of exactly one half or of any mantissa.</summary>
    public static (byte[], string) FullyConnectedExtreme(Random random)
    {
        int batches = random.Next(1, 3), units = random.Next(1, 30), depth = random.Next(1, 100);
        bool perChannel = random.Next(2) == 0, powerOfTwo = random.Next(2) == 0;
        var m = new SingleOpModel();
        float inputScale = Scale(random, true);
        int input = m.Tensor(TensorType.Int8, [batches, depth], null, [inputScale], [random.Next(-128, 128)]);
        float[] weightScales = WeightScales(random, perChannel ? units : 1, true);
        int weights = m.Tensor(TensorType.Int8, [units, depth], Bytes(random, units * depth), weightScales, new long[weightScales.Length]);
        var inputs = new List<int> { input, weights };
        if (random.Next(2) != 0) inputs.Add(m.Tensor(TensorType.Int32, [units], Bias(random, units), [inputScale * weightScales[0]], [0]));
        int exponent = random.Next(-30, 34);
        float mantissa = powerOfTwo ? 1f : 1f + random.NextSingle();
        float outputScale = inputScale * weightScales[0] * MathF.ScaleB(mantissa, exponent);
        int output = m.Tensor(TensorType.Int8, [batches, units], null, [outputScale], [random.Next(-128, 128)]);
        byte[] model = m.Build(FullyConnectedCode, [.. inputs], [output], 8, new Table().Byte(0, Activations[random.Next(4)]), [input], [output]);
        return (model, $"batches {batches} depth {depth} units {units} per-channel {perChannel} output scale 2^{exponent} x {mantissa}");
    }

    public static (byte[], string) MaxPool2D(Random random)
    {
        while (true)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 12), depth = random.Next(1, 40);
            int filterHeight = random.Next(1, 5), filterWidth = random.Next(1, 5), strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            byte padding = (byte)random.Next(2);
            int outHeight = OutputSize(padding, height, filterHeight, strideH, 1), outWidth = OutputSize(padding, width, filterWidth, strideW, 1);
            if (outHeight <= 0 || outWidth <= 0) continue;
            var m = new SingleOpModel();
            float scale = Scale(random, false);
            long zeroPoint = random.Next(-128, 128);
            int input = m.Tensor(TensorType.Int8, [batches, height, width, depth], null, [scale], [zeroPoint]);
            int output = m.Tensor(TensorType.Int8, [batches, outHeight, outWidth, depth], null, [scale], [zeroPoint]);
            var options = new Table().Byte(0, padding).Int(1, strideW).Int(2, strideH).Int(3, filterWidth).Int(4, filterHeight).Byte(5, Activations[random.Next(4)]);
            byte[] model = m.Build(MaxPoolCode, [input], [output], 5, options, [input], [output]);
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
        float scale1 = LogUniform(random, 0.002f, 0.5f), scale2 = LogUniform(random, 0.002f, 0.5f);
        float outputScale = mul ? scale1 * scale2 * 128f * LogUniform(random, 0.01f, 4f) : Math.Max(scale1, scale2) * LogUniform(random, 0.05f, 4f);
        var m = new SingleOpModel();
        int a = m.Tensor(TensorType.Int8, swap ? other : shape, null, [scale1], [random.Next(-128, 128)]);
        int b = m.Tensor(TensorType.Int8, swap ? shape : other, null, [scale2], [random.Next(-128, 128)]);
        int o = m.Tensor(TensorType.Int8, shape, null, [outputScale], [random.Next(-128, 128)]);
        byte[] model = m.Build(mul ? MulCode : AddCode, [a, b], [o], (byte)(mul ? 21 : 11), new Table().Byte(0, Activations[random.Next(4)]), [a, b], [o]);
        return (model, $"[{string.Join(",", swap ? other : shape)}] x [{string.Join(",", swap ? shape : other)}] scales {scale1},{scale2}->{outputScale}");
    }

    public static (byte[], string) Conv2D(Random random)
    {
        while (true)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 12);
            int inDepth = random.Next(1, 40), outDepth = random.Next(1, 40);
            int filterHeight = random.Next(1, 6), filterWidth = random.Next(1, 6);
            int strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            int dilationH = random.Next(4) == 0 ? random.Next(2, 4) : 1, dilationW = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            byte padding = (byte)random.Next(2);
            if (random.Next(3) == 0) { filterHeight = filterWidth = 1; strideH = strideW = 1; dilationH = dilationW = 1; }
            int outHeight = OutputSize(padding, height, filterHeight, strideH, dilationH), outWidth = OutputSize(padding, width, filterWidth, strideW, dilationW);
            if (outHeight <= 0 || outWidth <= 0) continue;
            bool perChannel = random.Next(4) != 0, powerOfTwo = random.Next(3) == 0;
            var m = new SingleOpModel();
            float inputScale = Scale(random, powerOfTwo);
            int input = m.Tensor(TensorType.Int8, [batches, height, width, inDepth], null, [inputScale], [random.Next(-128, 128)]);
            float[] filterScales = WeightScales(random, perChannel ? outDepth : 1, powerOfTwo);
            int filter = m.Tensor(TensorType.Int8, [outDepth, filterHeight, filterWidth, inDepth],
                Bytes(random, outDepth * filterHeight * filterWidth * inDepth), filterScales, new long[filterScales.Length], 0);
            var inputs = new List<int> { input, filter };
            if (random.Next(4) != 0) inputs.Add(m.Tensor(TensorType.Int32, [outDepth], Bias(random, outDepth), [inputScale * filterScales[0]], [0]));
            int output = m.Tensor(TensorType.Int8, [batches, outHeight, outWidth, outDepth], null,
                [OutputScale(random, inputScale, filterScales[0], filterHeight * filterWidth * inDepth, powerOfTwo)], [random.Next(-128, 128)]);
            var options = new Table().Byte(0, padding).Int(1, strideW).Int(2, strideH).Byte(3, Activations[random.Next(4)]).Int(4, dilationW).Int(5, dilationH);
            byte[] model = m.Build(Conv2DCode, [.. inputs], [output], 1, options, [input], [output]);
            return (model, $"{batches}x{height}x{width}x{inDepth} filter {outDepth}x{filterHeight}x{filterWidth} stride {strideH},{strideW} " +
                $"dilation {dilationH},{dilationW} padding {padding} power-of-two {powerOfTwo}");
        }
    }

    public static (byte[], string) DepthwiseConv2D(Random random)
    {
        while (true)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 12);
            int inDepth = random.Next(1, 40), multiplier = random.Next(3) == 0 ? random.Next(2, 4) : 1;
            int outDepth = inDepth * multiplier;
            int filterHeight = random.Next(1, 6), filterWidth = random.Next(1, 6);
            int strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            int dilationH = random.Next(4) == 0 ? random.Next(2, 4) : 1, dilationW = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            byte padding = (byte)random.Next(2);
            int outHeight = OutputSize(padding, height, filterHeight, strideH, dilationH), outWidth = OutputSize(padding, width, filterWidth, strideW, dilationW);
            if (outHeight <= 0 || outWidth <= 0) continue;
            bool perChannel = random.Next(4) != 0, powerOfTwo = random.Next(3) == 0;
            var m = new SingleOpModel();
            float inputScale = Scale(random, powerOfTwo);
            int input = m.Tensor(TensorType.Int8, [batches, height, width, inDepth], null, [inputScale], [random.Next(-128, 128)]);
            float[] filterScales = WeightScales(random, perChannel ? outDepth : 1, powerOfTwo);
            int filter = m.Tensor(TensorType.Int8, [1, filterHeight, filterWidth, outDepth],
                Bytes(random, filterHeight * filterWidth * outDepth), filterScales, new long[filterScales.Length], 3);
            var inputs = new List<int> { input, filter };
            if (random.Next(4) != 0) inputs.Add(m.Tensor(TensorType.Int32, [outDepth], Bias(random, outDepth), [inputScale * filterScales[0]], [0]));
            int output = m.Tensor(TensorType.Int8, [batches, outHeight, outWidth, outDepth], null,
                [OutputScale(random, inputScale, filterScales[0], filterHeight * filterWidth, powerOfTwo)], [random.Next(-128, 128)]);
            var options = new Table().Byte(0, padding).Int(1, strideW).Int(2, strideH).Int(3, multiplier)
                .Byte(4, Activations[random.Next(4)]).Int(5, dilationW).Int(6, dilationH);
            byte[] model = m.Build(DepthwiseCode, [.. inputs], [output], 2, options, [input], [output]);
            return (model, $"{batches}x{height}x{width}x{inDepth} x{multiplier} filter {filterHeight}x{filterWidth} stride {strideH},{strideW} " +
                $"dilation {dilationH},{dilationW} padding {padding} power-of-two {powerOfTwo}");
        }
    }

    internal static int OutputSize(byte padding, int size, int filter, int stride, int dilation)
    {
        int effective = (filter - 1) * dilation + 1;
        return padding == 0 ? (size + stride - 1) / stride : (size - effective + stride) / stride;
    }

    private static float LogUniform(Random random, float min, float max) => min * MathF.Pow(max / min, random.NextSingle());

    private static float Scale(Random random, bool powerOfTwo)
        => powerOfTwo ? MathF.ScaleB(1f, random.Next(-8, -3)) : LogUniform(random, 0.005f, 0.1f);

    private static float[] WeightScales(Random random, int count, bool powerOfTwo)
    {
        var scales = new float[count];
        for (int i = 0; i < count; i++) scales[i] = powerOfTwo ? MathF.ScaleB(1f, random.Next(-10, -5)) : LogUniform(random, 0.001f, 0.05f);
        return scales;
    }

    /// <summary>Around the sums' typical spread, sometimes much smaller (saturation, multipliers above one).</summary>
    private static float OutputScale(Random random, float inputScale, float weightScale, int depth, bool powerOfTwo)
    {
        float scale = inputScale * weightScale * MathF.Sqrt(depth) * 128f * LogUniform(random, 0.02f, 4f);
        return powerOfTwo ? MathF.ScaleB(1f, MathF.ILogB(scale)) : scale;
    }

    internal static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Bias(Random random, int count)
    {
        var values = new int[count];
        int range = random.Next(2) == 0 ? 1 << 10 : 1 << 20;
        for (int i = 0; i < count; i++) values[i] = random.Next(-range, range);
        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }
}

/// <summary>Float32 models: kind 0 CONV_2D, 1 DEPTHWISE_CONV_2D, 2 FULLY_CONNECTED.</summary>
internal static class FloatCases
{
    private const int Conv2DCode = 3, DepthwiseCode = 4, FullyConnectedCode = 9;
    private static readonly byte[] Activations = [0, 1, 2, 3];

    public static (byte[], string) Make(Random random, int kind)
    {
        while (true)
        {
            int height = random.Next(1, 10), width = random.Next(1, 10), inDepth = random.Next(1, 24), outDepth = random.Next(1, 24);
            int filterHeight = random.Next(1, 5), filterWidth = random.Next(1, 5), stride = random.Next(1, 3), dilation = random.Next(4) == 0 ? 2 : 1;
            byte padding = (byte)random.Next(2), activation = Activations[random.Next(4)];
            int outHeight = Cases.OutputSize(padding, height, filterHeight, stride, dilation), outWidth = Cases.OutputSize(padding, width, filterWidth, stride, dilation);
            if (kind != 2 && (outHeight <= 0 || outWidth <= 0)) continue;
            var m = new SingleOpModel();
            if (kind == 0)
            {
                int input = m.Tensor(TensorType.Float32, [1, height, width, inDepth]);
                int filter = m.Tensor(TensorType.Float32, [outDepth, filterHeight, filterWidth, inDepth], Floats(random, outDepth * filterHeight * filterWidth * inDepth));
                int bias = m.Tensor(TensorType.Float32, [outDepth], Floats(random, outDepth));
                int output = m.Tensor(TensorType.Float32, [1, outHeight, outWidth, outDepth]);
                var options = new Table().Byte(0, padding).Int(1, stride).Int(2, stride).Byte(3, activation).Int(4, dilation).Int(5, dilation);
                return (m.Build(Conv2DCode, [input, filter, bias], [output], 1, options, [input], [output]),
                    $"{height}x{width}x{inDepth} filter {outDepth}x{filterHeight}x{filterWidth} stride {stride} dilation {dilation} padding {padding}");
            }
            if (kind == 1)
            {
                int multiplier = random.Next(3) == 0 ? random.Next(2, 5) : 1, channels = inDepth * multiplier;
                int input = m.Tensor(TensorType.Float32, [1, height, width, inDepth]);
                int filter = m.Tensor(TensorType.Float32, [1, filterHeight, filterWidth, channels], Floats(random, filterHeight * filterWidth * channels));
                int bias = m.Tensor(TensorType.Float32, [channels], Floats(random, channels));
                int output = m.Tensor(TensorType.Float32, [1, outHeight, outWidth, channels]);
                var options = new Table().Byte(0, padding).Int(1, stride).Int(2, stride).Int(3, multiplier).Byte(4, activation).Int(5, dilation).Int(6, dilation);
                return (m.Build(DepthwiseCode, [input, filter, bias], [output], 2, options, [input], [output]),
                    $"{height}x{width}x{inDepth} x{multiplier} filter {filterHeight}x{filterWidth} stride {stride} dilation {dilation} padding {padding}");
            }
            int batches = random.Next(1, 3), depth = random.Next(1, 400);
            int fcInput = m.Tensor(TensorType.Float32, [batches, depth]);
            int weights = m.Tensor(TensorType.Float32, [outDepth, depth], Floats(random, outDepth * depth));
            int fcBias = m.Tensor(TensorType.Float32, [outDepth], Floats(random, outDepth));
            int fcOutput = m.Tensor(TensorType.Float32, [batches, outDepth]);
            return (m.Build(FullyConnectedCode, [fcInput, weights, fcBias], [fcOutput], 8, new Table().Byte(0, activation), [fcInput], [fcOutput]),
                $"batches {batches} depth {depth} units {outDepth}");
        }
    }

    private static byte[] Floats(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = random.NextSingle() * 2 - 1;
        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }
}
