using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// CUMSUM along a constant or run-time axis, optionally exclusive and/or reversed. float32 sums in float; int8
/// rescales each input to a shared 20-bit-shifted scale, accumulates in int32 and requantizes as TFLM does.
/// </summary>
internal sealed class CumSum : IKernel
{
    private const int IntegerShift = 20;
    private int[] _shape = [];
    private bool _exclusive, _reverse, _float;
    private int _inputOffset, _outputOffset, _inputMultiplier, _inputShift, _outputMultiplier, _outputShift;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input = context.Input(0);
        Tensor axis = context.Input(1);
        Tensor output = context.Output(0);
        ShapeHelpers.RequireType(context, "input", input.Type, TensorType.Float32, TensorType.Int8);
        if (axis.Type != TensorType.Int32) throw context.UnsupportedType("axis", axis.Type);
        if (axis.ElementCount != 1) throw context.Error($"axis must hold one value, holds {axis.ElementCount}");
        if (input.Rank < 1) throw context.Error("input must have at least one dimension");
        ShapeHelpers.RequireSameType(context, input, "input", output, "output");
        ShapeHelpers.EnsureOutputShape(context, 0, input.Shape);
        if (axis.IsConstant) ShapeHelpers.ResolveAxis(context, axis.AsReadOnlySpan<int>()[0], input.Rank);
        _shape = input.ShapeArray;
        CumsumOptions options = CumsumOptions.Read(context);
        _exclusive = options.Exclusive;
        _reverse = options.Reverse;
        _float = input.Type == TensorType.Float32;
        if (_float) return;
        _inputOffset = -input.ZeroPoint;
        _outputOffset = output.ZeroPoint;
        double twiceMaxInputScale = 2.0 * input.Scale;
        double realInput = input.Scale / twiceMaxInputScale;
        double realOutput = twiceMaxInputScale / ((1 << IntegerShift) * (double)output.Scale);
        if (!(realInput > 0 && realInput < 1) || !(realOutput > 0 && realOutput < 1))
            throw context.Error($"quantization scales (input {input.Scale}, output {output.Scale}) are not supported");
        (_inputMultiplier, _inputShift) = FixedPoint.QuantizeMultiplierSmallerThanOneExp(realInput);
        (_outputMultiplier, _outputShift) = FixedPoint.QuantizeMultiplierSmallerThanOneExp(realOutput);
    }

    public void Invoke(InvokeContext context)
    {
        int raw = context.Input<int>(1)[0];
        int axis = raw < 0 ? raw + _shape.Length : raw;
        if (axis < 0 || axis >= _shape.Length) throw context.Error($"axis {raw} is out of range for rank {_shape.Length}");
        int before = AxisBlocks.Outer(_shape, axis), after = AxisBlocks.Inner(_shape, axis), depth = _shape[axis];
        if (_float) RunFloat(context.Input<float>(0), context.Output<float>(0), before, depth, after);
        else RunInt8(context.Input<sbyte>(0), context.Output<sbyte>(0), before, depth, after);
    }

    private void RunFloat(ReadOnlySpan<float> input, Span<float> output, int before, int depth, int after)
    {
        for (int a = 0; a < after; a++)
        {
            int aa = _reverse ? after - 1 - a : a;
            for (int b = 0; b < before; b++)
            {
                int bb = _reverse ? before - 1 - b : b;
                float acc = 0;
                for (int d = 0; d < depth; d++)
                {
                    int dd = _reverse ? depth - 1 - d : d;
                    int index = aa + bb * depth * after + dd * after;
                    if (_exclusive) { output[index] = acc; acc += input[index]; }
                    else { acc += input[index]; output[index] = acc; }
                }
            }
        }
    }

    private void RunInt8(ReadOnlySpan<sbyte> input, Span<sbyte> output, int before, int depth, int after)
    {
        for (int a = 0; a < after; a++)
        {
            int aa = _reverse ? after - 1 - a : a;
            for (int b = 0; b < before; b++)
            {
                int bb = _reverse ? before - 1 - b : b;
                int acc = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(
                    unchecked(_inputOffset * (1 << IntegerShift)), _inputMultiplier, _inputShift);
                for (int d = 0; d < depth; d++)
                {
                    int dd = _reverse ? depth - 1 - d : d;
                    int index = aa + bb * depth * after + dd * after;
                    int y = _inputOffset + input[index];
                    int scaled = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(unchecked(y * (1 << IntegerShift)), _inputMultiplier, _inputShift);
                    int result;
                    if (_exclusive) { result = acc; acc = unchecked(acc + scaled); }
                    else { acc = unchecked(acc + scaled); result = acc; }
                    int raw = FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(result, _outputMultiplier, _outputShift) + _outputOffset;
                    output[index] = (sbyte)Math.Clamp(raw, sbyte.MinValue, sbyte.MaxValue);
                }
            }
        }
    }
}
