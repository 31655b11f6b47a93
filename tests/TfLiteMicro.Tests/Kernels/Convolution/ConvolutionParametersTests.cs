using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Kernels.Convolution;

/// <summary>What the convolution family's shared Prepare keeps and what it rejects.</summary>
public class ConvolutionParametersTests
{
    private const int Channels = 32;

    /// <summary>An int8 CONV_2D (3x3 over 8x8x4 input, 32 filters) with one filter scale or one per output channel.</summary>
    private static byte[] Conv(bool perChannel, int strideH = 1)
    {
        var m = new OperatorModel();
        int input = m.Input(TensorType.Int8, [1, 8, 8, 4], Quant.PerTensor(0.05f, 3));
        float[] scales = perChannel ? [.. Enumerable.Range(0, Channels).Select(c => 0.01f + c * 0.0005f)] : [0.02f];
        var weights = new byte[Channels * 3 * 3 * 4];
        new Random(14).NextBytes(weights);
        int filter = m.Constant(TensorType.Int8, [Channels, 3, 3, 4], weights, Quant.PerChannel(scales, 0));
        m.Output(TensorType.Int8, [1, 8, 8, Channels], Quant.PerTensor(0.1f, -2));
        return m.Build(BuiltinOperator.Conv2D, [input, filter], OperatorOptions.Conv2D(PaddingKind.Same, 1, strideH));
    }

    private static int PersistentBytes(byte[] model, bool referenceKernels)
    {
        using var interpreter = new MicroInterpreter(Model.Load(model), OpResolver.WithAllBuiltins(), ArenaPoison.New(1 << 20),
            new InterpreterOptions { UseReferenceKernels = referenceKernels });
        interpreter.AllocateTensors();
        return interpreter.ArenaUsage.PersistentBytes;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PerTensorScaleKeepsOneMultiplierAndShift(bool referenceKernels)
    {
        int perTensor = PersistentBytes(Conv(perChannel: false), referenceKernels);
        int perChannel = PersistentBytes(Conv(perChannel: true), referenceKernels);
        // 31 fewer multipliers and shifts (up to the arena's 16-byte alignment of each buffer).
        Assert.True(perChannel - perTensor >= 2 * (Channels - 1) * sizeof(int) - 16, $"per-tensor {perTensor} B, per-channel {perChannel} B");
    }

    [Fact]
    public void WindowPositionsBeyond32BitsAreRejectedByName()
    {
        var m = new OperatorModel();
        int input = m.Input(TensorType.Float32, [1, 4, 4, 1]);
        int filter = m.Constant(TensorType.Float32, [1, 1, 1, 1], new float[] { 1f });
        m.Output(TensorType.Float32, [1, 4, 4, 1]);
        byte[] model = m.Build(BuiltinOperator.Conv2D, [input, filter], OperatorOptions.Conv2D(PaddingKind.Valid, 1, int.MaxValue / 2));
        using var interpreter = new MicroInterpreter(Model.Load(model), OpResolver.WithAllBuiltins(), ArenaPoison.New(1 << 16));
        var error = Assert.ThrowsAny<TfLiteMicroException>(interpreter.AllocateTensors);
        Assert.Contains("beyond 32-bit arithmetic", error.Message);
    }
}
