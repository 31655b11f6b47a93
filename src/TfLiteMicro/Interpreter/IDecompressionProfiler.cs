namespace TfLiteMicro;

/// <summary>
/// Implemented by an <see cref="InterpreterOptions.Profiler"/> that also wants the time spent decompressing: called around
/// each decompression of a compressed constant (TFLM's compression metadata) into the buffer an operator reads it from,
/// inside that operator's <see cref="IInvokeProfiler"/> calls. DECODE operators are ordinary operators and are reported
/// as such. Implementations must not allocate if Invoke is to stay allocation-free.
/// </summary>
public interface IDecompressionProfiler
{
    void BeginDecompression(int subgraph, int operatorIndex, int tensorIndex);

    void EndDecompression(int subgraph, int operatorIndex, int tensorIndex);
}
