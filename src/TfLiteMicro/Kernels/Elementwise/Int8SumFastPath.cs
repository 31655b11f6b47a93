namespace TfLiteMicro.Kernels;

/// <summary>
/// The vectorized int8 path ADD and SUB share (SUB is a sum with the second input's multiplier negated): same-shape,
/// scalar and innermost-repeat broadcasts, chosen in Prepare; same bytes as the reference driver.
/// </summary>
internal struct Int8SumFastPath
{
    private Int8BroadcastPlan _plan;
    private SimdLevel _level;

    /// <summary>Whether Prepare found a vector path for this node.</summary>
    public readonly bool Active => _plan.Kind != Int8BroadcastKind.None;

    public void Prepare(PrepareContext context, TensorType type, BroadcastShape shape, in QuantizedSumOperator<sbyte> op,
        Tensor input1, Tensor input2, Tensor output)
    {
        _plan = default;
        _level = Simd.For(context);
        if (type != TensorType.Int8 || _level == SimdLevel.Reference || !Int8SumKernel.Supports(op)) return;
        _plan = Int8BroadcastPlan.Create(shape, input1, input2, output);
    }

    public readonly void Run(InvokeContext context, QuantizedSumOperator<sbyte> op)
        => Int8ElementwiseSimd.Run(_plan, context.Input<sbyte>(0), context.Input<sbyte>(1), context.Output<sbyte>(0), new Int8SumKernel(op, _level));
}
