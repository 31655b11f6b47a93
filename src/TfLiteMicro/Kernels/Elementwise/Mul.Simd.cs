namespace TfLiteMicro.Kernels;

/// <summary>The optimized int8 path of MUL: same-shape, scalar and innermost-repeat broadcasts, vectorized; same bytes as the reference.</summary>
public sealed partial class Mul
{
    private Int8BroadcastPlan _int8Plan;
    private Int8ProductParameters _int8Vector;
    private SimdLevel _level;

    private void PrepareOptimized(PrepareContext context, Tensor input1, Tensor input2, Tensor output, Int8ProductParameters? parameters)
    {
        _int8Plan = default;
        _level = Simd.For(context);
        _int32Kind = Int32ElementwiseSimd.Plan(_level, _type, _shape, input1, input2);
        if (_type != TensorType.Int8 || _level == SimdLevel.Reference || parameters is not { } p) return;
        _int8Vector = p;
        _int8Plan = Int8BroadcastPlan.Create(_shape, input1, input2, output);
    }

    private void RunInt8Optimized(InvokeContext context)
        => Int8ElementwiseSimd.Run(_int8Plan, context.Input<sbyte>(0), context.Input<sbyte>(1), context.Output<sbyte>(0),
            new Int8ProductKernel<QuantizedProduct<sbyte>>(_int8, _int8Vector, _level));
}
