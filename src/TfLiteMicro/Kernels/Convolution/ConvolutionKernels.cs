namespace TfLiteMicro.Kernels;

internal static partial class BuiltinKernels
{
    static partial void RegisterConvolutionKernels(Dictionary<BuiltinOperator, Func<IKernel>> table)
    {
        table[BuiltinOperator.Conv2D] = static () => new Conv2D();
        table[BuiltinOperator.DepthwiseConv2D] = static () => new DepthwiseConv2D();
        table[BuiltinOperator.AveragePool2D] = static () => new AveragePool2D();
        table[BuiltinOperator.MaxPool2D] = static () => new MaxPool2D();
        table[BuiltinOperator.L2Pool2D] = static () => new L2Pool2D();
    }
}
