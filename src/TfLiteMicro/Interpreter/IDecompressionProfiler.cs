namespace TfLiteMicro;

/// <summary>
/// Implemented by an <see cref="InterpreterOptions.Profiler"/> that also wants the time spent decompressing: called around
/// each decompression of a compressed constant (TFLM's compression metadata) into the buffer an operator reads it from,
/// inside that operator's <see cref="IInvokeProfiler"/> calls. DECODE operators are ordinary operators and are reported
/// as such. Implementations must not allocate if Invoke is to stay allocation-free.
/// </summary>
public interface IDecompressionProfiler
{
    /// <summary>Called before tensor <paramref name="tensorIndex"/> is decompressed for operator <paramref name="operatorIndex"/> of <paramref name="subgraph"/>.</summary>
    void BeginDecompression(int subgraph, int operatorIndex, int tensorIndex);

    /// <summary>Called after tensor <paramref name="tensorIndex"/> has been decompressed for operator <paramref name="operatorIndex"/> of <paramref name="subgraph"/>.</summary>
    void EndDecompression(int subgraph, int operatorIndex, int tensorIndex);
}
