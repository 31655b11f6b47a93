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
}
