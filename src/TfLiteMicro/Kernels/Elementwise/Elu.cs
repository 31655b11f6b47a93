using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>ELU: x for x &gt;= 0, exp(x) - 1 below; float32, and int8 through a 256-entry table built in Prepare into the arena.</summary>
internal sealed class Elu : IKernel
{
    private ActivationParameters _parameters;

    public void Prepare(PrepareContext context)
    {
        ActivationParameters p = ActivationPrepare.Unary(context, int16: false);
        if (p.Type == TensorType.Int8)
            p = ActivationPrepare.Int8Table(context, p, context.Input(0), context.Output(0), static x => x < 0f ? MathF.Exp(x) - 1f : x);
        _parameters = p;
    }

    public void Invoke(InvokeContext context)
    {
        if (_parameters.Type == TensorType.Float32)
            ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), default(FloatElu));
        else
            LookupTables.Apply(context.Input<sbyte>(0), context.Output<sbyte>(0), context.Persistent<sbyte>(_parameters.Table));
    }

    private readonly struct FloatElu : IUnaryOperator<float, float>
    {
        // exp(x) - 1 in double keeps the precision of the reference's expm1 for small |x|.
        public float Invoke(float x) => x < 0f ? (float)(Math.Exp(x) - 1.0) : x;
    }
}
