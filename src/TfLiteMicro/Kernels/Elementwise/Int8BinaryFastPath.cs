namespace TfLiteMicro.Kernels;

/// <summary>
/// The vectorized int8 path of ADD, SUB and MUL over <see cref="BinaryParameters"/>: same-shape, scalar and
/// innermost-repeat broadcasts, chosen in Prepare; the same bytes as <see cref="BinaryArithmetic"/>.
/// </summary>
internal struct Int8BinaryFastPath
{
    private Int8BroadcastPlan _plan;
    private SimdLevel _level;
    private Int8SumAffine? _sumAffine;

    /// <summary>Whether Prepare found a vector path for this node.</summary>
    public readonly bool Active => _plan.Kind != Int8BroadcastKind.None;

    public void Prepare(PrepareContext context, in BinaryParameters p)
    {
        _plan = default;
        _sumAffine = null;
        _level = Simd.For(context);
        if (p.Type != TensorType.Int8 || _level == SimdLevel.Reference) return;
        bool supported = p.Operation switch
        {
            BinaryOperation.Add or BinaryOperation.Subtract => Int8SumKernel.Supports(p),
            BinaryOperation.Multiply => Int8ProductKernel.Supports(p),
            _ => false,
        };
        if (!supported) return;
        _plan = Int8BroadcastPlan.Create(p.Shape, context.Input(0), context.Input(1), context.Output(0));
        if (_plan.Kind != Int8BroadcastKind.None && p.Operation != BinaryOperation.Multiply && Int8SumAffine.IsSupported) _sumAffine = Int8SumAffine.Create(p);
    }

    public readonly void Run(InvokeContext context, in BinaryParameters p)
    {
        ReadOnlySpan<sbyte> a = context.Input<sbyte>(0), b = context.Input<sbyte>(1);
        Span<sbyte> output = context.Output<sbyte>(0);
        if (p.Operation == BinaryOperation.Multiply) Int8ElementwiseSimd.Run(_plan, a, b, output, new Int8ProductKernel(p, _level));
        else Int8ElementwiseSimd.Run(_plan, a, b, output, new Int8SumKernel(p, _level, _sumAffine));
    }
}

/// <summary>
/// The vectorized int32 path of ADD, MUL, DIV, MINIMUM and MAXIMUM over <see cref="BinaryParameters"/> when the inputs
/// meet element by element or one is a single value (<see cref="Int32ElementwiseSimd"/>); the same integers as
/// <see cref="BinaryArithmetic"/>, whose scalar operators finish the last elements.
/// </summary>
internal struct Int32BinaryFastPath
{
    private Int32BroadcastKind _kind;
    private SimdLevel _level;

    /// <summary>Whether Prepare found a vector path for this node.</summary>
    public readonly bool Active => _kind != Int32BroadcastKind.None;

    public void Prepare(PrepareContext context, in BinaryParameters p)
    {
        _level = Simd.For(context);
        bool supported = p.Operation is BinaryOperation.Add or BinaryOperation.Multiply or BinaryOperation.Divide
            or BinaryOperation.Minimum or BinaryOperation.Maximum;
        _kind = supported ? Int32ElementwiseSimd.Plan(_level, p.Type, p.Shape, context.Input(0), context.Input(1)) : Int32BroadcastKind.None;
    }

    public readonly void Run(InvokeContext context, in BinaryParameters p)
    {
        ReadOnlySpan<int> a = context.Input<int>(0), b = context.Input<int>(1);
        Span<int> output = context.Output<int>(0);
        int count = p.Shape.ElementCount;
        switch (p.Operation)
        {
            case BinaryOperation.Add:
                Int32ElementwiseSimd.Run(_level, _kind, count, a, b, output, new BinaryArithmetic.Int32Add(p.Min, p.Max), new Int32SumLanes(p.Min, p.Max));
                break;
            case BinaryOperation.Multiply:
                Int32ElementwiseSimd.Run(_level, _kind, count, a, b, output, new BinaryArithmetic.Int32Multiply(p.Min, p.Max), new Int32ProductLanes(p.Min, p.Max));
                break;
            case BinaryOperation.Divide:
                if (b.Contains(0)) throw context.Error("division by zero");
                Int32ElementwiseSimd.Run(_level, _kind, count, a, b, output, new BinaryArithmetic.Int32Divide(p.Min, p.Max), new Int32QuotientLanes(p.Min, p.Max));
                break;
            case BinaryOperation.Minimum:
                Int32ElementwiseSimd.Run(_level, _kind, count, a, b, output, default(BinaryArithmetic.Smaller<int>), default(Int32SmallerLanes));
                break;
            default:
                Int32ElementwiseSimd.Run(_level, _kind, count, a, b, output, default(BinaryArithmetic.Larger<int>), default(Int32LargerLanes));
                break;
        }
    }
}

/// <summary>
/// The shell of the binary arithmetic ops (ADD, SUB, MUL, DIV, MINIMUM, MAXIMUM): parameters from the shared helper,
/// a vector path when Prepare found one, the reference arithmetic otherwise.
/// </summary>
internal struct FastBinaryNode
{
    private BinaryParameters _parameters;
    private Int8BinaryFastPath _int8;
    private Int32BinaryFastPath _int32;

    public void Prepare(PrepareContext context, BinaryOperation operation, FusedActivation activation = FusedActivation.None)
    {
        _parameters = BinaryParameters.Prepare(context, operation, ElementwiseChecks.Activation(context, activation));
        _int8.Prepare(context, _parameters);
        _int32.Prepare(context, _parameters);
    }

    public readonly void Invoke(InvokeContext context)
    {
        if (_int8.Active) _int8.Run(context, _parameters);
        else if (_int32.Active) _int32.Run(context, _parameters);
        else BinaryArithmetic.Run(context, _parameters);
    }
}
