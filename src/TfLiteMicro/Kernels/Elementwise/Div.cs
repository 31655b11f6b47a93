namespace TfLiteMicro.Kernels;

/// <summary>DIV: float32, int32 and int8 with broadcasting (up to 5-D) and a fused activation. Integer division by zero is an error.</summary>
internal sealed class Div : IKernel
{
    private BinaryParameters _parameters;

    public void Prepare(PrepareContext context)
        => _parameters = BinaryParameters.Prepare(context, BinaryOperation.Divide, ElementwiseChecks.Activation(context, DivOptions.Read(context).FusedActivationFunction));

    public void Invoke(InvokeContext context) => BinaryArithmetic.Run(context, _parameters);
}
