using TfLiteMicro.Fuzz;
using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Tests.Hostile;

/// <summary>
/// Minimal models, written with the project's <see cref="ModelBuilder"/>, for each class of problem the differential and
/// coverage-guided fuzzing found: each runs with both kernel sets (<see cref="Differential"/>) and must be rejected by
/// both with the named error expected, or run on both with the same outputs.
/// </summary>
public sealed class HostileRegressionTests
{
    private static Outcome Run(byte[] model)
    {
        using var differential = new Differential(model.Length + 64);
        return differential.Run(model);
    }

    private static void ExpectRejected(byte[] model, string type, string fragment)
    {
        Outcome outcome = Run(model);
        Assert.True(outcome.Kind == OutcomeKind.RejectedByBoth, $"{outcome.Kind}: {outcome.Detail}");
        Assert.Contains(type, outcome.Detail);
        Assert.Contains(fragment, outcome.Detail);
    }

    private static QuantizationParameters Quant(float scale, long zeroPoint) => new([scale], [zeroPoint], 0);

    /// <summary>One operator over float tensors [4]: inputs 0..n-1 are graph inputs, the last tensor is the output unless told.</summary>
    private static byte[] Elementwise(BuiltinOperator op, Func<SubgraphBuilder, (int[] Inputs, int[] Outputs)> wire, OperatorOptions? options = null)
    {
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph("main");
        (int[] inputs, int[] outputs) = wire(graph);
        graph.AddOperator(op, inputs, outputs, options);
        graph.SetInputs(inputs.Where(i => !outputs.Contains(i)).Distinct().ToArray());
        graph.SetOutputs(outputs);
        return builder.Build();
    }

    [Fact]
    public void AnOperatorWritingItsOwnInputIsRejected()
        => ExpectRejected(Elementwise(BuiltinOperator.Add, g =>
        {
            int a = g.AddTensor("a", TensorType.Float32, [4]), b = g.AddTensor("b", TensorType.Float32, [4]);
            return ([a, b], [a]);
        }, OperatorOptions.Add()), "KernelException", "also one of its own inputs");

    [Fact]
    public void ATensorWrittenByTwoOperatorsIsRejected()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph("main");
        int a = graph.AddTensor("a", TensorType.Float32, [4]), b = graph.AddTensor("b", TensorType.Float32, [4]);
        int c = graph.AddTensor("c", TensorType.Float32, [4]);
        graph.AddOperator(BuiltinOperator.Add, [a, b], [c], OperatorOptions.Add());
        graph.AddOperator(BuiltinOperator.Mul, [a, b], [c], OperatorOptions.Mul());
        graph.SetInputs(a, b);
        graph.SetOutputs(c);
        ExpectRejected(builder.Build(), "KernelException", "already written by operator 0");
    }

    [Fact]
    public void AnOperatorReadingATensorALaterOneWritesIsRejected()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder graph = builder.AddSubgraph("main");
        int a = graph.AddTensor("a", TensorType.Float32, [4]), b = graph.AddTensor("b", TensorType.Float32, [4]);
        int c = graph.AddTensor("c", TensorType.Float32, [4]), d = graph.AddTensor("d", TensorType.Float32, [4]);
        graph.AddOperator(BuiltinOperator.Add, [c, b], [d], OperatorOptions.Add());
        graph.AddOperator(BuiltinOperator.Add, [a, b], [c], OperatorOptions.Add());
        graph.SetInputs(a, b);
        graph.SetOutputs(d);
        ExpectRejected(builder.Build(), "KernelException", "which runs later");
    }

    [Fact]
    public void AnOperatorWritingAConstantIsRejected()
        => ExpectRejected(Elementwise(BuiltinOperator.Add, g =>
        {
            int a = g.AddTensor("a", TensorType.Float32, [4]);
            int k = g.AddConstant<float>("k", TensorType.Float32, [4], [1, 2, 3, 4]);
            return ([a, a], [k]);
        }, OperatorOptions.Add()), "KernelException", "is a constant of the model");

    [Theory]
    [InlineData(TensorType.Int8, -640)]
    [InlineData(TensorType.Int8, 128)]
    [InlineData(TensorType.Int16, 40000)]
    public void AZeroPointOutsideItsTypeIsRejectedAtLoad(TensorType type, long zeroPoint)
        => ExpectRejected(Elementwise(BuiltinOperator.Add, g =>
        {
            int a = g.AddTensor("a", type, [4], Quant(0.5f, zeroPoint)), b = g.AddTensor("b", type, [4], Quant(0.5f, 0));
            int c = g.AddTensor("c", type, [4], Quant(0.5f, 0));
            return ([a, b], [c]);
        }, OperatorOptions.Add()), "InvalidModelException", $"zero point {zeroPoint} is outside");

    [Theory]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NaN)]
    public void ANonFiniteScaleIsRejectedAtLoad(float scale)
        => ExpectRejected(Elementwise(BuiltinOperator.Relu, g =>
        {
            int a = g.AddTensor("a", TensorType.Int8, [4], Quant(scale, 0)), b = g.AddTensor("b", TensorType.Int8, [4], Quant(0.5f, 0));
            return ([a], [b]);
        }), "InvalidModelException", "is not a finite number");

    [Fact]
    public void ZeroScalesGiveANamedErrorWhereTheyBecomeAMultiplier()
        => ExpectRejected(Elementwise(BuiltinOperator.Relu, g =>
        {
            int a = g.AddTensor("a", TensorType.Int8, [4], Quant(0f, 0)), b = g.AddTensor("b", TensorType.Int8, [4], Quant(0f, 0));
            return ([a], [b]);
        }), "KernelException", "RELU");

    [Fact]
    public void MultipliersBeyondTheFixedPointRangeSaturateAsTflmDoes()
    {
        Assert.Equal((int.MaxValue, 30), FixedPoint.QuantizeMultiplier(1e20));
        Assert.Equal((0, 0), FixedPoint.QuantizeMultiplier(1e-20));
        var e = Assert.Throws<KernelException>(() => FixedPoint.QuantizeMultiplier(double.PositiveInfinity));
        Assert.Contains("must be finite", e.Message);
    }

    [Fact]
    public void ZeroElementsWithAHugeDimensionCostNothing()
    {
        // ADD over [2^30, 0, 3]: no elements, but loops over the first dimension would spin a billion times.
        Outcome outcome = Run(Elementwise(BuiltinOperator.Add, g =>
        {
            int a = g.AddTensor("a", TensorType.Float32, [1 << 30, 0, 3]), b = g.AddTensor("b", TensorType.Float32, [1 << 30, 0, 3]);
            int c = g.AddTensor("c", TensorType.Float32, [1 << 30, 0, 3]);
            return ([a, b], [c]);
        }, OperatorOptions.Add()));
        Assert.Equal(OutcomeKind.Equal, outcome.Kind);
    }

    [Fact]
    public void PaddingPastTheInt32RangeIsRejected()
        => ExpectRejected(Elementwise(BuiltinOperator.Pad, g =>
        {
            int a = g.AddTensor("a", TensorType.Float32, [2, 2]);
            int pads = g.AddConstant<int>("pads", TensorType.Int32, [2, 2], [0, 0, int.MaxValue - 1, 1]);
            int b = g.AddTensor("b", TensorType.Float32, [2, 2]);
            return ([a, pads], [b]);
        }), "KernelException", "larger than a tensor can hold");

    [Fact]
    public void AMirrorPadOutputOfGigabytesIsRejectedWithoutAllocatingIt()
    {
        byte[] model = Elementwise(BuiltinOperator.MirrorPad, g =>
        {
            // 1 GB of int8 in, 3 GB out (SYMMETRIC mode, one element mirrored on each side of a dimension of one).
            int a = g.AddTensor("a", TensorType.Int8, [1, 0x20000000, 1, 2], Quant(0.5f, 0));
            int pads = g.AddConstant<int>("pads", TensorType.Int32, [4, 2], [0, 0, 0, 0, 1, 1, 0, 0]);
            int b = g.AddTensor("b", TensorType.Int8, [1, 1, 1, 1], Quant(0.5f, 0));
            return ([a, pads], [b]);
        }, OperatorOptions.MirrorPad(symmetric: true));
        using var differential = new Differential(model.Length + 64);
        Outcome outcome = differential.Run(model);
        Assert.Equal(OutcomeKind.RejectedByBoth, outcome.Kind);
        Assert.Contains("more than a tensor can hold", outcome.Detail);
        Assert.True(differential.MostAllocated < 10 << 20, $"{differential.MostAllocated} bytes allocated");
    }

    [Fact]
    public void ABlockSizeWhoseSquareOverflowsIsRejected()
        => ExpectRejected(Elementwise(BuiltinOperator.DepthToSpace, g =>
        {
            int a = g.AddTensor("a", TensorType.Float32, [1, 2, 2, 4]), b = g.AddTensor("b", TensorType.Float32, [1, 4, 4, 1]);
            return ([a], [b]);
        }, OperatorOptions.DepthToSpace(1 << 30)), "KernelException", "not divisible by block size squared");

    /// <summary>CONV_2D float 1x1, stride 2 over width 8: the window gives 4 output columns.</summary>
    private static byte[] PointwiseConv(int outputWidth, int stride)
        => Elementwise(BuiltinOperator.Conv2D, g =>
        {
            int a = g.AddTensor("a", TensorType.Float32, [1, 1, 8, 2]);
            int w = g.AddConstant<float>("w", TensorType.Float32, [3, 1, 1, 2], [1, -2, 0.5f, 0.25f, -1, 3]);
            int bias = g.AddConstant<float>("bias", TensorType.Float32, [3], [0.1f, -0.2f, 0.3f]);
            int b = g.AddTensor("b", TensorType.Float32, [1, 1, outputWidth, 3]);
            return ([a, w, bias], [b]);
        }, OperatorOptions.Conv2D(PaddingKind.Valid, stride, 1));

    [Fact]
    public void AConvolutionWhoseOutputWidthDiffersFromItsWindowRunsTheReferenceLoopsOnBothKernelSets()
    {
        // TFLM accepts an output extent that differs from the window's and pads from the computed one.
        Assert.Equal(OutcomeKind.Equal, Run(PointwiseConv(outputWidth: 6, stride: 2)).Kind);
        Assert.Equal(OutcomeKind.Equal, Run(PointwiseConv(outputWidth: 4, stride: 2)).Kind);
    }

    [Fact]
    public void AStrideReachingPastTheInt32RangeIsRejected()
        => ExpectRejected(PointwiseConv(outputWidth: 4, stride: 0x40000001), "KernelException", "beyond 32-bit arithmetic");

    [Fact]
    public void ADilationReachingPastTheInt32RangeIsRejected()
        => ExpectRejected(Elementwise(BuiltinOperator.DepthwiseConv2D, g =>
        {
            int a = g.AddTensor("a", TensorType.Float32, [1, 3, 3, 1]);
            int w = g.AddConstant<float>("w", TensorType.Float32, [1, 2, 2, 1], [1, 2, 3, 4]);
            int b = g.AddTensor("b", TensorType.Float32, [1, 3, 3, 1]);
            return ([a, w], [b]);
        }, OperatorOptions.DepthwiseConv2D(0, 1, 1, 1, dilationW: int.MaxValue)), "KernelException", "beyond 32-bit arithmetic");
}
