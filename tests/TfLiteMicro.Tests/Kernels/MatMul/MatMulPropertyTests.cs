using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.MatMul;

/// <summary>
/// The matrix products' fast paths give the reference kernels' bytes through both routes of the int8 dot products
/// (input zero point -128: unsigned bytes; any other: 16-bit values), with int4 weights, and on stacks of layers.
/// </summary>
public sealed class MatMulPropertyTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FullyConnectedInt8BothRoutesMatchReference(bool unsignedRoute)
    {
        var random = new Random(unsignedRoute ? 7101 : 7102);
        int cases = FastPath.Cases(300);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 5), depth = random.Next(1, 700), units = random.Next(1, 300);
            bool perChannel = random.Next(3) == 0;
            bool int4 = !perChannel && random.Next(4) == 0;
            int inputZero = unsignedRoute ? -128 : random.Next(-127, 128);
            int weightsZero = perChannel || int4 || random.Next(4) != 0 ? 0 : random.Next(-20, 21);
            byte[] model = FullyConnectedInt8(random, batches, depth, units, inputZero, weightsZero, perChannel, int4);
            FastPath.AssertMatchesReference(model, random,
                $"case {i}: FC batches {batches} depth {depth} units {units} input zero {inputZero} weights zero {weightsZero} per-channel {perChannel} int4 {int4}");
        }
    }

    /// <summary>
    /// One row at the edge of the layers small enough to keep their row and sums in the kernel's frame (a row of at most
    /// 512 bytes, at most 256 outputs) and just past it, through both routes of the dot products.
    /// </summary>
    [Theory]
    [InlineData(256, 256)]
    [InlineData(257, 256)]
    [InlineData(256, 257)]
    [InlineData(255, 1)]
    public void FullyConnectedInt8SmallLayerEdgeMatchesReference(int depth, int units)
    {
        var random = new Random(7103 + depth * 3 + units);
        foreach (int inputZero in new[] { -128, 5 })
        {
            byte[] model = FullyConnectedInt8(random, 1, depth, units, inputZero, 0, perChannel: false, int4: false);
            FastPath.AssertMatchesReference(model, random, $"FC depth {depth} units {units} input zero {inputZero}");
        }
    }

    /// <summary>
    /// Several rows take the GEMM core (one row the dot products): 1 to 9 rows, depths that are and are not multiples of
    /// four, output counts that are not multiples of sixteen, per-tensor (with a weights zero point) and per-channel,
    /// any input zero point, with and without the weights arranged once.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FullyConnectedInt8RowsMatchReference(bool prearrange)
    {
        var random = new Random(prearrange ? 7111 : 7112);
        int cases = FastPath.Cases(200);
        for (int i = 0; i < cases; i++)
        {
            int batches = 1 + i % 9;
            int depth = random.Next(3) == 0 ? random.Next(1, 300) : 4 * random.Next(1, 160);
            int units = random.Next(4) == 0 ? 16 * random.Next(1, 5) : random.Next(1, 90);
            bool perChannel = random.Next(2) == 0;
            bool int4 = !perChannel && random.Next(5) == 0;
            int inputZero = random.Next(3) == 0 ? -128 : random.Next(-128, 128);
            int weightsZero = perChannel || int4 || random.Next(3) != 0 ? 0 : random.Next(-20, 21);
            byte[] model = FullyConnectedInt8(random, batches, depth, units, inputZero, weightsZero, perChannel, int4);
            FastPath.AssertMatchesReference(model, random,
                $"case {i}: FC rows {batches} depth {depth} units {units} input zero {inputZero} weights zero {weightsZero} per-channel {perChannel} int4 {int4} prearranged {prearrange}",
                prearrangeWeights: prearrange);
        }
    }

    /// <summary>An int8 FULLY_CONNECTED of <paramref name="batches"/> rows with random scales, weights, bias (or none) and activation.</summary>
    private static byte[] FullyConnectedInt8(Random random, int batches, int depth, int units, int inputZero, int weightsZero, bool perChannel, bool int4)
    {
        var m = new OperatorModel();
        float inputScale = Scale(random, 0.005f, 0.1f);
        int input = m.Input(TensorType.Int8, [batches, depth], Quant.PerTensor(inputScale, inputZero));
        float[] weightScales = perChannel ? Scales(random, units, 0.001f, 0.05f) : [Scale(random, 0.001f, 0.05f)];
        long[] weightZeros = perChannel ? new long[units] : [weightsZero];
        byte[] weightBytes = int4 ? RandomBytes(random, (units * depth + 1) / 2) : RandomBytes(random, units * depth);
        int weights = m.Constant(int4 ? TensorType.Int4 : TensorType.Int8, [units, depth], weightBytes, Quant.PerChannel(weightScales, 0, weightZeros));
        var inputs = new List<int> { input, weights };
        if (random.Next(4) != 0) inputs.Add(m.Constant(TensorType.Int32, [units], Bias(random, units), Quant.PerTensor(inputScale * weightScales[0])));
        m.Output(TensorType.Int8, [batches, units], Quant.PerTensor(OutputScale(random, inputScale, weightScales[0], depth), random.Next(-128, 128)));
        return m.Build(BuiltinOperator.FullyConnected, [.. inputs], OperatorOptions.FullyConnected(RandomActivation(random)));
    }

    [Fact]
    public void AnomalyDetectionStackMatchesReference()
    {
        var random = new Random(7103);
        for (int i = 0; i < 3; i++)
            FastPath.AssertMatchesReference(AnomalyDetectionModel.Build(random), random, $"ad01-like stack {i}");
    }
}

/// <summary>
/// A model shaped like MLPerf Tiny's anomaly detection (ad01_int8): ten per-tensor int8 FULLY_CONNECTED layers
/// 640-128-128-128-128-8-128-128-128-128-640, ReLU on all but the last (outputs of a ReLU have zero point -128).
/// </summary>
internal static class AnomalyDetectionModel
{
    public static readonly int[] Widths = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128, 640];

    public static byte[] Build(Random random)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph("main");
        float scale = 0.05f;
        int current = graph.AddTensor("input", TensorType.Int8, [1, Widths[0]], Quant.PerTensor(scale, random.Next(-128, 128)));
        int first = current;
        for (int layer = 0; layer < Widths.Length - 1; layer++)
        {
            int depth = Widths[layer], units = Widths[layer + 1];
            bool last = layer == Widths.Length - 2;
            float weightScale = Scale(random, 0.002f, 0.02f);
            int weights = graph.AddConstant($"w{layer}", TensorType.Int8, [units, depth], RandomBytes(random, units * depth), Quant.PerTensor(weightScale));
            int bias = graph.AddConstant($"b{layer}", TensorType.Int32, [units], AsBytes(Bias(random, units)), Quant.PerTensor(scale * weightScale));
            float outputScale = OutputScale(random, scale, weightScale, depth);
            int output = graph.AddTensor($"h{layer}", TensorType.Int8, [1, units], Quant.PerTensor(outputScale, last ? random.Next(-128, 128) : -128));
            graph.AddOperator(BuiltinOperator.FullyConnected, [current, weights, bias], [output],
                OperatorOptions.FullyConnected(last ? FusedActivation.None : FusedActivation.Relu));
            current = output;
            scale = outputScale;
        }
        graph.SetInputs(first);
        graph.SetOutputs(current);
        return builder.Build();
    }
}

/// <summary>SVDF's feature products (FULLY_CONNECTED's int8 dot products) give the reference kernels' bytes.</summary>
public sealed class SvdfPropertyTests
{
    [Theory]
    [InlineData(TensorType.Int16)]
    [InlineData(TensorType.Int8)]
    public void SvdfInt8MatchesReference(TensorType stateType)
    {
        var random = new Random(stateType == TensorType.Int16 ? 7201 : 7202);
        int cases = FastPath.Cases(200);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 3), inputSize = random.Next(1, 400), rank = random.Next(1, 3);
            int units = random.Next(1, 80), memory = random.Next(1, 12), filters = units * rank;
            var builder = new ModelBuilder();
            SubgraphBuilder graph = builder.AddSubgraph("main");
            float inputScale = Scale(random, 0.01f, 0.1f), featureScale = Scale(random, 0.002f, 0.02f);
            float stateScale = Scale(random, 0.01f, 1f), timeScale = Scale(random, 0.001f, 0.05f);
            int input = graph.AddTensor("input", TensorType.Int8, [batches, inputSize], Quant.PerTensor(inputScale, random.Next(-128, 128)));
            int feature = graph.AddConstant("feature", TensorType.Int8, [filters, inputSize], RandomBytes(random, filters * inputSize), Quant.PerTensor(featureScale));
            int elementBytes = stateType == TensorType.Int16 ? 2 : 1;
            int time = graph.AddConstant("time", stateType, [filters, memory], RandomBytes(random, filters * memory * elementBytes), Quant.PerTensor(timeScale));
            int bias = graph.AddConstant("bias", TensorType.Int32, [units], AsBytes(Bias(random, units)), Quant.PerTensor(stateScale * timeScale));
            int state = graph.AddTensor("state", stateType, [batches, memory * filters], Quant.PerTensor(stateScale, stateType == TensorType.Int8 ? random.Next(-20, 21) : 0), isVariable: true);
            int output = graph.AddTensor("output", TensorType.Int8, [batches, units], Quant.PerTensor(Scale(random, 0.01f, 1f), random.Next(-128, 128)));
            graph.AddOperator(BuiltinOperator.Svdf, [input, feature, time, bias, state], [output], OperatorOptions.Svdf(rank, RandomActivation(random)));
            graph.SetInputs(input);
            graph.SetOutputs(output);
            FastPath.AssertMatchesReference(builder.Build(), random,
                $"case {i}: SVDF batches {batches} input {inputSize} units {units} rank {rank} memory {memory} state {stateType}");
        }
    }
}
