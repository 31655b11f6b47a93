using System.Diagnostics;

namespace TfLiteMicro.Cli;

/// <summary>
/// Sums the time each operator takes across invocations, and the part of it spent decompressing compressed constants.
/// All storage is made up front so that profiling adds no managed allocation to Invoke.
/// </summary>
internal sealed class OperatorProfiler : IInvokeProfiler, IDecompressionProfiler
{
    private readonly long[][] _ticks;
    private readonly long[][] _started;
    private readonly int[][] _calls;
    private readonly long[][] _allocated;
    private readonly long[][] _allocatedAtStart;
    private readonly long[][] _decompressionTicks;
    private long _decompressionStarted;

    public OperatorProfiler(Model model)
    {
        int count = model.Subgraphs.Count;
        _ticks = new long[count][];
        _started = new long[count][];
        _calls = new int[count][];
        _allocated = new long[count][];
        _allocatedAtStart = new long[count][];
        _decompressionTicks = new long[count][];
        for (int s = 0; s < count; s++)
        {
            int ops = model.Subgraphs[s].Operators.Count;
            _ticks[s] = new long[ops];
            _started[s] = new long[ops];
            _calls[s] = new int[ops];
            _allocated[s] = new long[ops];
            _allocatedAtStart[s] = new long[ops];
            _decompressionTicks[s] = new long[ops];
        }
    }

    public void BeginOperator(int subgraph, int operatorIndex, OperatorCode code)
    {
        _allocatedAtStart[subgraph][operatorIndex] = GC.GetAllocatedBytesForCurrentThread();
        _started[subgraph][operatorIndex] = Stopwatch.GetTimestamp();
    }

    public void EndOperator(int subgraph, int operatorIndex, OperatorCode code)
    {
        long now = Stopwatch.GetTimestamp();
        _ticks[subgraph][operatorIndex] += now - _started[subgraph][operatorIndex];
        _calls[subgraph][operatorIndex]++;
        // Tells which kernel breaks the no-allocation rule when bench reports bytes per invoke.
        _allocated[subgraph][operatorIndex] += GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart[subgraph][operatorIndex];
    }

    public void BeginDecompression(int subgraph, int operatorIndex, int tensorIndex) => _decompressionStarted = Stopwatch.GetTimestamp();

    public void EndDecompression(int subgraph, int operatorIndex, int tensorIndex)
        => _decompressionTicks[subgraph][operatorIndex] += Stopwatch.GetTimestamp() - _decompressionStarted;

    /// <summary>Ticks of an operator's time spent decompressing its compressed inputs (part of <see cref="Ticks"/>).</summary>
    public long DecompressionTicks(int subgraph, int operatorIndex) => _decompressionTicks[subgraph][operatorIndex];

    /// <summary>Managed bytes allocated while the operator ran (nested subgraphs included).</summary>
    public long AllocatedBytes(int subgraph, int operatorIndex) => _allocated[subgraph][operatorIndex];

    /// <summary>Total ticks (of <see cref="Stopwatch.Frequency"/>) spent in an operator.</summary>
    public long Ticks(int subgraph, int operatorIndex) => _ticks[subgraph][operatorIndex];

    public int Calls(int subgraph, int operatorIndex) => _calls[subgraph][operatorIndex];

    public void Clear()
    {
        for (int s = 0; s < _ticks.Length; s++)
        {
            Array.Clear(_ticks[s]);
            Array.Clear(_calls[s]);
            Array.Clear(_allocated[s]);
            Array.Clear(_decompressionTicks[s]);
        }
    }
}
