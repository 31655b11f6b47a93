using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;
using static TfLiteMicro.Tests.Kernels.PropertyTestSupport;

namespace TfLiteMicro.Tests.Kernels.Optimized;

/// <summary>
/// The optimized kernels give exactly the reference kernels' bytes: random single-op models (shapes, strides,
/// dilations, paddings, zero points, per-channel scales, activations), run once with the reference kernels and once
/// per instruction-set level this processor has. TFLM_PROPERTY_CASES sets the number of cases per op.
/// </summary>
public sealed class OptimizedKernelPropertyTests
{
    [Fact]
    public void FullyConnectedInt8MatchesReference()
    {
        var random = new Random(1001);
        int cases = FastPath.Cases(600);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 4), depth = random.Next(1, 300), units = random.Next(1, 40);
            bool perChannel = random.Next(2) == 0;
            var m = new OperatorModel();
            float inputScale = Scale(random, 0.005f, 0.1f);
            int input = m.Input(TensorType.Int8, [batches, depth], Quant.PerTensor(inputScale, random.Next(-128, 128)));
            float[] weightScales = perChannel ? Scales(random, units, 0.001f, 0.05f) : [Scale(random, 0.001f, 0.05f)];
            long[] weightZeros = perChannel ? new long[units] : [random.Next(4) == 0 ? random.Next(-20, 21) : 0];
            int weights = m.Constant(TensorType.Int8, [units, depth], RandomBytes(random, units * depth), Quant.PerChannel(weightScales, 0, weightZeros));
            var inputs = new List<int> { input, weights };
            if (random.Next(4) != 0) inputs.Add(m.Constant(TensorType.Int32, [units], Bias(random, units), Quant.PerTensor(inputScale * weightScales[0])));
            m.Output(TensorType.Int8, [batches, units], Quant.PerTensor(OutputScale(random, inputScale, weightScales[0], depth), random.Next(-128, 128)));
            byte[] model = m.Build(BuiltinOperator.FullyConnected, [.. inputs], OperatorOptions.FullyConnected(RandomActivation(random)));
            FastPath.AssertMatchesReference(model, random, $"case {i}: FC batches {batches} depth {depth} units {units} per-channel {perChannel}");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Conv2DInt8MatchesReference(bool pointwise)
    {
        var random = new Random(pointwise ? 2003 : 2002);
        int cases = FastPath.Cases(pointwise ? 300 : 600);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 12);
            int inDepth = random.Next(1, 24), outDepth = random.Next(1, 24);
            int filterHeight = random.Next(1, 6), filterWidth = random.Next(1, 6);
            int strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            int dilationH = random.Next(4) == 0 ? random.Next(2, 4) : 1, dilationW = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            PaddingKind padding = RandomPadding(random);
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
            var g = new ConvGeometry(batches, height, width, inDepth, outDepth, filterHeight, filterWidth, strideH, strideW, dilationH, dilationW, padding);
            if (!g.HasOutput) { i--; continue; }
            FastPath.AssertMatchesReference(ConvolutionModels.Int8(random, g, depthwise: false), random, $"case {i}: CONV {g}");
        }
    }

    [Fact]
    public void DepthwiseConv2DInt8MatchesReference()
    {
        var random = new Random(3003);
        int cases = FastPath.Cases(600);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 12);
            int inDepth = random.Next(1, 40), multiplier = random.Next(3) == 0 ? random.Next(2, 4) : 1;
            int outDepth = inDepth * multiplier;
            int filterHeight = random.Next(1, 6), filterWidth = random.Next(1, 6);
            int strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            int dilationH = random.Next(4) == 0 ? random.Next(2, 4) : 1, dilationW = random.Next(4) == 0 ? random.Next(2, 4) : 1;
            PaddingKind padding = RandomPadding(random);
            var g = new ConvGeometry(batches, height, width, inDepth, outDepth, filterHeight, filterWidth, strideH, strideW, dilationH, dilationW, padding, multiplier);
            if (!g.HasOutput) { i--; continue; }
            FastPath.AssertMatchesReference(ConvolutionModels.Int8(random, g, depthwise: true), random, $"case {i}: DWCONV {g}");
        }
    }

    [Fact]
    public void FloatKernelsMatchReference()
    {
        var random = new Random(4004);
        int cases = FastPath.Cases(300);
        for (int i = 0; i < cases; i++)
        {
            int kind = i % 3;
            int height = random.Next(1, 10), width = random.Next(1, 10), inDepth = random.Next(1, 20), outDepth = random.Next(1, 20);
            int filterHeight = random.Next(1, 5), filterWidth = random.Next(1, 5), stride = random.Next(1, 3), dilation = random.Next(4) == 0 ? 2 : 1;
            PaddingKind padding = RandomPadding(random);
            FusedActivation activation = RandomActivation(random);
            int outHeight = OutputSize(padding, height, filterHeight, stride, dilation), outWidth = OutputSize(padding, width, filterWidth, stride, dilation);
            if (kind != 2 && (outHeight <= 0 || outWidth <= 0)) { i--; continue; }
            var m = new OperatorModel();
            byte[] model;
            string description;
            if (kind == 0)
            {
                int input = m.Input(TensorType.Float32, [1, height, width, inDepth]);
                int filter = m.Constant(TensorType.Float32, [outDepth, filterHeight, filterWidth, inDepth], Floats(random, outDepth * filterHeight * filterWidth * inDepth));
                int bias = m.Constant(TensorType.Float32, [outDepth], Floats(random, outDepth));
                m.Output(TensorType.Float32, [1, outHeight, outWidth, outDepth]);
                model = m.Build(BuiltinOperator.Conv2D, [input, filter, bias], OperatorOptions.Conv2D(padding, stride, stride, activation, dilation, dilation));
                description = $"case {i}: float CONV {height}x{width}x{inDepth} filter {outDepth}x{filterHeight}x{filterWidth}";
            }
            else if (kind == 1)
            {
                int multiplier = random.Next(3) == 0 ? random.Next(2, 5) : 1, channels = inDepth * multiplier;
                int input = m.Input(TensorType.Float32, [1, height, width, inDepth]);
                int filter = m.Constant(TensorType.Float32, [1, filterHeight, filterWidth, channels], Floats(random, filterHeight * filterWidth * channels));
                int bias = m.Constant(TensorType.Float32, [channels], Floats(random, channels));
                m.Output(TensorType.Float32, [1, outHeight, outWidth, channels]);
                model = m.Build(BuiltinOperator.DepthwiseConv2D, [input, filter, bias],
                    OperatorOptions.DepthwiseConv2D(padding, stride, stride, multiplier, activation, dilation, dilation));
                description = $"case {i}: float DWCONV {height}x{width}x{inDepth} x{multiplier} filter {filterHeight}x{filterWidth}";
            }
            else
            {
                int batches = random.Next(1, 3), depth = random.Next(1, 300);
                int input = m.Input(TensorType.Float32, [batches, depth]);
                int weights = m.Constant(TensorType.Float32, [outDepth, depth], Floats(random, outDepth * depth));
                int bias = m.Constant(TensorType.Float32, [outDepth], Floats(random, outDepth));
                m.Output(TensorType.Float32, [batches, outDepth]);
                model = m.Build(BuiltinOperator.FullyConnected, [input, weights, bias], OperatorOptions.FullyConnected(activation));
                description = $"case {i}: float FC {batches}x{depth} units {outDepth}";
            }
            // Depthwise keeps the reference's order of additions (exact); the dot products sum in another order.
            FastPath.AssertMatchesReference(model, random, description, floatTolerance: kind == 1 ? 0 : 1e-5);
        }
    }

    [Fact]
    public void FloatConvWithInfiniteWeightsMatchesReferenceAtPaddedTaps()
    {
        // The reference skips taps outside the input; a fast path that multiplied padding zeros by an infinite
        // weight would turn the border outputs into NaN.
        var random = new Random(4242);
        var m = new OperatorModel();
        var weights = new float[2 * 3 * 3 * 2];
        for (int i = 0; i < weights.Length; i++) weights[i] = random.NextSingle() - 0.5f;
        weights[0] = float.PositiveInfinity;
        weights[9] = float.NegativeInfinity;
        int input = m.Input(TensorType.Float32, [1, 5, 5, 2]);
        int filter = m.Constant(TensorType.Float32, [2, 3, 3, 2], weights);
        m.Output(TensorType.Float32, [1, 5, 5, 2]);
        byte[] model = m.Build(BuiltinOperator.Conv2D, [input, filter], OperatorOptions.Conv2D(PaddingKind.Same, 1, 1));
        FastPath.AssertMatchesReference(model, random, "float CONV with infinite weights", floatTolerance: 1e-5);
    }

    [Fact]
    public void MaxPool2DInt8MatchesReference()
    {
        var random = new Random(5005);
        int cases = FastPath.Cases(600);
        for (int i = 0; i < cases; i++)
        {
            int batches = random.Next(1, 3), height = random.Next(1, 12), width = random.Next(1, 12), depth = random.Next(1, 40);
            int filterHeight = random.Next(1, 5), filterWidth = random.Next(1, 5), strideH = random.Next(1, 4), strideW = random.Next(1, 4);
            PaddingKind padding = RandomPadding(random);
            var g = new ConvGeometry(batches, height, width, depth, depth, filterHeight, filterWidth, strideH, strideW, 1, 1, padding);
            if (!g.HasOutput) { i--; continue; }
            FastPath.AssertMatchesReference(ConvolutionModels.Int8Pool(random, g, BuiltinOperator.MaxPool2D), random, $"case {i}: MAX_POOL {g}");
        }
    }
}
