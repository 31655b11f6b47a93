namespace TfLiteMicro.Kernels;

/// <summary>SQUARED_DIFFERENCE: float32, int32, int8 and int16 (symmetric) with broadcasting (up to 4-D).</summary>
internal sealed class SquaredDifference : IKernel
{
    private BinaryParameters _parameters;

    public void Prepare(PrepareContext context) => _parameters = BinaryParameters.Prepare(context, BinaryOperation.SquaredDifference);

    public void Invoke(InvokeContext context) => BinaryArithmetic.Run(context, _parameters);
}
