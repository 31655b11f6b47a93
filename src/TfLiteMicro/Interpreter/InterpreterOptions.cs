namespace TfLiteMicro;

/// <summary>Choices a user can make when creating an interpreter.</summary>
public sealed class InterpreterOptions
{
    /// <summary>Run the reference kernels only (no SIMD paths), e.g. to check an optimized result.</summary>
    public bool UseReferenceKernels { get; init; }

    /// <summary>Receives a call before and after every operator runs (null: no profiling, no cost).</summary>
    public IInvokeProfiler? Profiler { get; set; }
}
