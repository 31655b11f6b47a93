using System.Runtime.InteropServices;
using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The optimized int16x8 CONV_2D and FULLY_CONNECTED (int16 activations, int8 weights) give exactly the reference
/// kernels' bytes: random shapes, strides, dilations, paddings, groups, per-channel scales, activations, int64, int32
/// or no bias, and activations that are random, zero or at the int16 extremes, with depths long enough that the 32-bit
/// partial sums are widened several times. TFLM_PROPERTY_CASES sets the number of cases per test.
/// </summary>
public sealed class Int16PropertyTests
{
    private enum Fill { Random, Zero, Extremes, Minimum, Maximum, Small }

    [Fact]
    public void Conv2DInt16MatchesReference()
    {
        var random = new Random(1616);
        int cases = FastPath.Cases(700);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 9), width = random.Next(1, 9);
            int groups = random.Next(5) == 0 ? random.Next(2, 4) : 1;
            int filterDepth = random.Next(1, 20), perGroup = random.Next(1, 12);
            if (random.Next(10) == 0) filterDepth = random.Next(200, 400); // over 2048 values per row with 3x3 taps
            int inDepth = filterDepth * groups, outDepth = perGroup * groups;
            int filterHeight = random.Next(1, 5), filterWidth = random.Next(1, 5);
            int strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            int dilationH = random.Next(4) == 0 ? random.Next(2, 4) : 1, dilationW = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            PaddingKind padding = RandomPadding(random);
            if (random.Next(4) == 0) { filterHeight = filterWidth = 1; dilationH = dilationW = 1; }
            int outHeight = OutputSize(padding, height, filterHeight, strideH, dilationH);
            int outWidth = OutputSize(padding, width, filterWidth, strideW, dilationW);
            if (outHeight <= 0 || outWidth <= 0) { i--; continue; }
            int depth = filterHeight * filterWidth * filterDepth;

            var m = new OperatorModel();
            float inputScale = Scale(random, 1e-4f, 1e-2f);
            int input = m.Input(TensorType.Int16, [batches, height, width, inDepth], Quant.PerTensor(inputScale));
            bool perChannel = random.Next(4) != 0;
            float[] filterScales = perChannel ? Scales(random, outDepth, 0.001f, 0.05f) : [Scale(random, 0.001f, 0.05f)];
            int filter = m.Constant(TensorType.Int8, [outDepth, filterHeight, filterWidth, filterDepth], Weights(random, outDepth * depth),
                Quant.PerChannel(filterScales, 0));
            var inputs = new List<int> { input, filter };
            int biasKind = random.Next(3); // int64, int32, none
            if (biasKind == 0) inputs.Add(m.Constant(TensorType.Int64, [outDepth], Bias64(random, outDepth), Quant.PerTensor(inputScale * filterScales[0])));
            if (biasKind == 1) inputs.Add(m.Constant(TensorType.Int32, [outDepth], Bias(random, outDepth), Quant.PerTensor(inputScale * filterScales[0])));
            m.Output(TensorType.Int16, [batches, outHeight, outWidth, outDepth], Quant.PerTensor(OutputScale(random, inputScale, filterScales[0], depth) * 256));
            FusedActivation activation = RandomActivation(random);
            bool int32Accumulator = biasKind == 1 || (biasKind == 2 && random.Next(2) == 0);
            var options = OperatorOptions.Conv2D(padding, strideW, strideH, activation, dilationW, dilationH,
                quantizedBiasType: biasKind == 2 && int32Accumulator ? TensorType.Int32 : null);
            byte[] model = m.Build(BuiltinOperator.Conv2D, [.. inputs], options);
            var fill = (Fill)random.Next(6);
            Compare(model, random, fill,
                $"case {i}: CONV {batches}x{height}x{width}x{inDepth} filter {outDepth}x{filterHeight}x{filterWidth}x{filterDepth} stride {strideH},{strideW} " +
                $"dilation {dilationH},{dilationW} padding {padding} bias {biasKind} int32 {int32Accumulator} fill {fill}");
        }
    }

    [Fact]
    public void FullyConnectedInt16MatchesReference()
    {
        var random = new Random(1617);
        int cases = FastPath.Cases(900);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 4), depth = random.Next(1, 300), units = random.Next(1, 40);
            if (random.Next(8) == 0) depth = random.Next(2000, 6000);
            bool perChannel = random.Next(2) == 0;
            bool constantWeights = random.Next(6) != 0;
            var m = new OperatorModel();
            float inputScale = Scale(random, 1e-4f, 1e-2f);
            int inputZero = random.Next(5) == 0 ? random.Next(-300, 301) : 0;
            int input = m.Input(TensorType.Int16, [batches, depth], Quant.PerTensor(inputScale, inputZero));
            float[] weightScales = perChannel ? Scales(random, units, 0.001f, 0.05f) : [Scale(random, 0.001f, 0.05f)];
            long[] weightZeros = perChannel ? new long[units] : [random.Next(4) == 0 ? random.Next(-20, 21) : 0];
            QuantizationParameters weightQuantization = Quant.PerChannel(weightScales, 0, weightZeros);
            int weights = constantWeights
                ? m.Constant(TensorType.Int8, [units, depth], Weights(random, units * depth), weightQuantization)
                : m.Input(TensorType.Int8, [units, depth], weightQuantization);
            var inputs = new List<int> { input, weights };
            int biasKind = random.Next(3);
            if (biasKind == 0) inputs.Add(m.Constant(TensorType.Int64, [units], Bias64(random, units), Quant.PerTensor(inputScale * weightScales[0])));
            if (biasKind == 1) inputs.Add(m.Constant(TensorType.Int32, [units], Bias(random, units), Quant.PerTensor(inputScale * weightScales[0])));
            m.Output(TensorType.Int16, [batches, units], Quant.PerTensor(OutputScale(random, inputScale, weightScales[0], depth) * 256,
                random.Next(4) == 0 ? random.Next(-100, 101) : 0));
            FusedActivation activation = RandomActivation(random);
            bool int32Accumulator = biasKind == 1 || (biasKind == 2 && random.Next(2) == 0);
            var options = OperatorOptions.FullyConnected(activation, quantizedBiasType: biasKind == 2 && int32Accumulator ? TensorType.Int32 : null);
            byte[] model = m.Build(BuiltinOperator.FullyConnected, [.. inputs], options);
            var fill = (Fill)random.Next(6);
            Compare(model, random, fill,
                $"case {i}: FC batches {batches} depth {depth} units {units} per-channel {perChannel} constant {constantWeights} " +
                $"zero points {inputZero},{weightZeros[0]} bias {biasKind} int32 {int32Accumulator} fill {fill}");
        }
    }

    /// <summary>The largest sums: every activation and weight at an extreme, long rows, 64-bit and wrapping 32-bit sums.</summary>
    [Fact]
    public void ExtremeSumsMatchReference()
    {
        var random = new Random(1618);
        int cases = FastPath.Cases(120);
        for (int i = 0; i < cases; i++)
        {
            int depth = random.Next(1, 9000), units = random.Next(1, 9), batches = random.Next(1, 3);
            var m = new OperatorModel();
            int input = m.Input(TensorType.Int16, [batches, depth], Quant.PerTensor(1e-3f));
            var w = new byte[units * depth];
            byte weightValue = random.Next(2) == 0 ? (byte)0x80 : (byte)0x7F;
            Array.Fill(w, weightValue);
            int weights = m.Constant(TensorType.Int8, [units, depth], w, Quant.PerTensor(0.01f));
            bool wide = random.Next(2) == 0;
            int bias = wide
                ? m.Constant(TensorType.Int64, [units], Bias64(random, units), Quant.PerTensor(1e-5f))
                : m.Constant(TensorType.Int32, [units], Bias(random, units), Quant.PerTensor(1e-5f));
            m.Output(TensorType.Int16, [batches, units], Quant.PerTensor(Scale(random, 1e-2f, 1e3f)));
            byte[] model = m.Build(BuiltinOperator.FullyConnected, [input, weights, bias], OperatorOptions.FullyConnected());
            var fill = random.Next(2) == 0 ? Fill.Minimum : Fill.Maximum;
            Compare(model, random, fill, $"case {i}: extreme FC batches {batches} depth {depth} units {units} weights {(sbyte)weightValue} wide {wide} fill {fill}");
        }
    }

    private static byte[] Weights(Random random, int count)
    {
        byte[] bytes = RandomBytes(random, count);
        switch (random.Next(8))
        {
            case 0: Array.Fill(bytes, (byte)0x80); break; // -128
            case 1: Array.Fill(bytes, (byte)0x7F); break;
            case 2: for (int k = 0; k < bytes.Length; k++) bytes[k] = random.Next(2) == 0 ? (byte)0x80 : (byte)0x7F; break;
        }
        return bytes;
    }

    private static void FillActivations(Random random, Span<short> values, Fill fill)
    {
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = fill switch
            {
                Fill.Zero => 0,
                Fill.Minimum => short.MinValue,
                Fill.Maximum => short.MaxValue,
                Fill.Extremes => random.Next(3) switch { 0 => short.MinValue, 1 => short.MaxValue, _ => -short.MaxValue },
                Fill.Small => (short)random.Next(-300, 301),
                _ => (short)random.Next(short.MinValue, short.MaxValue + 1),
            };
        }
    }

    private static void Compare(byte[] modelBytes, Random random, Fill fill, string description)
        => FastPath.AssertMatchesReference(modelBytes, random, description, fill: (k, bytes) =>
        {
            if (k == 0) FillActivations(random, MemoryMarshal.Cast<byte, short>(bytes), fill);
            else random.NextBytes(bytes);
        });
}
