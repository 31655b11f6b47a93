using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Interpreter;

/// <summary>Invoke (with or without a cancellation token) allocates no managed memory: measured over 1,000 invokes of every whole model.</summary>
public sealed class ZeroAllocationTests
{
    public static TheoryData<string> Models() => new()
    {
        "hello_world_int8", "hello_world_float", "simple_add_model", "micro_speech_quantized", "person_detect",
        "keyword_scrambled", "keyword_scrambled_8bit", "trained_lstm", "trained_lstm_int8",
        "audio_preprocessor_int8", "audio_preprocessor_float",
    };

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void InvokeAllocatesNothing(string modelName) => CheckAllocatesNothing(modelName, interpreter => interpreter.Invoke());

    private static readonly CancellationTokenSource s_live = new();

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void InvokeWithACancellationTokenAllocatesNothing(string modelName)
        => CheckAllocatesNothing(modelName, interpreter => interpreter.Invoke(s_live.Token));

    private static void CheckAllocatesNothing(string modelName, Action<MicroInterpreter> invoke)
    {
        Model model = Model.Load(SharedData.ReadModel(modelName));
        OpResolver resolver = GoldenRunner.FullResolver();
        GoldenRunner.AssertAllKernels(model, resolver, modelName);
        using var interpreter = new MicroInterpreter(model, resolver, ArenaPoison.New(1 << 20));
        interpreter.AllocateTensors();
        int iterations = model.Subgraphs[0].Operators.Count > 20 ? 50 : 1000; // person_detect is slow in the reference kernels
        // Warm up until the JIT's tiering has settled: compiling and re-compiling methods allocates, the kernels do not.
        for (int round = 0; round < 20; round++)
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) invoke(interpreter);
            if (GC.GetAllocatedBytesForCurrentThread() == start && round >= 2) break;
            Thread.Sleep(50);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < iterations; i++) invoke(interpreter);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}
