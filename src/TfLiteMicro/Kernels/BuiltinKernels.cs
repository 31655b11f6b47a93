namespace TfLiteMicro.Kernels;

/// <summary>
/// The table of builtin kernels this library ships. Each kernel family fills its part in its own file
/// (a partial method), so families are added without touching a shared list.
/// </summary>
internal static partial class BuiltinKernels
{
    public static readonly IReadOnlyDictionary<BuiltinOperator, Func<IKernel>> All = Build();

    private static Dictionary<BuiltinOperator, Func<IKernel>> Build()
    {
        var table = new Dictionary<BuiltinOperator, Func<IKernel>>();
        RegisterCoreKernels(table);
        RegisterConvolutionKernels(table);
        RegisterElementwiseKernels(table);
        RegisterShapeKernels(table);
        RegisterRecurrentKernels(table);
        return table;
    }

    static partial void RegisterCoreKernels(Dictionary<BuiltinOperator, Func<IKernel>> table);
    static partial void RegisterConvolutionKernels(Dictionary<BuiltinOperator, Func<IKernel>> table);
    static partial void RegisterElementwiseKernels(Dictionary<BuiltinOperator, Func<IKernel>> table);
    static partial void RegisterShapeKernels(Dictionary<BuiltinOperator, Func<IKernel>> table);
    static partial void RegisterRecurrentKernels(Dictionary<BuiltinOperator, Func<IKernel>> table);
}
