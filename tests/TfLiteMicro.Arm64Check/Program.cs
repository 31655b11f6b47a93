using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using TfLiteMicro;
using TfLiteMicro.Tests.Kernels.Optimized;
using Table = TfLiteMicro.Tests.Kernels.Optimized.SingleOpModel.Table;

// Random single-op int8 models (FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D) run with the reference kernels and with the
// optimized ones this processor selects; any byte that differs is a mismatch. Usage: [cases per op] [seed].
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
(string Name, Func<Random, (byte[] Model, string Description)> Make)[] ops =
[
    ("FULLY_CONNECTED", Cases.FullyConnected),
    ("CONV_2D", Cases.Conv2D),
    ("DEPTHWISE_CONV_2D", Cases.DepthwiseConv2D),
];
int total = 0, mismatches = 0;
foreach (var (name, make) in ops)
{
    int opMismatches = 0;
    for (int i = 0; i < casesPerOp; i++)
    {
        var (model, description) = make(random);
        string? problem = checker.Compare(model, random);
        if (problem is null) continue;
        opMismatches++;
        if (opMismatches <= 5) Console.WriteLine($"  MISMATCH {name} case {i}: {description}: {problem}");
    }
    Console.WriteLine($"{name}: {casesPerOp} cases, {opMismatches} mismatches");
    total += casesPerOp;
    mismatches += opMismatches;
}
Console.WriteLine($"{total} cases, {mismatches} mismatches ({watch.Elapsed.TotalSeconds:F1} s)");
return mismatches == 0 ? 0 : 1;

internal sealed class Checker
{
    private readonly byte[] _referenceArena = new byte[1 << 19], _optimizedArena = new byte[1 << 19];
    private readonly OpResolver _resolver = OpResolver.WithAllBuiltins();

    /// <summary>Null when the optimized output equals the reference bytes, else where they first differ.</summary>
    public string? Compare(byte[] modelBytes, Random random)
    {
        Model model = Model.Load(modelBytes);
        using var reference = new MicroInterpreter(model, _resolver, _referenceArena, new InterpreterOptions { UseReferenceKernels = true });
        using var optimized = new MicroInterpreter(model, _resolver, _optimizedArena);
        reference.AllocateTensors();
        optimized.AllocateTensors();
        for (int k = 0; k < reference.InputCount; k++)
        {
            var input = new byte[reference.Input(k).ByteCount];
            random.NextBytes(input);
            reference.Input(k).CopyFrom(input);
            optimized.Input(k).CopyFrom(input);
        }
        reference.Invoke();
        optimized.Invoke();
        ReadOnlySpan<byte> expected = reference.Output(0).AsReadOnlySpan<byte>(), actual = optimized.Output(0).AsReadOnlySpan<byte>();
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
    private const int Conv2DCode = 3, DepthwiseCode = 4, FullyConnectedCode = 9;
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

    private static int OutputSize(byte padding, int size, int filter, int stride, int dilation)
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

    private static byte[] Bytes(Random random, int count)
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
