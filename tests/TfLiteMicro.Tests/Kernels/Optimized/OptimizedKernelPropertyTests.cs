using System.Runtime.InteropServices;
using TfLiteMicro.Kernels;
using Table = TfLiteMicro.Tests.Kernels.Optimized.SingleOpModel.Table;
using static TfLiteMicro.Tests.Kernels.Optimized.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The optimized kernels give exactly the reference kernels' bytes: random single-op models (shapes, strides,
/// dilations, paddings, zero points, per-channel scales, activations), run once with the reference kernels and once
/// per instruction-set level this processor has. TFLM_PROPERTY_CASES sets the number of cases per op.
/// </summary>
public sealed class OptimizedKernelPropertyTests
{
    private const int Conv2DCode = 3, DepthwiseCode = 4, FullyConnectedCode = 9, MaxPoolCode = 17;
    private static readonly byte[] Activations = [0, 1, 2, 3]; // none, RELU, RELU_N1_TO_1, RELU6

    [Fact]
    public void FullyConnectedInt8MatchesReference()
    {
        var random = new Random(1001);
        int cases = Cases(600);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 4), depth = random.Next(1, 300), units = random.Next(1, 40);
            bool perChannel = random.Next(2) == 0;
            var m = new SingleOpModel();
            float inputScale = Scale(random, 0.005f, 0.1f);
            int input = m.Tensor(TensorType.Int8, [batches, depth], null, [inputScale], [random.Next(-128, 128)]);
            float[] weightScales = perChannel ? Scales(random, units, 0.001f, 0.05f) : [Scale(random, 0.001f, 0.05f)];
            long[] weightZeros = perChannel ? new long[units] : [random.Next(4) == 0 ? random.Next(-20, 21) : 0];
            int weights = m.Tensor(TensorType.Int8, [units, depth], RandomBytes(random, units * depth), weightScales, weightZeros);
            var inputs = new List<int> { input, weights };
            if (random.Next(4) != 0) inputs.Add(m.Tensor(TensorType.Int32, [units], Bias(random, units), [inputScale * weightScales[0]], [0]));
            int output = m.Tensor(TensorType.Int8, [batches, units], null, [OutputScale(random, inputScale, weightScales[0], depth)], [random.Next(-128, 128)]);
            var options = new Table().Byte(0, Activations[random.Next(4)]);
            byte[] model = m.Build(FullyConnectedCode, [.. inputs], [output], 8, options, [input], [output]);
            CompareWithReference(model, random, $"case {i}: FC batches {batches} depth {depth} units {units} per-channel {perChannel}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Conv2DInt8MatchesReference(bool pointwise)
    {
        var random = new Random(pointwise ? 2003 : 2002);
        int cases = Cases(pointwise ? 300 : 600);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 12);
            int inDepth = random.Next(1, 24), outDepth = random.Next(1, 24);
            int filterHeight = random.Next(1, 6), filterWidth = random.Next(1, 6);
            int strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            int dilationH = random.Next(4) == 0 ? random.Next(2, 4) : 1, dilationW = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            byte padding = (byte)random.Next(2);
            if (random.Next(3) == 0) { filterHeight = filterWidth = 1; strideH = strideW = 1; dilationH = dilationW = 1; }
            if (pointwise)
            {
                // The lane-per-output-channel form: 1x1, input depth a multiple of four (VNNI) or two (AVX2), at least eight outputs.
                filterHeight = filterWidth = 1;
                inDepth = 2 * random.Next(1, 33);
                outDepth = random.Next(8, 41);
                strideH = random.Next(3) == 0 ? random.Next(2, 4) : 1;
                strideW = random.Next(3) == 0 ? random.Next(2, 4) : 1;
            }
            int outHeight = OutputSize(padding, height, filterHeight, strideH, dilationH);
            int outWidth = OutputSize(padding, width, filterWidth, strideW, dilationW);
            if (outHeight <= 0 || outWidth <= 0) { i--; continue; }

            var m = new SingleOpModel();
            float inputScale = Scale(random, 0.005f, 0.1f);
            int input = m.Tensor(TensorType.Int8, [batches, height, width, inDepth], null, [inputScale], [random.Next(-128, 128)]);
            bool perChannel = random.Next(4) != 0;
            float[] filterScales = perChannel ? Scales(random, outDepth, 0.001f, 0.05f) : [Scale(random, 0.001f, 0.05f)];
            int filter = m.Tensor(TensorType.Int8, [outDepth, filterHeight, filterWidth, inDepth],
                RandomBytes(random, outDepth * filterHeight * filterWidth * inDepth), filterScales, new long[filterScales.Length], 0);
            var inputs = new List<int> { input, filter };
            if (random.Next(4) != 0) inputs.Add(m.Tensor(TensorType.Int32, [outDepth], Bias(random, outDepth), [inputScale * filterScales[0]], [0]));
            int output = m.Tensor(TensorType.Int8, [batches, outHeight, outWidth, outDepth], null,
                [OutputScale(random, inputScale, filterScales[0], filterHeight * filterWidth * inDepth)], [random.Next(-128, 128)]);
            var options = new Table().Byte(0, padding).Int(1, strideW).Int(2, strideH).Byte(3, Activations[random.Next(4)]).Int(4, dilationW).Int(5, dilationH);
            byte[] model = m.Build(Conv2DCode, [.. inputs], [output], 1, options, [input], [output]);
            CompareWithReference(model, random,
                $"case {i}: CONV {batches}x{height}x{width}x{inDepth} filter {outDepth}x{filterHeight}x{filterWidth} stride {strideH},{strideW} dilation {dilationH},{dilationW} padding {padding}");
        }
    }

    [Fact]
    public void DepthwiseConv2DInt8MatchesReference()
    {
        var random = new Random(3003);
        int cases = Cases(600);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 12);
            int inDepth = random.Next(1, 40), multiplier = random.Next(3) == 0 ? random.Next(2, 4) : 1;
            int outDepth = inDepth * multiplier;
            int filterHeight = random.Next(1, 6), filterWidth = random.Next(1, 6);
            int strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            int dilationH = random.Next(4) == 0 ? random.Next(2, 4) : 1, dilationW = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            byte padding = (byte)random.Next(2);
            int outHeight = OutputSize(padding, height, filterHeight, strideH, dilationH);
            int outWidth = OutputSize(padding, width, filterWidth, strideW, dilationW);
            if (outHeight <= 0 || outWidth <= 0) { i--; continue; }

            var m = new SingleOpModel();
            float inputScale = Scale(random, 0.005f, 0.1f);
            int input = m.Tensor(TensorType.Int8, [batches, height, width, inDepth], null, [inputScale], [random.Next(-128, 128)]);
            bool perChannel = random.Next(4) != 0;
            float[] filterScales = perChannel ? Scales(random, outDepth, 0.001f, 0.05f) : [Scale(random, 0.001f, 0.05f)];
            int filter = m.Tensor(TensorType.Int8, [1, filterHeight, filterWidth, outDepth],
                RandomBytes(random, filterHeight * filterWidth * outDepth), filterScales, new long[filterScales.Length], 3);
            var inputs = new List<int> { input, filter };
            if (random.Next(4) != 0) inputs.Add(m.Tensor(TensorType.Int32, [outDepth], Bias(random, outDepth), [inputScale * filterScales[0]], [0]));
            int output = m.Tensor(TensorType.Int8, [batches, outHeight, outWidth, outDepth], null,
                [OutputScale(random, inputScale, filterScales[0], filterHeight * filterWidth)], [random.Next(-128, 128)]);
            var options = new Table().Byte(0, padding).Int(1, strideW).Int(2, strideH).Int(3, multiplier)
                .Byte(4, Activations[random.Next(4)]).Int(5, dilationW).Int(6, dilationH);
            byte[] model = m.Build(DepthwiseCode, [.. inputs], [output], 2, options, [input], [output]);
            CompareWithReference(model, random,
                $"case {i}: DWCONV {batches}x{height}x{width}x{inDepth} x{multiplier} filter {filterHeight}x{filterWidth} stride {strideH},{strideW} dilation {dilationH},{dilationW} padding {padding}");
        }
    }

    [Fact]
    public void FloatKernelsMatchReference()
    {
        var random = new Random(4004);
        int cases = Cases(300);
        for (int i = 0; i < cases; i++)
        {
            int kind = i % 3;
            int height = random.Next(1, 10), width = random.Next(1, 10), inDepth = random.Next(1, 20), outDepth = random.Next(1, 20);
            int filterHeight = random.Next(1, 5), filterWidth = random.Next(1, 5), stride = random.Next(1, 3), dilation = random.Next(4) == 0 ? 2 : 1;
            byte padding = (byte)random.Next(2), activation = Activations[random.Next(4)];
            int outHeight = OutputSize(padding, height, filterHeight, stride, dilation), outWidth = OutputSize(padding, width, filterWidth, stride, dilation);
            if (kind != 2 && (outHeight <= 0 || outWidth <= 0)) { i--; continue; }
            var m = new SingleOpModel();
            byte[] model;
            string description;
            if (kind == 0)
            {
                int input = m.Tensor(TensorType.Float32, [1, height, width, inDepth]);
                int filter = m.Tensor(TensorType.Float32, [outDepth, filterHeight, filterWidth, inDepth], Floats(random, outDepth * filterHeight * filterWidth * inDepth));
                int bias = m.Tensor(TensorType.Float32, [outDepth], Floats(random, outDepth));
                int output = m.Tensor(TensorType.Float32, [1, outHeight, outWidth, outDepth]);
                var options = new Table().Byte(0, padding).Int(1, stride).Int(2, stride).Byte(3, activation).Int(4, dilation).Int(5, dilation);
                model = m.Build(Conv2DCode, [input, filter, bias], [output], 1, options, [input], [output]);
                description = $"case {i}: float CONV {height}x{width}x{inDepth} filter {outDepth}x{filterHeight}x{filterWidth}";
            }
            else if (kind == 1)
            {
                int multiplier = random.Next(3) == 0 ? random.Next(2, 5) : 1, channels = inDepth * multiplier;
                int input = m.Tensor(TensorType.Float32, [1, height, width, inDepth]);
                int filter = m.Tensor(TensorType.Float32, [1, filterHeight, filterWidth, channels], Floats(random, filterHeight * filterWidth * channels));
                int bias = m.Tensor(TensorType.Float32, [channels], Floats(random, channels));
                int output = m.Tensor(TensorType.Float32, [1, outHeight, outWidth, channels]);
                var options = new Table().Byte(0, padding).Int(1, stride).Int(2, stride).Int(3, multiplier).Byte(4, activation).Int(5, dilation).Int(6, dilation);
                model = m.Build(DepthwiseCode, [input, filter, bias], [output], 2, options, [input], [output]);
                description = $"case {i}: float DWCONV {height}x{width}x{inDepth} x{multiplier} filter {filterHeight}x{filterWidth}";
            }
            else
            {
                int batches = random.Next(1, 3), depth = random.Next(1, 300);
                int input = m.Tensor(TensorType.Float32, [batches, depth]);
                int weights = m.Tensor(TensorType.Float32, [outDepth, depth], Floats(random, outDepth * depth));
                int bias = m.Tensor(TensorType.Float32, [outDepth], Floats(random, outDepth));
                int output = m.Tensor(TensorType.Float32, [batches, outDepth]);
                model = m.Build(FullyConnectedCode, [input, weights, bias], [output], 8, new Table().Byte(0, activation), [input], [output]);
                description = $"case {i}: float FC {batches}x{depth} units {outDepth}";
            }
            // Depthwise keeps the reference's order of additions (exact); the dot products sum in another order.
            CompareWithReference(model, random, description, kind == 1 ? 0 : 1e-5);
        }
    }

    [Fact]
    public void FloatConvWithInfiniteWeightsMatchesReferenceAtPaddedTaps()
    {
        // The reference skips taps outside the input; a fast path that multiplied padding zeros by an infinite
        // weight would turn the border outputs into NaN.
        var random = new Random(4242);
        var m = new SingleOpModel();
        var weights = new float[2 * 3 * 3 * 2];
        for (int i = 0; i < weights.Length; i++) weights[i] = random.NextSingle() - 0.5f;
        weights[0] = float.PositiveInfinity;
        weights[9] = float.NegativeInfinity;
        int input = m.Tensor(TensorType.Float32, [1, 5, 5, 2]);
        int filter = m.Tensor(TensorType.Float32, [2, 3, 3, 2], MemoryMarshal.AsBytes(weights.AsSpan()).ToArray());
        int output = m.Tensor(TensorType.Float32, [1, 5, 5, 2]);
        var options = new Table().Byte(0, 0).Int(1, 1).Int(2, 1).Byte(3, 0).Int(4, 1).Int(5, 1);
        byte[] model = m.Build(Conv2DCode, [input, filter], [output], 1, options, [input], [output]);
        CompareWithReference(model, random, "float CONV with infinite weights", 1e-5);
    }

    private static byte[] Floats(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = random.NextSingle() * 2 - 1;
        return MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
    }

    [Fact]
    public void MaxPool2DInt8MatchesReference()
    {
        var random = new Random(5005);
        int cases = Cases(600);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 12), depth = random.Next(1, 40);
            int filterHeight = random.Next(1, 5), filterWidth = random.Next(1, 5), strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            byte padding = (byte)random.Next(2);
            int outHeight = OutputSize(padding, height, filterHeight, strideH, 1), outWidth = OutputSize(padding, width, filterWidth, strideW, 1);
            if (outHeight <= 0 || outWidth <= 0) { i--; continue; }
            var m = new SingleOpModel();
            float scale = Scale(random, 0.005f, 0.1f);
            long zeroPoint = random.Next(-128, 128);
            int input = m.Tensor(TensorType.Int8, [batches, height, width, depth], null, [scale], [zeroPoint]);
            int output = m.Tensor(TensorType.Int8, [batches, outHeight, outWidth, depth], null, [scale], [zeroPoint]);
            var options = new Table().Byte(0, padding).Int(1, strideW).Int(2, strideH).Int(3, filterWidth).Int(4, filterHeight).Byte(5, Activations[random.Next(4)]);
            byte[] model = m.Build(MaxPoolCode, [input], [output], 5, options, [input], [output]);
            CompareWithReference(model, random, $"case {i}: MAX_POOL {batches}x{height}x{width}x{depth} window {filterHeight}x{filterWidth} stride {strideH},{strideW} padding {padding}");
        }
    }
}
