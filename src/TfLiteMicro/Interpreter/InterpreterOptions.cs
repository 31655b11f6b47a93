using TfLiteMicro.Memory;

namespace TfLiteMicro;

/// <summary>Choices a user can make when creating an interpreter.</summary>
public sealed class InterpreterOptions
{
    /// <summary>Run the reference kernels only (no SIMD paths), e.g. to check an optimized result.</summary>
    public bool UseReferenceKernels { get; init; }

    /// <summary>
    /// Arrange the constant weights of int8 convolutions for the processor's instructions once, when the interpreter
    /// prepares, into the arena's persistent part, instead of arranging them block by block in every Invoke (the
    /// default). Trades memory for speed: about the weights' size again (twice it without AVX-VNNI) for layers the
    /// arrangement serves; `tflm bench --prearrange` reports both. Results are the same bytes either way.
    /// </summary>
    public bool PrearrangeWeights { get; init; }

    /// <summary>
    /// Threads that share the work of large layers (default 1: everything runs on the thread that calls Invoke). With N
    /// above one, the interpreter starts N - 1 worker threads in <see cref="MicroInterpreter.AllocateTensors"/>, kept
    /// until <see cref="MicroInterpreter.Dispose"/>, and the optimized CONV_2D and DEPTHWISE_CONV_2D paths split layers
    /// into N parts, one per thread: bands of output rows or, for a convolution whose rows split less evenly than its
    /// output channels, runs of its channels. A layer is split only where that spares the calling thread enough work
    /// (about a hundred thousand multiply-adds for two threads) to pay for handing out the parts; smaller layers, other
    /// operators and the reference kernels (<see cref="UseReferenceKernels"/>) stay on the calling thread. During an
    /// Invoke the workers spin between split layers; after it they block within microseconds. Each part is computed with
    /// the same arithmetic as one thread, so the outputs are the same bytes; Invoke still allocates nothing. Scratch buffers a split layer keeps in the arena (rather than on a thread's stack) are given
    /// once per thread, so the arena may grow. Threads start only when some layer will be split: never in the netstandard2.1
    /// build, which has no optimized paths, so there the option has no effect.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1 (thrown when the interpreter is created).</exception>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// How deeply control-flow operators (IF, WHILE, CALL_ONCE) may nest subgraphs; deeper nesting fails with a
    /// <see cref="KernelException"/> instead of exhausting the thread's stack. Default 64.
    /// </summary>
    public int MaxSubgraphDepth { get; init; } = 64;

    /// <summary>
    /// The most iterations one WHILE may run in one Invoke before it fails with a <see cref="KernelException"/>;
    /// null (the default) sets no limit. <see cref="MicroInterpreter.Invoke(CancellationToken)"/> stops any loop.
    /// </summary>
    public long? MaxWhileIterations { get; init; }

    /// <summary>
    /// Receives a call before and after every operator runs (null: no profiling, no cost). A profiler that also implements
    /// <see cref="IDecompressionProfiler"/> is told when compressed constants are decompressed.
    /// </summary>
    public IInvokeProfiler? Profiler { get; set; }

    /// <summary>
    /// Memory of the application's own for decompressed data, used before the arena (TFLM's <c>SetDecompressionMemory</c>):
    /// the outputs of DECODE operators and the buffers into which operators decompress compressed constants go into the
    /// first region with room (regions are separate, buffers whose lifetimes do not overlap share bytes), and only what
    /// fits nowhere goes into the arena. A compressed constant whose buffer has bytes of its own there (no other buffer
    /// shares them) is decompressed only once, not in every Invoke: room for all of them trades memory for speed. The
    /// regions must outlive the interpreter, must not overlap the arena or each other, and must not be written by the
    /// application.
    /// </summary>
    public IReadOnlyList<Memory<byte>>? DecompressionMemory { get; init; }

    /// <summary>
    /// How the planned part of the arena (activations and scratch buffers) is laid out. The default,
    /// <see cref="MemoryPlannerKind.Compact"/>, is never larger than <see cref="MemoryPlannerKind.Greedy"/> (TFLM's planner).
    /// </summary>
    public MemoryPlannerKind Planner { get; init; } = MemoryPlannerKind.Compact;

    /// <summary>
    /// Lets an element-wise operator write its output over one of the model's inputs it reads for the last time, as it
    /// does over any other tensor (<see cref="MemoryPlannerKind.Compact"/> only). Saves the input's bytes; the inputs must
    /// then be written again before every Invoke. Off by default: inputs keep their values across Invokes.
    /// </summary>
    public bool InputsMayBeOverwritten { get; init; }

    /// <summary>
    /// How long <see cref="MemoryPlannerKind.Compact"/> may search for a smaller plan in AllocateTensors (default 100 ms;
    /// small models stop much earlier, at the smallest possible plan or after a fixed number of tries, and their first
    /// tries are made whatever the clock says, so that they plan the same on every run).
    /// </summary>
    public TimeSpan PlanningTimeLimit { get; init; } = TimeSpan.FromMilliseconds(100);
}
