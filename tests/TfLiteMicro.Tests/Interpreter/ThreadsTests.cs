using TfLiteMicro.Kernels;
using TfLiteMicro.Modeling;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Interpreter;

/// <summary>
/// InterpreterOptions.Threads: the worker threads are made once in AllocateTensors (only when a layer is split) and ended
/// by Dispose; an exception in a part run by a worker reaches the caller of Invoke as the same exception; with two
/// threads the outputs are those of one thread (the golden cases: ModelConformanceTests.MatchesTflmWithTwoThreads).
/// </summary>
public sealed class ThreadsTests
{
    private static MicroInterpreter PersonDetect(int threads, bool referenceKernels = false)
    {
        Model model = Model.Load(SharedData.ReadModel("person_detect"));
        var options = new InterpreterOptions { Threads = threads, UseReferenceKernels = referenceKernels };
        var interpreter = new MicroInterpreter(model, GoldenRunner.FullResolver(), ArenaPoison.New(1 << 20), options);
        interpreter.AllocateTensors();
        return interpreter;
    }

    [SkippableFact]
    public void Workers_start_in_AllocateTensors_and_end_with_Dispose()
    {
        MicroInterpreter interpreter = PersonDetect(threads: 2);
        Assert.Equal(2, interpreter.ThreadsInUse);
        WorkerPool pool = interpreter.Workers!;
        Assert.Equal(1, pool.LiveWorkers);
        interpreter.Invoke();
        interpreter.Invoke();
        Assert.Equal(1, pool.LiveWorkers);
        interpreter.Dispose();
        Assert.Equal(0, pool.LiveWorkers);
        Assert.Throws<ObjectDisposedException>(interpreter.Invoke);
        interpreter.Dispose(); // a second Dispose does nothing
    }

    [SkippableFact]
    public void Workers_block_while_the_interpreter_is_idle()
    {
        using MicroInterpreter interpreter = PersonDetect(threads: 2);
        WorkerPool pool = interpreter.Workers!;
        for (int round = 0; round < 3; round++)
        {
            interpreter.Invoke();
            // The worker spins for a few tens of microseconds after an Invoke, then blocks (allow for a loaded machine).
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (pool.BlockedWorkers != 1 && waited.ElapsedMilliseconds < 10_000) Thread.Sleep(1);
            Assert.Equal(1, pool.BlockedWorkers);
        }
    }

    [SkippableFact]
    public void Two_threads_give_the_bytes_of_one_on_random_inputs()
    {
        using MicroInterpreter one = PersonDetect(threads: 1), two = PersonDetect(threads: 2);
        Assert.Equal(1, one.ThreadsInUse);
        Assert.Equal(2, two.ThreadsInUse);
        var random = new Random(15);
        for (int round = 0; round < 3; round++)
        {
            random.NextBytes(one.Input(0).AsSpan<byte>());
            one.Input(0).AsReadOnlySpan<byte>().CopyTo(two.Input(0).AsSpan<byte>());
            two.Output(0).AsSpan<byte>().Fill(ArenaPoison.Fast);
            one.Invoke();
            two.Invoke();
            Assert.Equal(one.Output(0).AsReadOnlySpan<byte>().ToArray(), two.Output(0).AsReadOnlySpan<byte>().ToArray());
        }
    }

    [SkippableFact]
    public void No_thread_starts_without_a_layer_to_split()
    {
        using MicroInterpreter reference = PersonDetect(threads: 2, referenceKernels: true);
        Assert.Equal(1, reference.ThreadsInUse);
        Assert.Null(reference.Workers);

        Model model = Model.Load(SharedData.ReadModel("hello_world_int8"));
        using var small = new MicroInterpreter(model, GoldenRunner.FullResolver(), new byte[1 << 14], new InterpreterOptions { Threads = 2 });
        small.AllocateTensors();
        Assert.Equal(1, small.ThreadsInUse);
        Assert.Null(small.Workers);
    }

    [Fact]
    public void Fewer_than_one_thread_is_rejected()
    {
        byte[] model = ThrowingModel();
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new MicroInterpreter(Model.Load(model), Resolver(-1), new byte[4096], new InterpreterOptions { Threads = 0 }));
        Assert.Contains("Threads", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void An_exception_in_a_part_reaches_Invoke_as_it_was_thrown(int failingPart)
    {
        using var interpreter = new MicroInterpreter(Model.Load(ThrowingModel()), Resolver(failingPart), ArenaPoison.New(4096),
            new InterpreterOptions { Threads = 3 });
        interpreter.AllocateTensors();
        Assert.Equal(3, interpreter.ThreadsInUse);
        KernelException error = Assert.Throws<KernelException>(interpreter.Invoke);
        Assert.Contains($"part {failingPart} of 3 failed", error.Message, StringComparison.Ordinal);
        // Every part had finished before Invoke threw: the other parts wrote their bytes, and the pool still works.
        ReadOnlySpan<float> output = interpreter.Output(0).AsReadOnlySpan<float>();
        for (int part = 0; part < 3; part++) Assert.Equal(part == failingPart ? -1f : part, output[part]);
        Assert.Throws<KernelException>(interpreter.Invoke);
        Assert.Throws<KernelException>(interpreter.Invoke);
    }

    [Fact]
    public void Every_part_runs_once_whichever_thread_takes_it()
    {
        using var interpreter = new MicroInterpreter(Model.Load(ThrowingModel()), Resolver(-1), ArenaPoison.New(4096), new InterpreterOptions { Threads = 3 });
        interpreter.AllocateTensors();
        for (int round = 0; round < 100; round++)
        {
            interpreter.Output(0).AsSpan<float>().Fill(float.NaN);
            interpreter.Invoke();
            Assert.Equal([0f, 1f, 2f], interpreter.Output(0).AsReadOnlySpan<float>().Slice(0, 3).ToArray());
        }
    }

    private static OpResolver Resolver(int failingPart) => new OpResolver().AddCustom("PARTS", () => new PartsKernel(failingPart));

    private static byte[] ThrowingModel()
    {
        var builder = new ModelBuilder();
        SubgraphBuilder g = builder.AddSubgraph();
        int x = g.AddTensor("x", TensorType.Float32, [1, 4]);
        int y = g.AddTensor("y", TensorType.Float32, [1, 4]);
        g.AddCustomOperator("PARTS", [x], [y], ReadOnlySpan<byte>.Empty);
        g.SetInputs(x);
        g.SetOutputs(y);
        return builder.Build();
    }

    /// <summary>
    /// Three parts, each writing its number to its own output element; part <c>failingPart</c> throws instead. Whichever
    /// thread is free takes the next part, so the failing part runs on the calling thread or on a worker.
    /// </summary>
    private sealed class PartsKernel(int failingPart) : IKernel, IPartitionedKernel
    {
        public void Prepare(PrepareContext context) => context.UseThreads(3);

        public void Invoke(InvokeContext context) => context.RunParts(this, 3);

        public void InvokePart(InvokeContext context, int part, int parts)
        {
            if (part == failingPart)
            {
                context.Output<float>(0)[part] = -1f;
                throw context.Error($"part {part} of {parts} failed");
            }
            // Long enough that the other threads are still running when one fails.
            Thread.SpinWait(20_000);
            context.Output<float>(0)[part] = part;
        }
    }
}

/// <summary>Invoke with two threads allocates nothing, on the calling thread or on the workers.</summary>
public sealed class ThreadedAllocationTests
{
    [SkippableTheory]
    [InlineData("person_detect")]
    [InlineData("micro_speech_quantized")]
    public void Invoke_with_two_threads_allocates_nothing(string modelName)
    {
        Model model = Model.Load(SharedData.ReadModel(modelName));
        using var interpreter = new MicroInterpreter(model, GoldenRunner.FullResolver(), ArenaPoison.New(1 << 20), new InterpreterOptions { Threads = 2 });
        GoldenRunner.AllocateSplittingEveryLayer(interpreter);
        Assert.Equal(2, interpreter.ThreadsInUse);
        WorkerPool workers = interpreter.Workers!;
        // Warm up past tiered compilation; a rejit can still land inside a measured round on a loaded machine, so up to
        // three rounds are measured: an Invoke that allocates does so in every round.
        long callerBytes = -1, workerBytes = -1;
        for (int round = 0; round < 3 && (callerBytes != 0 || workerBytes != 0); round++)
        {
            for (int i = 0; i < 50; i++) interpreter.Invoke();
            long caller = GC.GetAllocatedBytesForCurrentThread(), worker = workers.WorkerAllocatedBytes;
            for (int i = 0; i < 20; i++) interpreter.Invoke();
            callerBytes = GC.GetAllocatedBytesForCurrentThread() - caller;
            workerBytes = workers.WorkerAllocatedBytes - worker;
        }
        Assert.True(callerBytes == 0 && workerBytes == 0,
            $"{modelName}: 20 Invokes allocated {callerBytes} bytes on the calling thread, {workerBytes} on the worker, in each of three rounds");
    }
}
