using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling.Compression;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Compression;

/// <summary>
/// Invoking a compressed model allocates no managed memory: decompression into the planned buffers, DECODE, the
/// application's decompression memory, and a profiler that also times decompression.
/// </summary>
public sealed class CompressedZeroAllocationTests
{
    private sealed class CountingProfiler : IInvokeProfiler, IDecompressionProfiler
    {
        public long Operators, Decompressions;
        public void BeginOperator(int subgraph, int operatorIndex, OperatorCode code) => Operators++;
        public void EndOperator(int subgraph, int operatorIndex, OperatorCode code) { }
        public void BeginDecompression(int subgraph, int operatorIndex, int tensorIndex) => Decompressions++;
        public void EndDecompression(int subgraph, int operatorIndex, int tensorIndex) { }
    }

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (string name in new[] { "person_detect (4 bits)", "micro_speech_lut5", "micro_speech_decode_lut3", "conv_i8_0_lut2", "fc_f32_0_lut3" })
        {
            data.Add(name, false);
            data.Add(name, true);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void InvokeAllocatesNothing(string name, bool decompressionMemory)
    {
        byte[] bytes;
        if (name.StartsWith("person_detect", StringComparison.Ordinal))
        {
            Model original = Model.Load(SharedData.ReadModel("person_detect"));
            bytes = LutCompressor.Compress(original, LutCompressor.ChooseTensors(original, 4)).Model;
        }
        else
        {
            bytes = File.ReadAllBytes(SharedData.Path("golden", "compression", name, "model.tflite"));
        }
        var profiler = new CountingProfiler();
        var options = new InterpreterOptions
        {
            Profiler = profiler,
            DecompressionMemory = decompressionMemory ? [new byte[32 * 1024], new byte[128 * 1024]] : null,
        };
        using var interpreter = new MicroInterpreter(Model.Load(bytes), GoldenRunner.FullResolver().AddDecode(), new byte[1 << 20], options);
        interpreter.AllocateTensors();
        Assert.Equal(decompressionMemory, interpreter.DecompressionMemoryUsedBytes > 0);
        for (int round = 0; round < 20; round++)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) interpreter.Invoke();
            if (GC.GetAllocatedBytesForCurrentThread() == start && round >= 2) break;
            Thread.Sleep(50);
        }
        long decompressions = profiler.Decompressions;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++) interpreter.Invoke();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        // Decompressed in every Invoke from the arena; from decompression memory with room, once only.
        if (!name.Contains("decode", StringComparison.Ordinal) && !decompressionMemory)
            Assert.True(profiler.Decompressions > decompressions, "the profiler saw no decompression");
    }
}
