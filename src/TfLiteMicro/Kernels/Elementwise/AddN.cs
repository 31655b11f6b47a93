using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>ADD_N: the sum of two or more tensors of one shape; float32, and int8 (all inputs sharing one quantization).</summary>
internal sealed class AddN : IKernel
{
    private const int LeftShift = 20;
    private TensorType _type;
    private int _inputs;
    private int _count;
    private int _scratch;
    private int _inputOffset, _inputMultiplier, _inputShift;
    private int _outputOffset, _outputMultiplier, _outputShift;

    public void Prepare(PrepareContext context)
    {
        if (context.InputCount < 2) throw context.Error($"expects at least 2 inputs but has {context.InputCount}");
        if (context.OutputCount != 1) throw context.Error($"expects 1 output but has {context.OutputCount}");
        Tensor first = context.Input(0), output = context.Output(0);
        ElementwiseChecks.RequireType(context, output, "output", TensorType.Float32, TensorType.Int8);
        ElementwiseChecks.RequireSameType(context, first, "input 0", output, "output");
        ElementwiseChecks.RequireSameShape(context, first, "input 0", output, "output");
        _inputs = context.InputCount;
        for (int i = 1; i < _inputs; i++)
        {
            Tensor input = context.Input(i);
            ElementwiseChecks.RequireSameShape(context, first, "input 0", input, $"input {i}");
            ElementwiseChecks.RequireSameType(context, first, "input 0", input, $"input {i}");
            if (first.Type == TensorType.Int8 && (first.ZeroPoint != input.ZeroPoint || first.Scale != input.Scale))
                throw context.Error($"input {i} must share input 0's scale and zero point");
        }
        _type = output.Type;
        _count = output.ElementCount;
        if (_type == TensorType.Float32) return;

        ElementwiseChecks.RequireQuantized(context, first, "input 0");
        ElementwiseChecks.RequireQuantized(context, output, "output");
        double twiceMaxInputScale = 2 * (double)first.Scale;
        (_inputMultiplier, _inputShift) = FixedPoint.QuantizeMultiplier(first.Scale / twiceMaxInputScale);
        (_outputMultiplier, _outputShift) = FixedPoint.QuantizeMultiplier(twiceMaxInputScale / ((1 << LeftShift) * (double)output.Scale));
        _inputOffset = -first.ZeroPoint;
        _outputOffset = output.ZeroPoint;
        _scratch = context.RequestScratch(checked(_count * sizeof(int)));
    }

    public void Invoke(InvokeContext context)
    {
        if (_type == TensorType.Float32)
        {
            Span<float> output = context.Output<float>(0)[.._count];
            output.Clear();
            for (int j = 0; j < _inputs; j++)
            {
                ReadOnlySpan<float> input = context.Input<float>(j);
                for (int i = 0; i < output.Length; i++) output[i] += input[i];
            }
            return;
        }

        Span<int> sums = context.Scratch<int>(_scratch)[.._count];
        // The reference seeds each sum with the scaled input offset (one extra -zero_point term), and so does this.
        sums.Fill(FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(_inputOffset * (1 << LeftShift), _inputMultiplier, _inputShift));
        for (int j = 0; j < _inputs; j++)
        {
            ReadOnlySpan<sbyte> input = context.Input<sbyte>(j);
            for (int i = 0; i < sums.Length; i++)
            {
                int shifted = (_inputOffset + input[i]) * (1 << LeftShift);
                sums[i] = unchecked(sums[i] + FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted, _inputMultiplier, _inputShift));
            }
        }
        Span<sbyte> result = context.Output<sbyte>(0);
        for (int i = 0; i < sums.Length; i++)
        {
            int raw = unchecked(FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(sums[i], _outputMultiplier, _outputShift) + _outputOffset);
            result[i] = (sbyte)Clamp.Int(raw, sbyte.MinValue, sbyte.MaxValue);
        }
    }
}
