using System.Runtime.InteropServices;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Interpreter;

/// <summary>Models over native memory, arenas over native memory, and the profiler hook.</summary>
public sealed class ProfilerAndMemoryTests
{
    private sealed class CountingProfiler : IInvokeProfiler
    {
        public int Begins, Ends;
        public readonly List<string> Ops = [];

        public void BeginOperator(int subgraph, int operatorIndex, OperatorCode code)
        {
            Begins++;
            Ops.Add($"{subgraph}:{operatorIndex}:{code.Name}");
        }

        public void EndOperator(int subgraph, int operatorIndex, OperatorCode code) => Ends++;
    }

    [SkippableFact]
    public unsafe void ModelAndArenaCanLiveInNativeMemory()
    {
        byte[] bytes = SharedData.ReadModel("hello_world_int8");
        byte* modelMemory = (byte*)NativeMemory.Alloc((nuint)bytes.Length);
        byte* arenaMemory = (byte*)NativeMemory.AlignedAlloc(4096, 16);
        try
        {
            bytes.CopyTo(new Span<byte>(modelMemory, bytes.Length));
            Model model = Model.LoadUnmanaged(modelMemory, bytes.Length);
            var arena = new NativeArena(arenaMemory, 4096);
            using var interpreter = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), arena.Memory);
            interpreter.AllocateTensors();
            interpreter.Input(0).AsSpan<sbyte>()[0] = 10;
            interpreter.Invoke();

            using var managed = new MicroInterpreter(Model.Load(bytes), OpResolver.WithAllBuiltins(), new byte[4096]);
            managed.AllocateTensors();
            managed.Input(0).AsSpan<sbyte>()[0] = 10;
            managed.Invoke();
            Assert.Equal(managed.Output(0).AsReadOnlySpan<sbyte>()[0], interpreter.Output(0).AsReadOnlySpan<sbyte>()[0]);
        }
        finally
        {
            NativeMemory.Free(modelMemory);
            NativeMemory.AlignedFree(arenaMemory);
        }
    }

    [SkippableFact]
    public void ProfilerSeesEveryOperatorOnce()
    {
        Model model = Model.Load(SharedData.ReadModel("hello_world_float"));
        var profiler = new CountingProfiler();
        using var interpreter = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), new byte[4096], new InterpreterOptions { Profiler = profiler });
        interpreter.AllocateTensors();
        interpreter.Invoke();
        Assert.Equal(3, profiler.Begins);
        Assert.Equal(3, profiler.Ends);
        Assert.Equal(["0:0:FULLY_CONNECTED", "0:1:FULLY_CONNECTED", "0:2:FULLY_CONNECTED"], profiler.Ops);
    }
}
