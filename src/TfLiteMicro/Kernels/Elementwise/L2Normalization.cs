using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>L2_NORMALIZATION along the last axis: float32, and int8 with a fixed-point inverse square root (output in Q7).</summary>
internal sealed class L2Normalization : IKernel
{
    private TensorType _type;
    private int _inputZeroPoint;
    private int _depth;
    private int _outer;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        ElementwiseChecks.RequireType(context, output, "output", TensorType.Float32, TensorType.Int8);
        ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        ElementwiseChecks.RequireSameShape(context, input, "input", output, "output");
        if (input.Rank > 4) throw context.Error($"input rank {input.Rank} exceeds 4");
        if (input.Rank < 1) throw context.Error("input must have at least one dimension");
        if (L2NormOptions.Read(context).FusedActivationFunction != FusedActivation.None)
            throw context.Error("a fused activation is not supported");
        _type = input.Type;
        _depth = input.Dim(-1);
        _outer = _depth == 0 ? 0 : input.ElementCount / _depth;
        _inputZeroPoint = _type == TensorType.Int8 ? input.ZeroPoint : 0;
    }

    public void Invoke(InvokeContext context)
    {
        if (_type == TensorType.Float32)
        {
            InnermostRows.Run(context.Input<float>(0), context.Output<float>(0), _outer, _depth, default(FloatRow));
            return;
        }

        ReadOnlySpan<sbyte> q = context.Input<sbyte>(0);
        Span<sbyte> o = context.Output<sbyte>(0);
        for (int i = 0; i < _outer; i++)
        {
            ReadOnlySpan<sbyte> row = q.Slice(i * _depth, _depth);
            int accumulator = 0;
            foreach (sbyte v in row)
            {
                int centered = v - _inputZeroPoint;
                accumulator = unchecked(accumulator + centered * centered);
            }
            (int multiplier, int shift) = FixedPointMath.InvSqrtQuantizedMultiplierExp(accumulator, -1);
            Span<sbyte> outRow = o.Slice(i * _depth, _depth);
            for (int c = 0; c < _depth; c++)
            {
                int value = FixedPoint.MultiplyByQuantizedMultiplier(row[c] - _inputZeroPoint, multiplier, shift + 7);
                outRow[c] = (sbyte)Clamp.Int(value, sbyte.MinValue, sbyte.MaxValue);
            }
        }
    }

    /// <summary>The float function of a row: x / max(sqrt(sum of squares), 1e-6).</summary>
    private readonly struct FloatRow : IRowFunction<float, float>
    {
        public void Run(ReadOnlySpan<float> row, Span<float> output)
        {
            float squared = 0f;
            foreach (float v in row) squared += v * v;
            float norm = Math.Max(MathF.Sqrt(squared), 1e-6f);
            for (int c = 0; c < row.Length; c++) output[c] = row[c] / norm;
        }
    }
}
