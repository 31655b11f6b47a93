using System.Diagnostics;
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
/// fields, and one 64-bit word holds the job's number (high half) and the next part not yet taken (low half). Every
/// thread, the calling one included, takes parts from that word until none is left, so a worker the operating system
/// has not scheduled yet delays nothing: the calling thread computes the parts it did not take. The calling thread then
/// waits only for parts a worker took and has not finished. Between the split layers of one Invoke the workers spin
/// (the next one usually follows within microseconds, and waking a blocked thread costs tens of them), and the Invoke
/// wakes blocked workers as it begins, so that they are running by its first split layer; after the Invoke they spin
/// only briefly, then block, so an idle interpreter keeps no processor busy.
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>How long a worker spins for the next job within an Invoke, and after one, before it blocks.</summary>
    private static readonly long SpinTicksInInvoke = Stopwatch.Frequency / 1000, SpinTicksAfterInvoke = Stopwatch.Frequency / 20_000;

    /// <summary>How long the calling thread spins for parts a worker still runs before it blocks.</summary>
    private static readonly long SpinTicksForParts = Stopwatch.Frequency / 5000;

    /// <summary>Stack of each worker: the fast paths keep up to a few tens of kilobytes of rows and tables there.</summary>
    private const int WorkerStackBytes = 1 << 20;

    private readonly Thread[] _threads;
    // Bytes each worker had allocated when it last finished a part: the zero-allocation test reads their sum.
    private readonly long[] _allocatedBytes;
    private readonly object _wake = new(), _done = new();

    // The job: written by the calling thread before it publishes the job's number in _claims; a worker reads them after
    // reading _claims and uses them only if its claim on that same word succeeds (the word changes before they do).
    private MicroInterpreter? _interpreter;
    private IPartitionedKernel? _kernel;
    private int _node, _parts;
    private ExceptionDispatchInfo? _failure;
    private int _failedPart;

    private long _claims;
    private int _finishedParts, _sleepingWorkers, _callerBlocked;
    private volatile bool _stopping, _invoking;
    // Raised (under _wake) to wake blocked workers without a job: the start of an Invoke.
    private int _wakeGeneration;

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

    /// <summary>An Invoke begins: blocked workers are woken, and the workers spin between its split layers.</summary>
    public void BeginInvoke()
    {
        _invoking = true;
        if (Volatile.Read(ref _sleepingWorkers) > 0)
            lock (_wake)
            {
                _wakeGeneration++;
                Monitor.PulseAll(_wake);
            }
    }

    /// <summary>The Invoke ended (or failed): the workers block after a short spin.</summary>
    public void EndInvoke() => _invoking = false;

    /// <summary>
    /// Runs parts 0 .. <paramref name="parts"/> - 1 of <paramref name="node"/> on this thread and the workers, and returns
    /// when all are done. When parts fail, the exception of the first failing part is thrown here as it was thrown in the
    /// part, once every part has stopped (no worker writes the arena after this returns).
    /// </summary>
    public void Run(MicroInterpreter interpreter, int node, IPartitionedKernel kernel, int parts, Span<byte> arena)
    {
        if (_stopping) throw new ObjectDisposedException(nameof(MicroInterpreter));
        _interpreter = interpreter;
        _kernel = kernel;
        _node = node;
        _parts = parts;
        _failure = null;
        _failedPart = int.MaxValue;
        Volatile.Write(ref _finishedParts, 0);
        long job = (Volatile.Read(ref _claims) >> 32) + 1;
        // Full fence: the job's fields are visible before its number, and the sleepers are read after it.
        Interlocked.Exchange(ref _claims, job << 32);
        if (Volatile.Read(ref _sleepingWorkers) > 0)
            lock (_wake) Monitor.PulseAll(_wake);
        while (TryClaim(job, parts, out int part))
        {
            RunPart(interpreter, kernel, node, part, parts, arena);
            Interlocked.Increment(ref _finishedParts);
        }
        WaitForParts(parts);
        _interpreter = null;
        _kernel = null;
        _failure?.Throw();
    }

    /// <summary>Takes the next part of job <paramref name="job"/>, if the job is still the current one and has parts left.</summary>
    private bool TryClaim(long job, int parts, out int part)
    {
        while (true)
        {
            long claims = Volatile.Read(ref _claims);
            part = (int)(claims & 0xFFFFFFFF);
            if (claims >> 32 != job || part >= parts) return false;
            if (Interlocked.CompareExchange(ref _claims, claims + 1, claims) == claims) return true;
        }
    }

    private void RunPart(MicroInterpreter interpreter, IPartitionedKernel kernel, int node, int part, int parts, Span<byte> arena)
    {
        try
        {
            kernel.InvokePart(new InvokeContext(interpreter, node, arena), part, parts);
        }
        catch (Exception e)
        {
            // One thread would have stopped at the first band that failed: its exception is the one thrown.
            lock (_done)
            {
                if (part < _failedPart)
                {
                    _failedPart = part;
                    _failure = ExceptionDispatchInfo.Capture(e);
                }
            }
        }
    }

    private void WaitForParts(int parts)
    {
        long start = Stopwatch.GetTimestamp();
        for (int spin = 0; Volatile.Read(ref _finishedParts) != parts; spin++)
        {
            if (Stopwatch.GetTimestamp() - start < SpinTicksForParts)
            {
                Pause(spin);
                continue;
            }
            lock (_done)
            {
                Interlocked.Exchange(ref _callerBlocked, 1);
                while (Volatile.Read(ref _finishedParts) != parts) Monitor.Wait(_done);
                Volatile.Write(ref _callerBlocked, 0);
            }
        }
    }

    private void WorkerLoop(int worker)
    {
        long seen = 0;
        while (true)
        {
            seen = WaitForJob(seen);
            if (_stopping) return;
            // The fields are the job's if the claim on the word read before them succeeds.
            MicroInterpreter? interpreter = _interpreter;
            IPartitionedKernel? kernel = _kernel;
            int node = _node, parts = _parts;
            while (TryClaim(seen, parts, out int part))
            {
                RunPart(interpreter!, kernel!, node, part, parts, interpreter!.ArenaSpan);
                Volatile.Write(ref _allocatedBytes[worker], GC.GetAllocatedBytesForCurrentThread());
                // Full fence: the part's writes are visible before the count grows, and the caller's flag is read after it.
                if (Interlocked.Increment(ref _finishedParts) == parts && Volatile.Read(ref _callerBlocked) != 0)
                    lock (_done) Monitor.PulseAll(_done);
            }
        }
    }

    /// <summary>
    /// Waits until a job after <paramref name="seen"/> is published (or the pool stops); returns its number. Spins while
    /// an Invoke runs (up to <see cref="SpinTicksInInvoke"/> since the last job or wake), briefly after it, then blocks.
    /// </summary>
    private long WaitForJob(long seen)
    {
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            for (int spin = 0; ; spin++)
            {
                long now = Volatile.Read(ref _claims) >> 32;
                if (now != seen || _stopping) return now;
                if (Stopwatch.GetTimestamp() - start > (_invoking ? SpinTicksInInvoke : SpinTicksAfterInvoke)) break;
                Pause(spin);
            }
            lock (_wake)
            {
                int generation = _wakeGeneration;
                Interlocked.Increment(ref _sleepingWorkers);
                try
                {
                    while (Volatile.Read(ref _claims) >> 32 == seen && !_stopping && _wakeGeneration == generation) Monitor.Wait(_wake);
                }
                finally
                {
                    Interlocked.Decrement(ref _sleepingWorkers);
                }
            }
        }
    }

    /// <summary>A short busy pause; now and then the processor is offered to another thread (the cores may be shared with others).</summary>
    private static void Pause(int spin)
    {
        if ((spin & 63) != 63) Thread.SpinWait(20);
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

    /// <summary>Workers blocked until the next job or Invoke (for tests: an idle interpreter keeps no processor busy).</summary>
    internal int BlockedWorkers => Volatile.Read(ref _sleepingWorkers);

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
