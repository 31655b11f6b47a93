using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// LOG_SOFTMAX along the last axis: float32, and int8 (output scale 16/256, zero point 127) through fixed-point exp,
/// log and a reverse scaling of the log-sum back to the input's scale.
/// </summary>
internal sealed class LogSoftmax : IKernel
{
    private const int ScaledDiffIntegerBits = Int8SoftmaxRow.ScaledDiffIntegerBits;
    private const int AccumulationIntegerBits = Int8SoftmaxRow.AccumulationIntegerBits;
    private const int OutputIntegerBits = 4;

    private TensorType _type;
    private int _depth, _outer;
    private ActivationParameters _parameters;
    private int _reverseScalingDivisor, _reverseScalingShift;

    public void Prepare(PrepareContext context)
    {
        ActivationParameters p = ActivationPrepare.Unary(context, int16: false, quantizedOutput: false);
        Tensor input = context.Input(0), output = context.Output(0);
        if (input.Rank < 1) throw context.Error("input must have at least one dimension");
        _type = p.Type;
        _depth = input.Dim(-1);
        _outer = _depth == 0 ? 0 : input.ElementCount / _depth;
        if (_type == TensorType.Float32) return;

        if (output.Scale != 16.0f / 256 || output.ZeroPoint != 127)
            throw context.Error($"INT8 output must have scale 16/256 and zero point 127 (has {output.Scale} and {output.ZeroPoint})");
        _parameters = ActivationPrepare.SoftmaxInt8(p, 1.0, input.Scale);
        double reverseScaling = (1L << (31 - _parameters.InputLeftShift)) / (double)_parameters.InputMultiplier;
        (_reverseScalingDivisor, _reverseScalingShift) = FixedPoint.QuantizeMultiplier(reverseScaling);
    }

    public void Invoke(InvokeContext context)
    {
        if (_type == TensorType.Float32)
        {
            InnermostRows.Run(context.Input<float>(0), context.Output<float>(0), _outer, _depth, default(FloatRow));
            return;
        }

        int diffMin = -_parameters.InputRangeRadius;
        ReadOnlySpan<sbyte> q = context.Input<sbyte>(0);
        Span<sbyte> o = context.Output<sbyte>(0);
        for (int i = 0; i < _outer; i++)
        {
            ReadOnlySpan<sbyte> row = q.Slice(i * _depth, _depth);
            Span<sbyte> outRow = o.Slice(i * _depth, _depth);
            int max = Int8SoftmaxRow.Max(row);
            int sumOfExps = Int8SoftmaxRow.SumOfExps(row, max, _parameters);

            int logSumQ5 = FixedPointMath.LogXForXGreaterThanOrEqualTo1(sumOfExps, AccumulationIntegerBits, ScaledDiffIntegerBits);
            int shiftedLogSum = unchecked(logSumQ5 + int.MinValue);
            int adjustedDiffMin = Math.Max(diffMin - 1,
                FixedPoint.MultiplyByQuantizedMultiplier(shiftedLogSum, _reverseScalingDivisor, _reverseScalingShift));

            for (int c = 0; c < row.Length; c++)
            {
                int diff = row[c] - max;
                if (diff <= adjustedDiffMin)
                {
                    outRow[c] = sbyte.MinValue;
                    continue;
                }
                int diffQ5 = FixedPoint.MultiplyByQuantizedMultiplier(diff, _parameters.InputMultiplier, _parameters.InputLeftShift);
                int value = FixedPoint.RoundingDivideByPOT(unchecked(diffQ5 - logSumQ5), 31 - ScaledDiffIntegerBits - OutputIntegerBits) + sbyte.MaxValue;
                outRow[c] = (sbyte)Clamp.Int(value, sbyte.MinValue, sbyte.MaxValue);
            }
        }
    }

    /// <summary>The float function of a row: x - max - log(sum of exp(x - max)).</summary>
    private readonly struct FloatRow : IRowFunction<float, float>
    {
        public void Run(ReadOnlySpan<float> row, Span<float> output)
        {
            float max = InnermostRows.Max(row);
            float sum = 0f;
            foreach (float v in row) sum += MathF.Exp(v - max);
            float logSum = MathF.Log(sum);
            for (int c = 0; c < row.Length; c++) output[c] = row[c] - max - logSum;
        }
    }
}
