using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.MatMul;

/// <summary>
/// BATCH_MATMUL's fast paths (the dot products of FULLY_CONNECTED) give the reference kernels' outputs at every
/// instruction-set level: int8 bit for bit through both routes (first input zero point -128 or any other), float32 within
/// 1e-5; either operand transposed, broadcast batch dimensions, the second operand constant or not (and arranged once for the
/// GEMM core with <see cref="InterpreterOptions.PrearrangeWeights"/>), 1 to 9 rows, depths that are and are not multiples of four.
/// </summary>
public sealed class BatchMatMulPropertyTests
{
    [Theory]
    [InlineData(TensorType.Int8, false)]
    [InlineData(TensorType.Int8, true)]
    [InlineData(TensorType.Float32, false)]
    public void BatchMatMulMatchesReference(TensorType type, bool prearrange)
    {
        var random = new Random(7200 + (int)type + (prearrange ? 50 : 0));
        int cases = FastPath.Cases(200);
        for (int i = 0; i < cases; i++)
        {
            // float32 keeps its original cases (its tolerance is relative, and some cancel); int8 adds a ninth row and depths that are multiples of four.
            bool int8 = type == TensorType.Int8;
            int rows = random.Next(1, int8 ? 10 : 9), cols = random.Next(1, 40), depth = random.Next(4) == 0 ? random.Next(100, 600) : random.Next(1, 70);
            if (int8 && random.Next(2) == 0) depth = 4 * (depth / 4 + 1);
            bool adjX = random.Next(2) == 0, adjY = random.Next(2) == 0, constantY = random.Next(3) == 0;
            int[] xBatch = RandomBatch(random), yBatch = Broadcast(random, xBatch);
            int[] xShape = [.. xBatch, adjX ? depth : rows, adjX ? rows : depth];
            int[] yShape = [.. yBatch, adjY ? cols : depth, adjY ? depth : cols];
            int[] outShape = [.. OutputBatch(xBatch, yBatch), rows, cols];
            var m = new OperatorModel();
            int x, y;
            if (type == TensorType.Float32)
            {
                x = m.Input(type, xShape);
                y = constantY ? m.Constant(type, yShape, Floats(random, Count(yShape))) : m.Input(type, yShape);
                m.Output(type, outShape);
            }
            else
            {
                float xScale = Scale(random, 0.005f, 0.1f), yScale = Scale(random, 0.005f, 0.1f);
                int xZero = random.Next(2) == 0 ? -128 : random.Next(-128, 128), yZero = random.Next(-128, 128);
                x = m.Input(type, xShape, Quant.PerTensor(xScale, xZero));
                QuantizationParameters yQuant = Quant.PerTensor(yScale, yZero);
                y = constantY ? m.Constant(type, yShape, RandomBytes(random, Count(yShape)), yQuant) : m.Input(type, yShape, yQuant);
                m.Output(type, outShape, Quant.PerTensor(OutputScale(random, xScale, yScale, depth), random.Next(-128, 128)));
            }
            byte[] model = m.Build(BuiltinOperator.BatchMatmul, [x, y], OperatorOptions.BatchMatMul(adjX, adjY));
            FastPath.AssertMatchesReference(model, random,
                $"case {i}: {type} x {string.Join('x', xShape)} y {string.Join('x', yShape)} adj {adjX}/{adjY} constant y {constantY}",
                floatTolerance: 1e-5, prearrangeWeights: prearrange);
        }
    }

    /// <summary>Leading dimensions of the first operand: none, or up to three small ones.</summary>
    private static int[] RandomBatch(Random random)
    {
        var batch = new int[random.Next(4)];
        for (int d = 0; d < batch.Length; d++) batch[d] = random.Next(1, 4);
        return batch;
    }

    /// <summary>Leading dimensions of the second operand that broadcast against <paramref name="x"/> (some ones, maybe fewer).</summary>
    private static int[] Broadcast(Random random, int[] x)
    {
        int drop = random.Next(x.Length + 1);
        var y = new int[x.Length - drop];
        for (int d = 0; d < y.Length; d++) y[d] = random.Next(3) == 0 ? 1 : x[drop + d];
        return y;
    }

    private static int[] OutputBatch(int[] x, int[] y)
    {
        var batch = new int[x.Length];
        for (int d = 0; d < x.Length; d++)
        {
            int fromEnd = x.Length - d;
            batch[d] = fromEnd <= y.Length ? Math.Max(x[d], y[y.Length - fromEnd]) : x[d];
        }
        return batch;
    }

    private static int Count(int[] shape)
    {
        int count = 1;
        foreach (int d in shape) count *= d;
        return count;
    }
}
