namespace TfLiteMicro.Kernels;

/// <summary>The optimized int8 path of SUB: ADD's vector loop with the second input negated; same bytes as the reference.</summary>
public sealed partial class Sub
{
    private Int8BroadcastPlan _int8Plan;
    private SimdLevel _level;

    private void PrepareOptimized(PrepareContext context, Tensor input1, Tensor input2, Tensor output)
    {
        _int8Plan = default;
        _level = Simd.For(context);
        if (_type != TensorType.Int8 || _level == SimdLevel.Reference || !Int8SumKernel.Supports(_int8)) return;
        _int8Plan = Int8BroadcastPlan.Create(_shape, input1, input2, output);
    }

    private void RunInt8Optimized(InvokeContext context)
        => Int8ElementwiseSimd.Run(_int8Plan, context.Input<sbyte>(0), context.Input<sbyte>(1), context.Output<sbyte>(0), new Int8SumKernel(_int8, _level));
}
