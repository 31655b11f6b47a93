using TfLiteMicro.Tests.Kernels.MatMul;

namespace TfLiteMicro.Tests.Memory;

/// <summary>The matrix products keep their parameters small: per-tensor quantization keeps nothing per channel.</summary>
public sealed class MatMulArenaTests
{
    /// <summary>TFLM's arena_used_bytes for MLPerf Tiny's ad01_int8, the model this stack is shaped like.</summary>
    private const int TflmAnomalyDetectionArena = 3424;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PerTensorFullyConnectedStackFitsTflmArena(bool referenceKernels)
    {
        byte[] model = AnomalyDetectionModel.Build(new Random(16));
        using var interpreter = new MicroInterpreter(Model.Load(model), OpResolver.WithAllBuiltins(), new byte[64 * 1024],
            new InterpreterOptions { UseReferenceKernels = referenceKernels });
        interpreter.AllocateTensors();
        // The two largest activations (640 + 128 bytes) are alive together. Nothing per channel is kept, except that
        // where the 8-bit dot products pay for it, the first layer (input zero point other than -128) keeps its folded
        // bias: 4 bytes for each of its 128 outputs.
        Assert.Equal(768, interpreter.ArenaUsage.PlannedBytes);
        Assert.True(interpreter.ArenaUsage.PersistentBytes <= (referenceKernels ? 0 : 4 * 128),
            $"{interpreter.ArenaUsage.PersistentBytes} persistent bytes");
        Assert.True(interpreter.ArenaUsedBytes <= TflmAnomalyDetectionArena,
            $"arena {interpreter.ArenaUsedBytes} B exceeds TFLM's {TflmAnomalyDetectionArena} B");
    }
}
