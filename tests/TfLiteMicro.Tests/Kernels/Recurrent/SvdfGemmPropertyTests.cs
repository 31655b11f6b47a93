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
            byte[] model = RecurrentModels.Svdf(random, batches, inputSize, units, rank, memory, stateType, inputZeroPoint);
            FastPath.AssertMatchesReference(model, random,
                $"case {i}: SVDF batches {batches} input {inputSize} units {units} rank {rank} memory {memory} state {stateType} input zp {inputZeroPoint} prearranged {prearrangeWeights}",
                invokes: 3, prearrangeWeights: prearrangeWeights);
        }
    }
}
