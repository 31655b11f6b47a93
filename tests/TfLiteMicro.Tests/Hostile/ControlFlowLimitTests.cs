using System.Diagnostics;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Hostile;

/// <summary>Subgraph nesting, WHILE iterations and cancellation: nothing a model does can run away with the caller's thread.</summary>
public sealed class ControlFlowLimitTests
{
    /// <summary>A model of ../shared/hostile, read on the test's own thread (where absent shared data skips the test).</summary>
    private static Model Load(string hostileModel) => Model.Load(File.ReadAllBytes(SharedData.Path("hostile", hostileModel)));

    private static MicroInterpreter Prepare(Model model, InterpreterOptions? options = null)
    {
        var interpreter = new MicroInterpreter(model, GoldenRunner.FullResolver(), new byte[1 << 20], options);
        interpreter.AllocateTensors();
        return interpreter;
    }

    [SkippableFact]
    public void CancellingAWhileWithAnEmptyBodyStopsItWithin100Milliseconds()
    {
        MicroInterpreter interpreter = Prepare(Load("while_constant_true_empty_body.tflite"));
        using var cancellation = new CancellationTokenSource();
        var stopped = new ManualResetEventSlim();
        var clock = Stopwatch.StartNew();
        TimeSpan stoppedAt = default;
        Exception? error = null;
        var worker = new Thread(() =>
        {
            try { interpreter.Invoke(cancellation.Token); }
            catch (Exception e) { error = e; }
            stoppedAt = clock.Elapsed;
            stopped.Set();
        });
        worker.Start();
        Thread.Sleep(200);
        Assert.False(stopped.IsSet, "the loop ended by itself");
        TimeSpan requestedAt = clock.Elapsed;
        cancellation.Cancel();
        Assert.True(stopped.Wait(TimeSpan.FromSeconds(10)), "Invoke did not stop after the cancellation");
        Assert.IsType<OperationCanceledException>(error);
        Assert.True(stoppedAt - requestedAt < TimeSpan.FromMilliseconds(100), $"stopped {(stoppedAt - requestedAt).TotalMilliseconds:F0} ms after the request");

        // The interpreter stays usable: a token already cancelled stops the next Invoke at once.
        Assert.Throws<OperationCanceledException>(() => interpreter.Invoke(cancellation.Token));
    }

    [SkippableFact]
    public void AWhileThatNeverEndsFailsAtTheIterationLimit()
    {
        MicroInterpreter interpreter = Prepare(Load("while_never_false.tflite"), new InterpreterOptions { MaxWhileIterations = 1000 });
        var e = Assert.Throws<KernelException>(interpreter.Invoke);
        Assert.Contains("MaxWhileIterations", e.Message);
    }

    [SkippableFact]
    public void AChainOf3000IfSubgraphsFailsWithANamedErrorOnA1500KilobyteStack()
    {
        Model model = Load("if_chain_3000.tflite");
        Exception? error = null;
        var worker = new Thread(() =>
        {
            try { Prepare(model).Invoke(); }
            catch (Exception e) { error = e; }
        }, 1536 * 1024);
        worker.Start();
        worker.Join();
        var named = Assert.IsType<KernelException>(error);
        Assert.Contains("MaxSubgraphDepth", named.Message);
    }
}
