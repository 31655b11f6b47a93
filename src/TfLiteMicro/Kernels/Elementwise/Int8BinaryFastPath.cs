namespace TfLiteMicro.Kernels;

/// <summary>
/// The vectorized int8 path of ADD, SUB and MUL over <see cref="BinaryParameters"/>: same-shape, scalar and
/// innermost-repeat broadcasts, chosen in Prepare; the same bytes as <see cref="BinaryArithmetic"/>.
/// </summary>
internal struct Int8BinaryFastPath
{
    private Int8BroadcastPlan _plan;
    private SimdLevel _level;

    /// <summary>Whether Prepare found a vector path for this node.</summary>
    public readonly bool Active => _plan.Kind != Int8BroadcastKind.None;

    public void Prepare(PrepareContext context, in BinaryParameters p)
    {
        _plan = default;
        _level = Simd.For(context);
        if (p.Type != TensorType.Int8 || _level == SimdLevel.Reference) return;
        bool supported = p.Operation switch
        {
            BinaryOperation.Add or BinaryOperation.Subtract => Int8SumKernel.Supports(p),
            BinaryOperation.Multiply => Int8ProductKernel.Supports(p),
            _ => false,
        };
        if (supported) _plan = Int8BroadcastPlan.Create(p.Shape, context.Input(0), context.Input(1), context.Output(0));
    }

    public readonly void Run(InvokeContext context, in BinaryParameters p)
    {
        ReadOnlySpan<sbyte> a = context.Input<sbyte>(0), b = context.Input<sbyte>(1);
        Span<sbyte> output = context.Output<sbyte>(0);
        if (p.Operation == BinaryOperation.Multiply) Int8ElementwiseSimd.Run(_plan, a, b, output, new Int8ProductKernel(p, _level));
        else Int8ElementwiseSimd.Run(_plan, a, b, output, new Int8SumKernel(p, _level));
    }
}

/// <summary>The shell of ADD, SUB and MUL: parameters from the shared helper, the vector path when Prepare found one.</summary>
internal struct FastBinaryNode
{
    private BinaryParameters _parameters;
    private Int8BinaryFastPath _fast;

    public void Prepare(PrepareContext context, BinaryOperation operation, FusedActivation activation)
    {
        _parameters = BinaryParameters.Prepare(context, operation, ElementwiseChecks.Activation(context, activation));
        _fast.Prepare(context, _parameters);
    }

    public readonly void Invoke(InvokeContext context)
    {
        if (_fast.Active) _fast.Run(context, _parameters);
        else BinaryArithmetic.Run(context, _parameters);
    }
}
