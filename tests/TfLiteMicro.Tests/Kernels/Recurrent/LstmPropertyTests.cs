using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Recurrent;

/// <summary>
/// UNIDIRECTIONAL_SEQUENCE_LSTM's fast paths (gate products, vector activations, cell and hidden updates) give the
/// reference kernels' outputs and states over several Invokes: int8 and int16 activations bit for bit, float32 within
/// 1e-5 (vector exponentials and dot products in another order).
/// </summary>
public sealed class LstmPropertyTests
{
    [Theory]
    [InlineData(TensorType.Int8)]
    [InlineData(TensorType.Int16)]
    [InlineData(TensorType.Float32)]
    public void LstmMatchesReference(TensorType activationType)
    {
        var random = new Random(7300 + (int)activationType);
        int cases = FastPath.Cases(60);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 4), steps = random.Next(1, 6), inputSize = random.Next(1, 40), units = random.Next(1, 40);
            bool timeMajor = random.Next(2) == 0;
            float cellClip = random.Next(3) == 0 ? Scale(random, 0.05f, 8f) : 0f;
            byte[] model = Build(random, activationType, batches, steps, inputSize, units, timeMajor, cellClip, out string details);
            FastPath.AssertMatchesReference(model, random,
                $"case {i}: LSTM {activationType} batches {batches} steps {steps} input {inputSize} units {units} time-major {timeMajor} clip {cellClip} {details}",
                floatTolerance: activationType == TensorType.Float32 ? 1e-5 : 0, invokes: 3);
        }
    }

    /// <summary>
    /// The fused int8 step (one pass per time step, AVX-VNNI groups of four bytes or AVX2 int16 pairs): unit counts around
    /// its blocks of eight and groups of four, input sizes with partial groups, both layouts with several batch rows, and
    /// sequences longer than one packed chunk of input rows.
    /// </summary>
    [Fact]
    public void FusedInt8MatchesReference()
    {
        var random = new Random(7350);
        int[] unitChoices = [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 20, 23, 24, 25, 33];
        int[] inputChoices = [1, 2, 3, 4, 5, 6, 7, 8, 9, 28, 31, 32, 33, 40];
        int cases = FastPath.Cases(40);
        for (int i = 0; i < cases; i++)
        {
            int units = unitChoices[random.Next(unitChoices.Length)], inputSize = inputChoices[random.Next(inputChoices.Length)];
            int batches = random.Next(1, 4);
            // Every fourth case: more input rows than one chunk holds (2048 bytes of packed rows).
            int steps = i % 4 == 3 ? random.Next(60, 90) : random.Next(1, 8);
            bool timeMajor = random.Next(2) == 0;
            float cellClip = random.Next(3) == 0 ? Scale(random, 0.05f, 8f) : 0f;
            byte[] model = Build(random, TensorType.Int8, batches, steps, inputSize, units, timeMajor, cellClip, out string details);
            FastPath.AssertMatchesReference(model, random,
                $"case {i}: fused LSTM int8 batches {batches} steps {steps} input {inputSize} units {units} time-major {timeMajor} clip {cellClip} {details}",
                invokes: 3);
        }
    }

    /// <summary>
    /// The fused step with inputs at the int8 extremes and extreme zero points: the folded zero-point terms and the 32-bit
    /// sums wrap exactly as the reference's.
    /// </summary>
    [Fact]
    public void FusedInt8MatchesReferenceAtExtremes()
    {
        var random = new Random(7351);
        int cases = FastPath.Cases(16);
        for (int i = 0; i < cases; i++)
        {
            int units = random.Next(1, 30), inputSize = random.Next(1, 45), batches = random.Next(1, 3), steps = random.Next(1, 6);
            byte[] model = Build(random, TensorType.Int8, batches, steps, inputSize, units, timeMajor: i % 2 == 0, cellClip: 0f, out string details,
                fixedInputZeroPoint: i % 4 < 2 ? -128 : 127);
            FastPath.AssertMatchesReference(model, random, $"case {i}: fused LSTM int8 at extremes input {inputSize} units {units} {details}",
                fill: (_, bytes) =>
                {
                    for (int k = 0; k < bytes.Length; k++) bytes[k] = random.Next(2) == 0 ? (byte)0x80 : (byte)0x7F;
                },
                invokes: 3);
        }
    }

    /// <summary>An int8 LSTM too large for the fused step's stack runs the unfused fast path, equal to the reference too.</summary>
    [Fact]
    public void LargeInt8LstmMatchesReference()
    {
        var random = new Random(7352);
        var layout = new FusedLstmLayout(vnni: true, batches: 1, steps: 2, inputSize: 200, units: 64);
        Assert.False(layout.Fits);
        byte[] model = Build(random, TensorType.Int8, 1, 2, 200, 64, timeMajor: false, cellClip: 0f, out string details);
        FastPath.AssertMatchesReference(model, random, $"LSTM int8 input 200 units 64 {details}", invokes: 2);
    }

    /// <summary>
    /// The fused float step (eight units in lanes, multiply-adds of broadcast activations): unit counts around its blocks of
    /// eight, odd and even input sizes, both layouts with several batch rows, long sequences, with and without the cell clip.
    /// </summary>
    [Fact]
    public void FusedFloatMatchesReference()
    {
        var random = new Random(7360);
        int[] unitChoices = [1, 2, 7, 8, 9, 15, 16, 17, 20, 24, 31, 33];
        int cases = FastPath.Cases(40);
        for (int i = 0; i < cases; i++)
        {
            int units = unitChoices[random.Next(unitChoices.Length)], batches = random.Next(1, 4);
            // Input sizes up to 40 within the stack bound (each block's panels take 128 bytes per input and hidden element).
            int blocks = (units + 7) / 8, inputSize = random.Next(1, Math.Min(40, FusedLstmLayout.MaxStackBytes / 128 / blocks - 2 - units) + 1);
            int steps = i % 4 == 3 ? random.Next(30, 60) : random.Next(1, 8);
            bool timeMajor = random.Next(2) == 0;
            float cellClip = random.Next(3) == 0 ? Scale(random, 0.05f, 8f) : 0f;
            Assert.True(new FusedFloatLstmLayout(batches, steps, inputSize, units).Fits);
            byte[] model = Build(random, TensorType.Float32, batches, steps, inputSize, units, timeMajor, cellClip, out _);
            FastPath.AssertMatchesReference(model, random,
                $"case {i}: fused LSTM float batches {batches} steps {steps} input {inputSize} units {units} time-major {timeMajor} clip {cellClip}",
                floatTolerance: 1e-5, invokes: 3);
        }
    }

    /// <summary>A float LSTM too large for the fused step's stack runs the unfused fast path, within tolerance of the reference too.</summary>
    [Fact]
    public void LargeFloatLstmMatchesReference()
    {
        var random = new Random(7361);
        Assert.False(new FusedFloatLstmLayout(1, 2, 200, 64).Fits);
        byte[] model = Build(random, TensorType.Float32, 1, 2, 200, 64, timeMajor: false, cellClip: 0f, out _);
        FastPath.AssertMatchesReference(model, random, "LSTM float input 200 units 64", floatTolerance: 1e-5, invokes: 2);
    }

    /// <summary>
    /// int16 activations with the vector gate requantization (64-bit sums and biases, the 16-bit reduced multiplier): inputs
    /// at the int16 extremes, biases up to 2^62 (the reference's 64-bit products wrap), gate scales whose rounding shifts
    /// take the vector form and scales whose shifts do not, several batch, unit and input sizes, both layouts, with and
    /// without the cell clip.
    /// </summary>
    [Fact]
    public void Int16MatchesReferenceAtExtremes()
    {
        var random = new Random(7362);
        int cases = FastPath.Cases(30);
        for (int i = 0; i < cases; i++)
        {
            int units = random.Next(1, 30), inputSize = random.Next(1, 45), batches = random.Next(1, 4), steps = random.Next(1, 6);
            bool timeMajor = random.Next(2) == 0;
            float cellClip = i % 3 == 0 ? Scale(random, 0.05f, 8f) : 0f;
            // Weight scales from tiny (rounding shifts past 32: the scalar requantization) to large (gate sums saturate).
            float weightScale = i % 4 == 0 ? Scale(random, 1e-9f, 1e-7f) : Scale(random, 0.002f, 2f);
            int biasBits = i % 2 == 0 ? 62 : 20;
            byte[] model = Build(random, TensorType.Int16, batches, steps, inputSize, units, timeMajor, cellClip, out string details,
                weightScale: weightScale, biasBits: biasBits);
            FastPath.AssertMatchesReference(model, random,
                $"case {i}: LSTM int16 at extremes batches {batches} steps {steps} input {inputSize} units {units} time-major {timeMajor} clip {cellClip} weight scale {weightScale} bias 2^{biasBits} {details}",
                fill: (_, bytes) =>
                {
                    for (int k = 0; k + 1 < bytes.Length; k += 2)
                    {
                        short v = random.Next(3) switch { 0 => short.MinValue, 1 => short.MaxValue, _ => (short)random.Next(short.MinValue, short.MaxValue + 1) };
                        bytes[k] = (byte)v;
                        bytes[k + 1] = (byte)(v >> 8);
                    }
                },
                invokes: 3);
        }
    }

    /// <summary>
    /// The unfused int8 gates' input products through the GEMM core's raw sums, a window of input rows at a time (LSTMs too
    /// large for the fused step's stack, input sizes a multiple of four): steps not a multiple of four and more than one
    /// window, units not a multiple of sixteen, several batch rows in both layouts (time-major windows of whole steps),
    /// input zero points at the extremes too, the panels arranged per call and once
    /// (<see cref="InterpreterOptions.PrearrangeWeights"/>).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Int8InputSumsMatchReference(bool prearrangeWeights)
    {
        var random = new Random(prearrangeWeights ? 7371 : 7370);
        int[] unitChoices = [48, 53, 64, 70], stepChoices = [1, 2, 3, 5, 6, 7, 9, 13, 19, 30];
        int cases = FastPath.Cases(30);
        for (int i = 0; i < cases; i++)
        {
            int units = unitChoices[random.Next(unitChoices.Length)], inputSize = 4 * random.Next(30, 46);
            int batches = random.Next(1, 5), steps = stepChoices[random.Next(stepChoices.Length)];
            Assert.False(new FusedLstmLayout(vnni: true, batches, steps, inputSize, units).Fits);
            bool timeMajor = random.Next(2) == 0;
            int? zeroPoint = (i % 5) switch { 0 => -128, 1 => 127, _ => null };
            byte[] model = Build(random, TensorType.Int8, batches, steps, inputSize, units, timeMajor, cellClip: 0f, out string details, fixedInputZeroPoint: zeroPoint);
            FastPath.AssertMatchesReference(model, random,
                $"case {i}: LSTM int8 input sums batches {batches} steps {steps} input {inputSize} units {units} time-major {timeMajor} prearranged {prearrangeWeights} {details}",
                invokes: 3, prearrangeWeights: prearrangeWeights);
        }
    }

    /// <summary>trained_lstm_int8's shape (28 inputs, 20 units, 28 steps) takes the fused step at both instruction sets.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TrainedModelShapeFits(bool vnni)
        => Assert.True(new FusedLstmLayout(vnni, batches: 1, steps: 28, inputSize: 28, units: 20).Fits);

    private static byte[] Build(Random random, TensorType type, int batches, int steps, int inputSize, int units, bool timeMajor, float cellClip,
        out string details, int? fixedInputZeroPoint = null, float? weightScale = null, int? biasBits = null)
        => RecurrentModels.Lstm(random, type, batches, steps, inputSize, units, timeMajor, cellClip, out details, fixedInputZeroPoint, weightScale, biasBits);
}
