using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Recurrent;

/// <summary>
/// SVDF's int8 feature products through the one entry of int8 sums (<see cref="MatMulArithmetic.Int8Sums"/>): one batch row
/// on the dot products, four and more on the GEMM core (two and more with the panels arranged once), input sizes a
/// multiple of four and not, both state types, over several Invokes of the carried state.
/// </summary>
public sealed class SvdfGemmPropertyTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SvdfInt8BatchesMatchReference(bool prearrangeWeights)
    {
        var random = new Random(prearrangeWeights ? 7211 : 7210);
        int[] batchChoices = [1, 2, 4, 5, 8];
        int cases = FastPath.Cases(60);
        for (int i = 0; i < cases; i++)
        {
            int batches = batchChoices[i % batchChoices.Length], rank = random.Next(1, 3), units = random.Next(1, 40), memory = random.Next(1, 10);
            int inputSize = random.Next(4) == 0 ? random.Next(1, 120) : 4 * random.Next(1, 80);
            TensorType stateType = random.Next(2) == 0 ? TensorType.Int16 : TensorType.Int8;
            int inputZeroPoint = (i % 4) switch { 0 => -128, 1 => 127, _ => random.Next(-128, 128) };
            byte[] model = Build(random, batches, inputSize, units, rank, memory, stateType, inputZeroPoint);
            FastPath.AssertMatchesReference(model, random,
                $"case {i}: SVDF batches {batches} input {inputSize} units {units} rank {rank} memory {memory} state {stateType} input zp {inputZeroPoint} prearranged {prearrangeWeights}",
                invokes: 3, prearrangeWeights: prearrangeWeights);
        }
    }

    private static byte[] Build(Random random, int batches, int inputSize, int units, int rank, int memory, TensorType stateType, int inputZeroPoint)
    {
        int filters = units * rank, elementBytes = stateType == TensorType.Int16 ? 2 : 1;
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph("main");
        float stateScale = Scale(random, 0.01f, 1f), timeScale = Scale(random, 0.001f, 0.05f);
        int input = graph.AddTensor("input", TensorType.Int8, [batches, inputSize], Quant.PerTensor(Scale(random, 0.01f, 0.1f), inputZeroPoint));
        int feature = graph.AddConstant("feature", TensorType.Int8, [filters, inputSize], RandomBytes(random, filters * inputSize), Quant.PerTensor(Scale(random, 0.002f, 0.02f)));
        int time = graph.AddConstant("time", stateType, [filters, memory], RandomBytes(random, filters * memory * elementBytes), Quant.PerTensor(timeScale));
        int bias = graph.AddConstant("bias", TensorType.Int32, [units], AsBytes(Bias(random, units)), Quant.PerTensor(stateScale * timeScale));
        int state = graph.AddTensor("state", stateType, [batches, memory * filters],
            Quant.PerTensor(stateScale, stateType == TensorType.Int8 ? random.Next(-20, 21) : 0), isVariable: true);
        int output = graph.AddTensor("output", TensorType.Int8, [batches, units], Quant.PerTensor(Scale(random, 0.01f, 1f), random.Next(-128, 128)));
        graph.AddOperator(BuiltinOperator.Svdf, [input, feature, time, bias, state], [output], OperatorOptions.Svdf(rank, RandomActivation(random)));
        graph.SetInputs(input);
        graph.SetOutputs(output);
        return builder.Build();
    }
}
