using TfLiteMicro.Kernels;

namespace TfLiteMicro;

// Registration of the control-flow and resource-variable kernels, one method per op (why: see OpResolver.cs).
public sealed partial class OpResolver
{
    /// <summary>Registers the IF kernel.</summary>
    public OpResolver AddIf() => Add(BuiltinOperator.If, static () => new If());

    /// <summary>Registers the WHILE kernel.</summary>
    public OpResolver AddWhile() => Add(BuiltinOperator.While, static () => new While());

    /// <summary>Registers the CALL_ONCE kernel.</summary>
    public OpResolver AddCallOnce() => Add(BuiltinOperator.CallOnce, static () => new CallOnce());

    /// <summary>Registers the VAR_HANDLE kernel.</summary>
    public OpResolver AddVarHandle() => Add(BuiltinOperator.VarHandle, static () => new VarHandle());

    /// <summary>Registers the READ_VARIABLE kernel.</summary>
    public OpResolver AddReadVariable() => Add(BuiltinOperator.ReadVariable, static () => new ReadVariable());

    /// <summary>Registers the ASSIGN_VARIABLE kernel.</summary>
    public OpResolver AddAssignVariable() => Add(BuiltinOperator.AssignVariable, static () => new AssignVariable());
}
