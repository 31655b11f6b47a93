using TfLiteMicro.Kernels;
using Table = TfLiteMicro.Tests.Kernels.Optimized.SingleOpModel.Table;
using static TfLiteMicro.Tests.Kernels.Optimized.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The optimized int8 SOFTMAX (int8 and int16 output) and AVERAGE_POOL_2D give exactly the reference kernels' bytes on
/// every instruction-set level: random shapes, betas, scales, zero points, windows, strides, paddings and activations.
/// </summary>
public sealed class SoftmaxPoolPropertyTests
{
    private const int AveragePoolCode = 1, SoftmaxCode = 25;
    private static readonly byte[] Activations = [0, 1, 2, 3]; // none, RELU, RELU_N1_TO_1, RELU6

    private static byte[] SoftmaxModel(Random random, int[] shape, bool int16Output, out string description)
    {
        var m = new SingleOpModel();
        // beta * scale from 1e-3 to 4: the diff_min cut-off falls from far outside the int8 range to a few steps.
        float inputScale = Scale(random, 0.002f, 0.5f);
        float beta = Scale(random, 0.001f, 4f) / inputScale;
        if (random.Next(4) == 0) beta = 1f;
        int input = m.Tensor(TensorType.Int8, shape, null, [inputScale], [random.Next(-128, 128)]);
        int output = int16Output
            ? m.Tensor(TensorType.Int16, shape, null, [1f / 65536], [short.MinValue])
            : m.Tensor(TensorType.Int8, shape, null, [1f / 256], [sbyte.MinValue]);
        var options = new Table().Int(0, BitConverter.SingleToInt32Bits(beta));
        description = $"SOFTMAX [{string.Join(",", shape)}] scale {inputScale} beta {beta} int16 output {int16Output}";
        return m.Build(SoftmaxCode, [input], [output], 9, options, [input], [output]);
    }

    private static int[] RandomShape(Random random, int depth)
    {
        int rank = random.Next(1, 5);
        var shape = new int[rank];
        for (int d = 0; d < rank - 1; d++) shape[d] = random.Next(1, 4);
        shape[rank - 1] = depth;
        return shape;
    }

    [Fact]
    public void SoftmaxInt8MatchesReference()
    {
        var random = new Random(7007);
        int cases = Cases(600);
        for (int i = 0; i < cases; i++)
        {
            bool int16Output = random.Next(3) == 0;
            // A row whose exps sum to 512 or more has no int8 normalisation shift (the reference rejects it); int16 has room.
            int depth = random.Next(4) switch { 0 => random.Next(1, 17), 1 => random.Next(17, 120), 2 => random.Next(120, 400), _ => random.Next(400, int16Output ? 1500 : 512) };
            byte[] model = SoftmaxModel(random, RandomShape(random, depth), int16Output, out string description);
            CompareWithReference(model, random, $"case {i}: {description}");
        }
    }

    /// <summary>Rows whose values span fewer steps than their length (few distinct differences) and constant rows.</summary>
    [Fact]
    public void SoftmaxInt8NarrowRowsMatchReference()
    {
        var random = new Random(7117);
        int cases = Cases(300);
        byte[] arena = new byte[1 << 18];
        OpResolver resolver = OpResolver.WithAllBuiltins();
        for (int i = 0; i < cases; i++)
        {
            int depth = random.Next(1, 300);
            byte[] modelBytes = SoftmaxModel(random, RandomShape(random, depth), random.Next(3) == 0, out string description);
            Model model = Model.Load(modelBytes);
            using var reference = new MicroInterpreter(model, resolver, arena, new InterpreterOptions { UseReferenceKernels = true });
            reference.AllocateTensors();
            var input = new byte[reference.Input(0).ByteCount];
            int low = random.Next(-128, 128), width = random.Next(0, random.Next(2) == 0 ? 8 : 64);
            for (int k = 0; k < input.Length; k++) input[k] = (byte)(sbyte)Math.Clamp(low + random.Next(width + 1), -128, 127);
            reference.Input(0).CopyFrom(input);
            reference.Invoke();
            byte[] expected = reference.Output(0).AsReadOnlySpan<byte>().ToArray();
            foreach (SimdLevel level in Levels())
            {
                Simd.Limit = level;
                try
                {
                    using var optimized = new MicroInterpreter(model, resolver, arena);
                    optimized.AllocateTensors();
                    optimized.Input(0).CopyFrom(input);
                    optimized.Invoke();
                    Assert.True(optimized.Output(0).AsReadOnlySpan<byte>().SequenceEqual(expected), $"case {i}, level {level}: {description}, values {low}..{low + width}");
                }
                finally
                {
                    Simd.Limit = null;
                }
            }
        }
    }

    [Fact]
    public void AveragePool2DInt8MatchesReference()
    {
        var random = new Random(8008);
        int cases = Cases(700);
        for (int i = 0; i < cases; i++)
        {
            bool large = random.Next(8) == 0; // windows over 256 elements keep 32-bit sums
            int batches = random.Next(1, 3), height = random.Next(1, large ? 26 : 12), width = random.Next(1, large ? 26 : 12);
            int depth = large ? random.Next(1, 36) : random.Next(1, 70);
            int filterHeight = random.Next(1, large ? 25 : 6), filterWidth = random.Next(1, large ? 25 : 6);
            int strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            byte padding = (byte)random.Next(2);
            int outHeight = OutputSize(padding, height, filterHeight, strideH, 1), outWidth = OutputSize(padding, width, filterWidth, strideW, 1);
            if (outHeight <= 0 || outWidth <= 0) { i--; continue; }
            var m = new SingleOpModel();
            float scale = Scale(random, 0.005f, 0.1f);
            long zeroPoint = random.Next(-128, 128);
            int input = m.Tensor(TensorType.Int8, [batches, height, width, depth], null, [scale], [zeroPoint]);
            int output = m.Tensor(TensorType.Int8, [batches, outHeight, outWidth, depth], null, [scale], [zeroPoint]);
            var options = new Table().Byte(0, padding).Int(1, strideW).Int(2, strideH).Int(3, filterWidth).Int(4, filterHeight).Byte(5, Activations[random.Next(4)]);
            byte[] model = m.Build(AveragePoolCode, [input], [output], 5, options, [input], [output]);
            CompareWithReference(model, random, $"case {i}: AVERAGE_POOL {batches}x{height}x{width}x{depth} window {filterHeight}x{filterWidth} stride {strideH},{strideW} padding {padding}");
        }
    }

    /// <summary>Constant inputs at both ends of the int8 range: the largest sums of each sign, every remainder of the count.</summary>
    [Fact]
    public void AveragePool2DInt8ExtremeSumsMatchReference()
    {
        var random = new Random(8118);
        byte[] arena = new byte[1 << 18];
        OpResolver resolver = OpResolver.WithAllBuiltins();
        foreach (int size in new[] { 3, 7, 16, 17 })
            foreach (sbyte fill in new sbyte[] { -128, 127, -1, 1, -65 })
            {
                var m = new SingleOpModel();
                int input = m.Tensor(TensorType.Int8, [1, size, size, 32], null, [0.05f], [0]);
                int output = m.Tensor(TensorType.Int8, [1, size, size, 32], null, [0.05f], [0]);
                var options = new Table().Byte(0, 0).Int(1, 1).Int(2, 1).Int(3, size).Int(4, size).Byte(5, 0);
                Model model = Model.Load(m.Build(AveragePoolCode, [input], [output], 5, options, [input], [output]));
                var data = new byte[size * size * 32];
                for (int k = 0; k < data.Length; k++) data[k] = (byte)(random.Next(3) == 0 ? (sbyte)random.Next(-128, 128) : fill);
                using var reference = new MicroInterpreter(model, resolver, arena, new InterpreterOptions { UseReferenceKernels = true });
                reference.AllocateTensors();
                reference.Input(0).CopyFrom(data);
                reference.Invoke();
                byte[] expected = reference.Output(0).AsReadOnlySpan<byte>().ToArray();
                foreach (SimdLevel level in Levels())
                {
                    Simd.Limit = level;
                    try
                    {
                        using var optimized = new MicroInterpreter(model, resolver, arena);
                        optimized.AllocateTensors();
                        optimized.Input(0).CopyFrom(data);
                        optimized.Invoke();
                        Assert.True(optimized.Output(0).AsReadOnlySpan<byte>().SequenceEqual(expected), $"size {size} fill {fill} level {level}");
                    }
                    finally
                    {
                        Simd.Limit = null;
                    }
                }
            }
    }
}
