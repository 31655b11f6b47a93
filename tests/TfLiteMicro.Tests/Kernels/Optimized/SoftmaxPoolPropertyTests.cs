using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The optimized int8 SOFTMAX (int8 and int16 output) and AVERAGE_POOL_2D give exactly the reference kernels' bytes on
/// every instruction-set level: random shapes, betas, scales, zero points, windows, strides, paddings and activations.
/// </summary>
public sealed class SoftmaxPoolPropertyTests
{
    private static byte[] SoftmaxModel(Random random, int[] shape, bool int16Output, out string description)
    {
        var m = new OperatorModel();
        // beta * scale from 1e-3 to 4: the diff_min cut-off falls from far outside the int8 range to a few steps.
        float inputScale = Scale(random, 0.002f, 0.5f);
        float beta = Scale(random, 0.001f, 4f) / inputScale;
        if (random.Next(4) == 0) beta = 1f;
        int input = m.Input(TensorType.Int8, shape, Quant.PerTensor(inputScale, random.Next(-128, 128)));
        if (int16Output) m.Output(TensorType.Int16, shape, Quant.PerTensor(1f / 65536, short.MinValue));
        else m.Output(TensorType.Int8, shape, Quant.PerTensor(1f / 256, sbyte.MinValue));
        description = $"SOFTMAX [{string.Join(",", shape)}] scale {inputScale} beta {beta} int16 output {int16Output}";
        return m.Build(BuiltinOperator.Softmax, [input], OperatorOptions.Softmax(beta));
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
        int cases = FastPath.Cases(600);
        for (int i = 0; i < cases; i++)
        {
            bool int16Output = random.Next(3) == 0;
            // A row whose exps sum to 512 or more has no int8 normalisation shift (the reference rejects it); int16 has room.
            int depth = random.Next(4) switch { 0 => random.Next(1, 17), 1 => random.Next(17, 120), 2 => random.Next(120, 400), _ => random.Next(400, int16Output ? 1500 : 512) };
            byte[] model = SoftmaxModel(random, RandomShape(random, depth), int16Output, out string description);
            FastPath.AssertMatchesReference(model, random, $"case {i}: {description}");
        }
    }

    /// <summary>Rows whose values span fewer steps than their length (few distinct differences) and constant rows.</summary>
    [Fact]
    public void SoftmaxInt8NarrowRowsMatchReference()
    {
        var random = new Random(7117);
        int cases = FastPath.Cases(300);
        for (int i = 0; i < cases; i++)
        {
            int depth = random.Next(1, 300);
            byte[] model = SoftmaxModel(random, RandomShape(random, depth), random.Next(3) == 0, out string description);
            int low = random.Next(-128, 128), width = random.Next(0, random.Next(2) == 0 ? 8 : 64);
            FastPath.AssertMatchesReference(model, random, $"case {i}: {description}, values {low}..{low + width}", fill: (_, input) =>
            {
                for (int k = 0; k < input.Length; k++) input[k] = (byte)(sbyte)Math.Clamp(low + random.Next(width + 1), -128, 127);
            });
        }
    }

    [Fact]
    public void AveragePool2DInt8MatchesReference()
    {
        var random = new Random(8008);
        int cases = FastPath.Cases(700);
        for (int i = 0; i < cases; i++)
        {
            bool large = random.Next(8) == 0; // windows over 256 elements keep 32-bit sums
            int batches = random.Next(1, 3), height = random.Next(1, large ? 26 : 12), width = random.Next(1, large ? 26 : 12);
            int depth = large ? random.Next(1, 36) : random.Next(1, 70);
            int filterHeight = random.Next(1, large ? 25 : 6), filterWidth = random.Next(1, large ? 25 : 6);
            int strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            PaddingKind padding = RandomPadding(random);
            var g = new ConvGeometry(batches, height, width, depth, depth, filterHeight, filterWidth, strideH, strideW, 1, 1, padding);
            if (!g.HasOutput) { i--; continue; }
            FastPath.AssertMatchesReference(ConvolutionModels.Int8Pool(random, g, BuiltinOperator.AveragePool2D), random, $"case {i}: AVERAGE_POOL {g}");
        }
    }

    /// <summary>Constant inputs at both ends of the int8 range: the largest sums of each sign, every remainder of the count.</summary>
    [Fact]
    public void AveragePool2DInt8ExtremeSumsMatchReference()
    {
        var random = new Random(8118);
        foreach (int size in new[] { 3, 7, 16, 17 })
            foreach (sbyte fill in new sbyte[] { -128, 127, -1, 1, -65 })
            {
                var m = new OperatorModel();
                int input = m.Input(TensorType.Int8, [1, size, size, 32], Quant.PerTensor(0.05f));
                m.Output(TensorType.Int8, [1, size, size, 32], Quant.PerTensor(0.05f));
                byte[] model = m.Build(BuiltinOperator.AveragePool2D, [input], OperatorOptions.Pool2D(PaddingKind.Same, 1, 1, size, size));
                FastPath.AssertMatchesReference(model, random, $"size {size} fill {fill}", fill: (_, data) =>
                {
                    for (int k = 0; k < data.Length; k++) data[k] = (byte)(random.Next(3) == 0 ? (sbyte)random.Next(-128, 128) : fill);
                });
            }
    }
}
