namespace TfLiteMicro.Kernels;

internal static partial class BuiltinKernels
{
    static partial void RegisterCoreKernels(Dictionary<BuiltinOperator, Func<IKernel>> table)
    {
        table[BuiltinOperator.FullyConnected] = static () => new FullyConnected();
        table[BuiltinOperator.Quantize] = static () => new Quantize();
        table[BuiltinOperator.Dequantize] = static () => new Dequantize();
        table[BuiltinOperator.Reshape] = static () => new Reshape();
    }
}
