namespace TfLiteMicro.Kernels;

internal static partial class BuiltinKernels
{
    static partial void RegisterRecurrentKernels(Dictionary<BuiltinOperator, Func<IKernel>> table)
    {
        table[BuiltinOperator.Svdf] = static () => new Svdf();
        table[BuiltinOperator.UnidirectionalSequenceLstm] = static () => new UnidirectionalSequenceLstm();
        table[BuiltinOperator.BatchMatmul] = static () => new BatchMatMul();
        table[BuiltinOperator.TransposeConv] = static () => new TransposeConv();
        ControlFlowKernels.Register(table);
    }
}
