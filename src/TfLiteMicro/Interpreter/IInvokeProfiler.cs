namespace TfLiteMicro;

/// <summary>Hook called around each operator during Invoke; implementations must not allocate if Invoke is to stay allocation-free.</summary>
public interface IInvokeProfiler
{
    /// <summary>Called just before operator <paramref name="operatorIndex"/> of <paramref name="subgraph"/> (op <paramref name="code"/>) runs.</summary>
    void BeginOperator(int subgraph, int operatorIndex, OperatorCode code);

    /// <summary>Called just after operator <paramref name="operatorIndex"/> of <paramref name="subgraph"/> (op <paramref name="code"/>) has run.</summary>
    void EndOperator(int subgraph, int operatorIndex, OperatorCode code);
}
