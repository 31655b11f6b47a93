using System.Diagnostics;

namespace TfLiteMicro.Cli;

/// <summary>
/// Sums the time each operator takes across invocations. All storage is made up front so that profiling
/// adds no managed allocation to Invoke.
/// </summary>
internal sealed class OperatorProfiler : IInvokeProfiler
{
    private readonly long[][] _ticks;
    private readonly long[][] _started;
    private readonly int[][] _calls;

    public OperatorProfiler(Model model)
    {
        int count = model.Subgraphs.Count;
        _ticks = new long[count][];
        _started = new long[count][];
        _calls = new int[count][];
        for (int s = 0; s < count; s++)
        {
            int ops = model.Subgraphs[s].Operators.Count;
            _ticks[s] = new long[ops];
            _started[s] = new long[ops];
            _calls[s] = new int[ops];
        }
    }

    public void BeginOperator(int subgraph, int operatorIndex, OperatorCode code)
        => _started[subgraph][operatorIndex] = Stopwatch.GetTimestamp();

    public void EndOperator(int subgraph, int operatorIndex, OperatorCode code)
    {
        _ticks[subgraph][operatorIndex] += Stopwatch.GetTimestamp() - _started[subgraph][operatorIndex];
        _calls[subgraph][operatorIndex]++;
    }

    /// <summary>Total ticks (of <see cref="Stopwatch.Frequency"/>) spent in an operator.</summary>
    public long Ticks(int subgraph, int operatorIndex) => _ticks[subgraph][operatorIndex];

    public int Calls(int subgraph, int operatorIndex) => _calls[subgraph][operatorIndex];

    public void Clear()
    {
        for (int s = 0; s < _ticks.Length; s++)
        {
            Array.Clear(_ticks[s]);
            Array.Clear(_calls[s]);
        }
    }
}
