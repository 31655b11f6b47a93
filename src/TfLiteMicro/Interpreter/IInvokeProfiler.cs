namespace TfLiteMicro;

/// <summary>Hook called around each operator during Invoke; implementations must not allocate if Invoke is to stay allocation-free.</summary>
public interface IInvokeProfiler
{
    void BeginOperator(int subgraph, int operatorIndex, OperatorCode code);

    void EndOperator(int subgraph, int operatorIndex, OperatorCode code);
}
