
namespace TfLiteMicro.Kernels;

/// <summary>
/// The engine of ARG_MAX and ARG_MIN: the index of the first strictly greatest (or least) element along an axis,
/// written as int32. A constant axis fixes the output shape while preparing; otherwise it is checked on every run.
/// </summary>
internal sealed class ArgReduction
{
    private int[] _shape = [];
    private bool _float;
    private int _outputCount;
    private int _axis = -1;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0);
        Tensor axis = context.Input(1);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8);
        if (axis.Type != TensorType.Int32) throw context.UnsupportedType("axis", axis.Type);
        if (output.Type != TensorType.Int32) throw context.UnsupportedType("output", output.Type);
        if (input.Rank < 1) throw context.Error("input must have at least one dimension");
        if (axis.ElementCount < 1) throw context.Error("axis tensor is empty");
        _shape = input.ShapeArray;
        _float = input.Type == TensorType.Float32;
        if (axis.IsConstant)
        {
            _axis = ShapeHelpers.ResolveAxis(context, axis.AsReadOnlySpan<int>()[0], input.Rank);
            var shape = new List<int>(_shape);
            shape.RemoveAt(_axis);
            ShapeHelpers.EnsureOutputShape(context, 0, shape.ToArray());
        }
        _outputCount = output.ElementCount;
    }

    public void Invoke(InvokeContext context, bool max)
    {
        int axis = _axis;
        if (axis < 0)
        {
            int raw = context.Input<int>(1)[0];
            axis = raw < 0 ? raw + _shape.Length : raw;
            if (axis < 0 || axis >= _shape.Length) throw context.Error($"axis {raw} is out of range for rank {_shape.Length}");
        }
        int outer = AxisBlocks.Outer(_shape, axis), inner = AxisBlocks.Inner(_shape, axis), size = _shape[axis];
        if ((long)outer * inner != _outputCount) throw context.Error($"the output holds {_outputCount} elements, expected {(long)outer * inner}");
        Span<int> output = context.Output<int>(0);
        if (size == 0) { output.Clear(); return; }
        if (_float) Run(context.Input<float>(0), output, outer, size, inner, max);
        else Run(context.Input<sbyte>(0), output, outer, size, inner, max);
    }

    private static void Run<T>(ReadOnlySpan<T> input, Span<int> output, int outer, int size, int inner, bool max)
        where T : unmanaged
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                T best = input[o * size * inner + i];
                int bestIndex = 0;
                for (int k = 1; k < size; k++)
                {
                    T v = input[(o * size + k) * inner + i];
                    if (max ? Scalar.Less(best, v) : Scalar.Less(v, best))
                    {
                        best = v;
                        bestIndex = k;
                    }
                }
                output[o * inner + i] = bestIndex;
            }
    }
}
