namespace TfLiteMicro.Kernels;

/// <summary>
/// The family parameters of the ops whose whole output is a strided view of their first input (STRIDED_SLICE, SLICE,
/// TRANSPOSE, REVERSE_V2, BROADCAST_TO, DEPTH_TO_SPACE, SPACE_TO_DEPTH): a <see cref="CopyPlan"/> fixed in Prepare and
/// proven inside both tensors, or, where the view depends on a tensor read only at Invoke (SLICE's begin, TRANSPOSE's
/// perm), the shapes and strides the kernel checks that tensor against. The copying is <see cref="StridedCopy"/>'s.
/// </summary>
internal sealed class InputView
{
    private readonly CopyPlan? _plan;
    // Only a deferred view keeps shapes (an interpreter holds one view per such node, so a planned one stays small).
    private readonly DeferredShapes? _shapes;

    private InputView(CopyPlan? plan, DeferredShapes? shapes)
    {
        _plan = plan;
        _shapes = shapes;
    }

    private sealed class DeferredShapes(int[] inputShape, int[] outputShape, int elementSize)
    {
        public readonly int[] InputShape = inputShape, InputStrides = StridedCopy.RowMajorStrides(inputShape);
        public readonly int[] OutputShape = outputShape, OutputStrides = StridedCopy.RowMajorStrides(outputShape);
        public readonly int ElementSize = elementSize;
    }

    /// <summary>The input's shape (of a deferred view; empty for a planned one).</summary>
    public int[] InputShape => _shapes?.InputShape ?? [];

    /// <summary>The input's row-major strides (of a deferred view; empty for a planned one).</summary>
    public int[] InputStrides => _shapes?.InputStrides ?? [];

    /// <summary>The model's output shape (of a deferred view; empty for a planned one).</summary>
    public int[] OutputShape => _shapes?.OutputShape ?? [];

    /// <summary>The output's row-major strides (of a deferred view; empty for a planned one).</summary>
    public int[] OutputStrides => _shapes?.OutputStrides ?? [];

    /// <summary>Whether the view was fixed in Prepare.</summary>
    public bool IsPlanned => _plan is not null;

    /// <summary>
    /// The output is <paramref name="counts"/> elements of the input from <paramref name="offset"/> with
    /// <paramref name="sourceStrides"/>, written in order; a view reaching outside either tensor is an error naming
    /// <paramref name="what"/>.
    /// </summary>
    public static InputView Planned(PrepareContext context, Tensor input, Tensor output, ReadOnlySpan<int> counts,
        ReadOnlySpan<int> sourceStrides, int offset, string what)
    {
        int elementSize = TensorTypes.ElementSize(input.Type);
        CopyPlan plan = CopyPlan.Create(elementSize, counts, sourceStrides, offset, input.ElementCount,
            StridedCopy.RowMajorStrides(counts), 0, output.ElementCount) ?? throw context.Error($"{what} does not fit its tensors");
        return new InputView(plan, null);
    }

    /// <summary>A view known only at Invoke, over the model's output shape (the kernel proves each run's view fits).</summary>
    public static InputView Deferred(Tensor input, Tensor output)
        => new(null, new DeferredShapes(input.ShapeArray, output.ShapeArray, TensorTypes.ElementSize(input.Type)));

    /// <summary>Copies a planned view.</summary>
    public void Run(InvokeContext context) => _plan!.Run(context.Input<byte>(0), context.Output<byte>(0));

    /// <summary>Copies a deferred view, resolved to <paramref name="offset"/> and <paramref name="sourceStrides"/>.</summary>
    public void Run(InvokeContext context, int offset, ReadOnlySpan<int> sourceStrides)
        => StridedCopy.Run(context.Input<byte>(0), offset, sourceStrides, context.Output<byte>(0), 0, OutputStrides, OutputShape, _shapes!.ElementSize);
}

/// <summary>
/// The kernel shell of the <see cref="InputView"/> ops: Prepare computes the view once, Invoke copies it (a deferred
/// view resolved first by <see cref="Resolve"/>).
/// </summary>
internal abstract class InputViewKernel : IKernel
{
    private InputView? _view;

    public void Prepare(PrepareContext context) => _view = PrepareView(context);

    /// <summary>Checks the operator and computes its view.</summary>
    protected abstract InputView PrepareView(PrepareContext context);

    /// <summary>
    /// For a deferred view: checks the tensors read at Invoke and fills the view's offset and source strides (one per
    /// output dimension); returns what is wrong, or null.
    /// </summary>
    protected virtual string? Resolve(InvokeContext context, InputView view, Span<int> sourceStrides, out int offset)
    {
        offset = 0;
        return "the operator has no view to resolve at Invoke";
    }

    public void Invoke(InvokeContext context)
    {
        InputView view = _view!;
        if (view.IsPlanned)
        {
            view.Run(context);
            return;
        }
        Span<int> sourceStrides = stackalloc int[StridedCopy.MaxRank];
        int rank = view.OutputShape.Length;
        string? problem = Resolve(context, view, sourceStrides.Slice(0, rank), out int offset);
        if (problem is not null) throw context.Error(problem);
        view.Run(context, offset, sourceStrides.Slice(0, rank));
    }
}
