namespace TfLiteMicro.Kernels;

/// <summary>Control-flow and resource-variable kernels, registered with the recurrent family.</summary>
internal static class ControlFlowKernels
{
    public static void Register(Dictionary<BuiltinOperator, Func<IKernel>> table)
    {
        table[BuiltinOperator.If] = static () => new If();
        table[BuiltinOperator.While] = static () => new While();
        table[BuiltinOperator.CallOnce] = static () => new CallOnce();
        table[BuiltinOperator.VarHandle] = static () => new VarHandle();
        table[BuiltinOperator.ReadVariable] = static () => new ReadVariable();
        table[BuiltinOperator.AssignVariable] = static () => new AssignVariable();
    }
}
