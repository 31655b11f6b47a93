namespace TfLiteMicro.Kernels;

/// <summary>One step of a reduction: folds an input element into an accumulator.</summary>
internal interface IReduceStep<TIn, TAcc>
{
    TAcc Apply(TAcc accumulator, TIn value);
}

/// <summary>
/// The engine of MEAN, SUM, REDUCE_MAX, REDUCE_MIN and REDUCE_ALL. It resolves the axis tensor (negative axes,
/// duplicates) into one output stride per input dimension (zero for reduced ones) and walks the input in row-major
/// order, as TFLM's reference does, folding each element into its output slot. A constant axis is resolved while
/// preparing (and fixes the output shape); otherwise it is resolved and checked against the output on every run.
/// </summary>
internal sealed class Reduction
{
    private int[] _inShape = [];
    private int[] _outStrides = [];
    private int _outputCount;
    private int _reducedCount;
    private bool _axisConstant;

    public int Rank => _inShape.Length;
    public int OutputCount => _outputCount;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0);
        Tensor axis = context.Input(1);
        Tensor output = context.Output(0);
        if (axis.Type != TensorType.Int32) throw context.UnsupportedType("axis", axis.Type);
        if (input.Rank > StridedCopy.MaxRank) throw context.Error($"input rank {input.Rank} exceeds {StridedCopy.MaxRank}");
        ShapeHelpers.RequireValidShape(context, input, "input");
        _inShape = input.ShapeArray;
        _outStrides = new int[_inShape.Length];
        _axisConstant = axis.IsConstant;
        _outputCount = output.ElementCount;
        if (!_axisConstant) return;

        bool keepDims = ReducerOptions.Read(context).KeepDims;
        string? problem = Resolve(axis.AsReadOnlySpan<int>(), _inShape, _outStrides, out int outputCount, out _reducedCount);
        if (problem is not null) throw context.Error(problem);
        var shape = new List<int>(_inShape.Length);
        for (int i = 0; i < _inShape.Length; i++)
        {
            bool reduced = IsReduced(axis.AsReadOnlySpan<int>(), i, _inShape.Length);
            if (!reduced) shape.Add(_inShape[i]);
            else if (keepDims) shape.Add(1);
        }
        ShapeHelpers.EnsureOutputShape(context, 0, shape.ToArray());
        _outputCount = outputCount;
    }

    private static bool IsReduced(ReadOnlySpan<int> axes, int dim, int rank)
    {
        foreach (int a in axes)
            if ((a < 0 ? a + rank : a) == dim) return true;
        return false;
    }

    /// <summary>Fills the output strides; returns a problem description for an axis out of range.</summary>
    private static string? Resolve(ReadOnlySpan<int> axes, ReadOnlySpan<int> shape, Span<int> outStrides, out int outputCount, out int reducedCount)
    {
        int rank = shape.Length;
        outputCount = 1;
        reducedCount = 1;
        if (rank == 0) return null;
        foreach (int a in axes)
        {
            int r = a < 0 ? a + rank : a;
            if (r < 0 || r >= rank) return $"axis {a} is out of range for rank {rank}";
        }
        for (int i = rank - 1; i >= 0; i--)
        {
            if (IsReduced(axes, i, rank))
            {
                outStrides[i] = 0;
                reducedCount *= shape[i];
            }
            else
            {
                outStrides[i] = outputCount;
                outputCount *= shape[i];
            }
        }
        return null;
    }

    /// <summary>The output strides for this run (resolving a non-constant axis), and the number of elements folded into each output.</summary>
    public ReadOnlySpan<int> Layout(InvokeContext context, Span<int> buffer, out int reducedCount)
    {
        if (_axisConstant)
        {
            reducedCount = _reducedCount;
            return _outStrides;
        }
        Span<int> strides = buffer[.._inShape.Length];
        string? problem = Resolve(context.Input<int>(1), _inShape, strides, out int outputCount, out reducedCount);
        if (problem is not null) throw context.Error(problem);
        if (outputCount != _outputCount)
            throw context.Error($"the axes reduce to {outputCount} elements but the output holds {_outputCount}");
        return strides;
    }

    /// <summary>Folds every input element into <paramref name="accumulators"/> (already initialised).</summary>
    public void Run<TIn, TAcc, TStep>(ReadOnlySpan<TIn> input, ReadOnlySpan<int> outStrides, Span<TAcc> accumulators)
        where TStep : struct, IReduceStep<TIn, TAcc>
    {
        TStep step = default;
        int rank = _inShape.Length;
        foreach (int d in _inShape)
            if (d == 0) return;
        if (rank == 0)
        {
            accumulators[0] = step.Apply(accumulators[0], input[0]);
            return;
        }
        int inner = rank - 1;
        int n = _inShape[inner], os = outStrides[inner];
        Span<int> index = stackalloc int[StridedCopy.MaxRank];
        index.Clear();
        int p = 0, o = 0;
        while (true)
        {
            if (os == 0)
            {
                TAcc acc = accumulators[o];
                for (int i = 0; i < n; i++) acc = step.Apply(acc, input[p + i]);
                accumulators[o] = acc;
            }
            else
            {
                for (int i = 0; i < n; i++) accumulators[o + i * os] = step.Apply(accumulators[o + i * os], input[p + i]);
            }
            p += n;
            int k = inner - 1;
            for (; k >= 0; k--)
            {
                o += outStrides[k];
                if (++index[k] < _inShape[k]) break;
                o -= outStrides[k] * _inShape[k];
                index[k] = 0;
            }
            if (k < 0) return;
        }
    }
}

internal struct SumFloat : IReduceStep<float, float>
{
    public readonly float Apply(float accumulator, float value) => value + accumulator;
}

internal struct SumInt8 : IReduceStep<sbyte, int>
{
    public readonly int Apply(int accumulator, sbyte value) => unchecked(accumulator + value);
}

internal struct SumInt16 : IReduceStep<short, int>
{
    public readonly int Apply(int accumulator, short value) => unchecked(accumulator + value);
}

internal struct MaxFloat : IReduceStep<float, float>
{
    public readonly float Apply(float accumulator, float value) => value > accumulator ? value : accumulator;
}

internal struct MinFloat : IReduceStep<float, float>
{
    public readonly float Apply(float accumulator, float value) => value < accumulator ? value : accumulator;
}

internal struct MaxInt8 : IReduceStep<sbyte, sbyte>
{
    public readonly sbyte Apply(sbyte accumulator, sbyte value) => value > accumulator ? value : accumulator;
}

internal struct MinInt8 : IReduceStep<sbyte, sbyte>
{
    public readonly sbyte Apply(sbyte accumulator, sbyte value) => value < accumulator ? value : accumulator;
}

internal struct AllBool : IReduceStep<byte, byte>
{
    public readonly byte Apply(byte accumulator, byte value) => (byte)(value != 0 && accumulator != 0 ? 1 : 0);
}
