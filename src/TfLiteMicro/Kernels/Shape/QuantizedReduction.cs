using System.Numerics;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// The int8/int16 path of MEAN and SUM: int32 sums in a scratch buffer, the zero point removed as
/// sum - zp * count, and one requantization by input_scale / output_scale (for MEAN with 1/count folded into
/// the multiplier as TFLM does, at the precision its shift clamp allows).
/// </summary>
internal sealed class QuantizedReduction
{
    private int _multiplier, _shift, _inputZeroPoint, _outputZeroPoint, _scratch;
    private bool _mean;

    public void Prepare(PrepareContext context, Reduction reduction, bool mean)
    {
        Tensor input = context.Input(0);
        Tensor output = context.Output(0);
        _mean = mean;
        double real = (double)input.Scale / output.Scale;
        if (!double.IsFinite(real) || real < 0) throw context.Error($"invalid quantization scales (input {input.Scale}, output {output.Scale})");
        (_multiplier, _shift) = FixedPoint.QuantizeMultiplier(real);
        _inputZeroPoint = input.ZeroPoint;
        _outputZeroPoint = output.ZeroPoint;
        _scratch = context.RequestScratch(sizeof(int) * Math.Max(1, reduction.OutputCount));
    }

    public void Invoke<T, TStep>(InvokeContext context, Reduction reduction, ReadOnlySpan<T> input, Span<T> output, int min, int max)
        where T : unmanaged
        where TStep : struct, IReduceStep<T, int>
    {
        Span<int> strideBuffer = stackalloc int[StridedCopy.MaxRank];
        ReadOnlySpan<int> strides = reduction.Layout(context, strideBuffer, out int count);
        Span<int> sums = context.Scratch<int>(_scratch)[..output.Length];
        sums.Clear();
        output.Clear();
        reduction.Run<T, int, TStep>(input, strides, sums);
        if (count == 0) return;
        int multiplier = _multiplier, shift = _shift;
        if (_mean)
        {
            int s = 63 - BitOperations.LeadingZeroCount((ulong)count);
            s = Math.Min(s, 32);
            s = Math.Max(Math.Min(s, 31 + shift), 0);
            multiplier = (int)(((long)multiplier << s) / count);
            shift -= s;
        }
        int zeroSum = unchecked(_inputZeroPoint * count);
        for (int i = 0; i < output.Length; i++)
        {
            int shifted = unchecked(sums[i] - zeroSum);
            int value = FixedPoint.MultiplyByQuantizedMultiplier(shifted, multiplier, shift) + _outputZeroPoint;
            output[i] = Scalar.Truncate<T>(Math.Clamp(value, min, max));
        }
    }
}
