using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>ELU: x for x &gt;= 0, exp(x) - 1 below; float32, and int8 through a 256-entry table built in Prepare.</summary>
internal sealed class Elu : IKernel
{
    private TensorType _type;
    private readonly sbyte[] _table = new sbyte[256];

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        ElementwiseChecks.RequireType(context, input, "input", TensorType.Float32, TensorType.Int8);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        ElementwiseChecks.RequireSameShape(context, input, "input", output, "output");
        _type = input.Type;
        if (_type != TensorType.Int8) return;

        ElementwiseChecks.RequireQuantized(context, input, "input");
        ElementwiseChecks.RequireQuantized(context, output, "output");
        LookupTables.PopulateInt8(input.Scale, input.ZeroPoint, output.Scale, output.ZeroPoint,
            static x => x < 0f ? MathF.Exp(x) - 1f : x, _table);
    }

    public void Invoke(InvokeContext context)
    {
        if (_type == TensorType.Float32)
            ElementwiseDriver.Unary(context.Input<float>(0), context.Output<float>(0), default(FloatElu));
        else
            LookupTables.Apply(context.Input<sbyte>(0), context.Output<sbyte>(0), _table);
    }

    private readonly struct FloatElu : IUnaryOperator<float, float>
    {
        // exp(x) - 1 in double keeps the precision of the reference's expm1 for small |x|.
        public float Invoke(float x) => x < 0f ? (float)(Math.Exp(x) - 1.0) : x;
    }
}
