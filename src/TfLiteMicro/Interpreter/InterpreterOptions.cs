namespace TfLiteMicro;

/// <summary>Choices a user can make when creating an interpreter.</summary>
public sealed class InterpreterOptions
{
    /// <summary>Run the reference kernels only (no SIMD paths), e.g. to check an optimized result.</summary>
    public bool UseReferenceKernels { get; init; }

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

    /// <summary>Receives a call before and after every operator runs (null: no profiling, no cost).</summary>
    public IInvokeProfiler? Profiler { get; set; }
}
