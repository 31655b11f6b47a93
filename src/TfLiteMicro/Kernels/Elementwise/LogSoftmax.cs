using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// LOG_SOFTMAX along the last axis: float32, and int8 (output scale 16/256, zero point 127) through fixed-point exp,
/// log and a reverse scaling of the log-sum back to the input's scale.
/// </summary>
internal sealed class LogSoftmax : IKernel
{
    private const int ScaledDiffIntegerBits = 5;
    private const int AccumulationIntegerBits = 12;
    private const int OutputIntegerBits = 4;

    private TensorType _type;
    private int _depth, _outer;
    private int _inputMultiplier, _inputLeftShift;
    private int _reverseScalingDivisor, _reverseScalingShift;
    private int _diffMin;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        if (input.Rank < 1) throw context.Error("input must have at least one dimension");
        ElementwiseChecks.RequireType(context, input, "input", TensorType.Float32, TensorType.Int8);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        ElementwiseChecks.RequireSameShape(context, input, "input", output, "output");
        _type = input.Type;
        _depth = input.Dim(-1);
        _outer = _depth == 0 ? 0 : input.ElementCount / _depth;
        if (_type == TensorType.Float32) return;

        ElementwiseChecks.RequireQuantized(context, input, "input");
        if (output.Scale != 16.0f / 256 || output.ZeroPoint != 127)
            throw context.Error($"INT8 output must have scale 16/256 and zero point 127 (has {output.Scale} and {output.ZeroPoint})");
        (_inputMultiplier, _inputLeftShift) = FixedPoint.PreprocessSoftmaxScaling(1.0, input.Scale, ScaledDiffIntegerBits);
        double reverseScaling = (1L << (31 - _inputLeftShift)) / (double)_inputMultiplier;
        (_reverseScalingDivisor, _reverseScalingShift) = FixedPoint.QuantizeMultiplier(reverseScaling);
        _diffMin = -FixedPoint.CalculateInputRadius(ScaledDiffIntegerBits, _inputLeftShift);
    }

    public void Invoke(InvokeContext context)
    {
        if (_type == TensorType.Float32)
        {
            ReadOnlySpan<float> input = context.Input<float>(0);
            Span<float> output = context.Output<float>(0);
            for (int i = 0; i < _outer; i++)
            {
                ReadOnlySpan<float> row = input.Slice(i * _depth, _depth);
                Span<float> outRow = output.Slice(i * _depth, _depth);
                float max = float.MinValue;
                foreach (float v in row) max = max < v ? v : max;
                float sum = 0f;
                foreach (float v in row) sum += MathF.Exp(v - max);
                float logSum = MathF.Log(sum);
                for (int c = 0; c < row.Length; c++) outRow[c] = row[c] - max - logSum;
            }
            return;
        }

        ReadOnlySpan<sbyte> q = context.Input<sbyte>(0);
        Span<sbyte> o = context.Output<sbyte>(0);
        for (int i = 0; i < _outer; i++)
        {
            ReadOnlySpan<sbyte> row = q.Slice(i * _depth, _depth);
            Span<sbyte> outRow = o.Slice(i * _depth, _depth);
            int max = sbyte.MinValue;
            foreach (sbyte v in row) max = Math.Max(max, v);

            int sumOfExps = 0; // Q12
            foreach (sbyte v in row)
            {
                int diff = v - max;
                if (diff < _diffMin) continue;
                int diffQ5 = FixedPoint.MultiplyByQuantizedMultiplier(diff, _inputMultiplier, _inputLeftShift);
                sumOfExps = unchecked(sumOfExps + FixedPoint.Rescale(FixedPoint.ExpOnNegativeValues(diffQ5, ScaledDiffIntegerBits), 0, AccumulationIntegerBits));
            }

            int logSumQ5 = FixedPointMath.LogXForXGreaterThanOrEqualTo1(sumOfExps, AccumulationIntegerBits, ScaledDiffIntegerBits);
            int shiftedLogSum = unchecked(logSumQ5 + int.MinValue);
            int adjustedDiffMin = Math.Max(_diffMin - 1,
                FixedPoint.MultiplyByQuantizedMultiplier(shiftedLogSum, _reverseScalingDivisor, _reverseScalingShift));

            for (int c = 0; c < row.Length; c++)
            {
                int diff = row[c] - max;
                if (diff <= adjustedDiffMin)
                {
                    outRow[c] = sbyte.MinValue;
                    continue;
                }
                int diffQ5 = FixedPoint.MultiplyByQuantizedMultiplier(diff, _inputMultiplier, _inputLeftShift);
                int value = FixedPoint.RoundingDivideByPOT(unchecked(diffQ5 - logSumQ5), 31 - ScaledDiffIntegerBits - OutputIntegerBits) + sbyte.MaxValue;
                outRow[c] = (sbyte)Clamp.Int(value, sbyte.MinValue, sbyte.MaxValue);
            }
        }
    }
}
