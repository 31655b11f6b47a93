using System.Runtime.ExceptionServices;

namespace TfLiteMicro;

/// <summary>
/// A kernel whose work splits into parts that write disjoint bytes of its outputs with the same arithmetic, so that
/// the parts may run on several threads and give the bytes of one thread (<see cref="InterpreterOptions.Threads"/>).
/// </summary>
internal interface IPartitionedKernel
{
    /// <summary>
    /// Computes part <paramref name="part"/> of <paramref name="parts"/>, on whichever thread runs it. Reads only what
    /// the calling thread finished before handing out the parts (inputs, unpacked or decompressed constants), and uses
    /// scratch buffers of its own part.
    /// </summary>
    void InvokePart(InvokeContext context, int part, int parts);
}

/// <summary>
/// The interpreter's worker threads (<see cref="InterpreterOptions.Threads"/> - 1 of them), made once in AllocateTensors
/// and ended by <see cref="MicroInterpreter.Dispose"/>. Handing out a node's parts allocates nothing: the job lives in
/// fields, a counter tells the workers a new one is there and another counts the parts still running. Workers and the
/// calling thread spin a little before they block, since the next large layer usually follows within microseconds.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>Spins before a waiting thread blocks (each a short pause or a yield of the processor).</summary>
    private const int SpinsBeforeBlocking = 200;

    /// <summary>Stack of each worker: the fast paths keep up to a few tens of kilobytes of rows and tables there.</summary>
    private const int WorkerStackBytes = 1 << 20;

    private readonly Thread[] _threads;
    // Bytes each worker had allocated when it finished its last job: the zero-allocation test reads their sum.
    private readonly long[] _allocatedBytes;
    private readonly object _wake = new(), _done = new();

    // The job: written by the calling thread before _generation moves on, read by the workers after they see it move.
    private MicroInterpreter? _interpreter;
    private IPartitionedKernel? _kernel;
    private int _node, _parts;
    private ExceptionDispatchInfo? _failure;

    private int _generation, _sleepingWorkers, _running, _callerBlocked;
    private volatile bool _stopping;

    public WorkerPool(int threads)
    {
        Threads = threads;
        _threads = new Thread[threads - 1];
        _allocatedBytes = new long[threads - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            int worker = i;
            _threads[i] = new Thread(() => WorkerLoop(worker), WorkerStackBytes)
            {
                IsBackground = true,
                Name = $"TfLiteMicro worker {worker + 1}",
            };
            _threads[i].Start();
        }
    }

    /// <summary>Threads that run parts, the calling thread included.</summary>
    public int Threads { get; }

    /// <summary>
    /// Runs parts 1 .. <paramref name="parts"/> - 1 of <paramref name="node"/> on the workers and part 0 here, and returns
    /// when all are done. The first exception of a part is thrown here, as it was thrown in the part, once every part
    /// has stopped (no worker writes the arena after this returns).
    /// </summary>
    public void Run(MicroInterpreter interpreter, int node, IPartitionedKernel kernel, int parts, Span<byte> arena)
    {
        if (parts > Threads) throw new ArgumentOutOfRangeException(nameof(parts), $"{parts} parts for {Threads} threads");
        if (_stopping) throw new ObjectDisposedException(nameof(MicroInterpreter));
        _interpreter = interpreter;
        _kernel = kernel;
        _node = node;
        _parts = parts;
        _failure = null;
        // Every worker answers every job (those without a part at once), so none can miss the next one.
        Volatile.Write(ref _running, _threads.Length);
        // Full fence: the job is visible before the new generation, and the sleepers are read after it.
        Interlocked.Increment(ref _generation);
        if (Volatile.Read(ref _sleepingWorkers) > 0)
            lock (_wake) Monitor.PulseAll(_wake);
        try
        {
            kernel.InvokePart(new InvokeContext(interpreter, node, arena), 0, parts);
        }
        finally
        {
            WaitForWorkers();
            _interpreter = null;
            _kernel = null;
        }
        _failure?.Throw();
    }

    private void WaitForWorkers()
    {
        for (int spin = 0; Volatile.Read(ref _running) != 0; spin++)
        {
            if (spin < SpinsBeforeBlocking)
            {
                Pause(spin);
                continue;
            }
            lock (_done)
            {
                Interlocked.Exchange(ref _callerBlocked, 1);
                while (Volatile.Read(ref _running) != 0) Monitor.Wait(_done);
                Volatile.Write(ref _callerBlocked, 0);
            }
        }
    }

    private void WorkerLoop(int worker)
    {
        int seen = 0;
        while (true)
        {
            seen = WaitForJob(seen);
            if (_stopping) return;
            int part = worker + 1;
            if (part < _parts)
            {
                try
                {
                    _kernel!.InvokePart(new InvokeContext(_interpreter!, _node, _interpreter!.ArenaSpan), part, _parts);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null);
                }
            }
            Volatile.Write(ref _allocatedBytes[worker], GC.GetAllocatedBytesForCurrentThread());
            // Full fence: the part's writes are visible before the count drops, and the caller's flag is read after it.
            if (Interlocked.Decrement(ref _running) == 0 && Volatile.Read(ref _callerBlocked) != 0)
                lock (_done) Monitor.PulseAll(_done);
        }
    }

    /// <summary>Waits until the generation moves past <paramref name="seen"/> (or the pool stops); returns the new one.</summary>
    private int WaitForJob(int seen)
    {
        for (int spin = 0; spin < SpinsBeforeBlocking; spin++)
        {
            int now = Volatile.Read(ref _generation);
            if (now != seen || _stopping) return now;
            Pause(spin);
        }
        lock (_wake)
        {
            Interlocked.Increment(ref _sleepingWorkers);
            try
            {
                while (Volatile.Read(ref _generation) == seen && !_stopping) Monitor.Wait(_wake);
            }
            finally
            {
                Interlocked.Decrement(ref _sleepingWorkers);
            }
            return Volatile.Read(ref _generation);
        }
    }

    /// <summary>A short busy pause, then giving the processor to another thread (two cores may be shared with others).</summary>
    private static void Pause(int spin)
    {
        if (spin < 50) Thread.SpinWait(20);
        else Thread.Yield();
    }

    /// <summary>Whether the workers were told to end.</summary>
    public bool IsStopped => _stopping;

    /// <summary>Tells the workers to end, without waiting for them (what an interpreter that was never disposed does when collected).</summary>
    public void Stop()
    {
        _stopping = true;
        lock (_wake) Monitor.PulseAll(_wake);
    }

    /// <summary>Stops the workers and waits for them to end.</summary>
    public void Dispose()
    {
        Stop();
        foreach (Thread thread in _threads)
            if (thread != Thread.CurrentThread) thread.Join();
    }

    /// <summary>Bytes the workers had allocated by the end of their last jobs (for the zero-allocation test).</summary>
    internal long WorkerAllocatedBytes
    {
        get
        {
            long sum = 0;
            foreach (ref long bytes in _allocatedBytes.AsSpan()) sum += Volatile.Read(ref bytes);
            return sum;
        }
    }

    /// <summary>Worker threads still running (for tests of disposal).</summary>
    internal int LiveWorkers
    {
        get
        {
            int live = 0;
            foreach (Thread thread in _threads) if (thread.IsAlive) live++;
            return live;
        }
    }
}

/// <summary>
/// Held by the interpreter alone (the workers hold the pool, not the interpreter): when an interpreter that was never
/// disposed is collected, this tells its workers to end, so that they do not outlive it.
/// </summary>
internal sealed class WorkerPoolLease(WorkerPool pool)
{
    public WorkerPool Pool { get; } = pool;

    ~WorkerPoolLease() => Pool.Stop();
}
