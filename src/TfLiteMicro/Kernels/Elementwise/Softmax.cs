using System.Numerics;
using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>
/// SOFTMAX along the last axis. float32; int8 to int8 (scale 1/256, zero point -128) or to int16 (scale 1/65536,
/// zero point -32768) through gemmlowp's fixed-point exp and reciprocal; int16 to int16 (symmetric, scale 1/32768)
/// through interpolated exp and 1/(1+x) tables built in Prepare.
/// </summary>
internal sealed partial class Softmax : IKernel
{
    private const int AccumulationIntegerBits = Int8SoftmaxRow.AccumulationIntegerBits;

    private TensorType _inputType, _outputType;
    private int _depth, _outer;
    private float _beta;
    private ActivationParameters _parameters;
    private int _diffMin; // -_parameters.InputRangeRadius, as the int8 paths compare it

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(1, 1, 1);
        Tensor input = context.Input(0), output = context.Output(0);
        if (input.Rank < 1) throw context.Error("input must have at least one dimension");
        ElementwiseChecks.RequireType(context, input, "input", TensorType.Float32, TensorType.Int8, TensorType.Int16);
        if (input.Type == TensorType.Int8) ElementwiseChecks.RequireType(context, output, "output", TensorType.Int8, TensorType.Int16);
        else ElementwiseChecks.RequireSameType(context, input, "input", output, "output");
        ElementwiseChecks.RequireSameShape(context, input, "input", output, "output");
        _inputType = input.Type;
        _outputType = output.Type;
        _depth = input.Dim(-1);
        _outer = _depth == 0 ? 0 : input.ElementCount / _depth;
        _beta = SoftmaxOptions.Read(context).Beta;

        if (_inputType == TensorType.Float32) return;
        ElementwiseChecks.RequireQuantized(context, input, "input");
        ElementwiseChecks.RequireQuantized(context, output, "output");

        if (_inputType == TensorType.Int16)
        {
            ElementwiseChecks.RequireZeroPoint(context, input, "input", 0);
            ElementwiseChecks.RequireZeroPoint(context, output, "output", 0);
            if (Math.Abs(output.Scale - 1f / 32768) > 0.001f * 1f / 32768)
                throw context.Error($"INT16 output scale must be 1/32768, not {output.Scale}");
            (int multiplier, int shift) = FixedPoint.QuantizeMultiplier((double)input.Scale * _beta / (10.0 / 65535.0));
            _parameters = new ActivationParameters { Type = _inputType, InputMultiplier = multiplier, InputLeftShift = shift };
            return;
        }

        if (_outputType == TensorType.Int16)
        {
            ElementwiseChecks.RequireZeroPoint(context, output, "output", short.MinValue);
            if (Math.Abs(output.Scale - 1f / 65536) > 0.001f * 1f / 65536)
                throw context.Error($"INT16 output scale must be 1/65536, not {output.Scale}");
        }
        else
        {
            ElementwiseChecks.RequireZeroPoint(context, output, "output", sbyte.MinValue);
            if (output.Scale != 1f / 256)
                throw context.Error($"INT8 output scale must be 1/256, not {output.Scale}");
        }
        _parameters = ActivationPrepare.SoftmaxInt8(new ActivationParameters { Type = _inputType }, _beta, input.Scale);
        _diffMin = -_parameters.InputRangeRadius;
        PrepareOptimized(context);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_inputType)
        {
            case TensorType.Float32:
                SoftmaxFloat(context.Input<float>(0), context.Output<float>(0));
                break;
            case TensorType.Int16:
                SoftmaxInt16(context.Input<short>(0), context.Output<short>(0));
                break;
            default:
                if (_int8Optimized)
                {
                    if (_outputType == TensorType.Int8) SoftmaxInt8Optimized(context, context.Input<sbyte>(0), context.Output<sbyte>(0));
                    else SoftmaxInt8Optimized(context, context.Input<sbyte>(0), context.Output<short>(0));
                }
                else if (_outputType == TensorType.Int8) SoftmaxInt8(context, context.Input<sbyte>(0), context.Output<sbyte>(0));
                else SoftmaxInt8(context, context.Input<sbyte>(0), context.Output<short>(0));
                break;
        }
    }

    private void SoftmaxFloat(ReadOnlySpan<float> input, Span<float> output)
        => InnermostRows.Run(input, output, _outer, _depth, new FloatRow(_beta));

    /// <summary>The float function of a row: exp((x - max) * beta), normalized to sum to one.</summary>
    private readonly struct FloatRow(float beta) : IRowFunction<float, float>
    {
        public void Run(ReadOnlySpan<float> row, Span<float> output)
        {
            float max = InnermostRows.Max(row);
            float sum = 0f;
            for (int c = 0; c < row.Length; c++)
            {
                float e = MathF.Exp((row[c] - max) * beta);
                output[c] = e;
                sum += e;
            }
            for (int c = 0; c < row.Length; c++) output[c] /= sum;
        }
    }

    private void SoftmaxInt8<TOut>(InvokeContext context, ReadOnlySpan<sbyte> input, Span<TOut> output)
        where TOut : unmanaged
    {
        int outputBits = typeof(TOut) == typeof(short) ? 16 : 8;
        int outMin = Scalar.MinValue<TOut>(), outMax = Scalar.MaxValue<TOut>();
        for (int i = 0; i < _outer; i++)
        {
            ReadOnlySpan<sbyte> row = input.Slice(i * _depth, _depth);
            Span<TOut> outRow = output.Slice(i * _depth, _depth);
            int max = Int8SoftmaxRow.Max(row);
            int sumOfExps = Int8SoftmaxRow.SumOfExps(row, max, _parameters);
            int shiftedScale = Normalisation(context, sumOfExps, outputBits, out int exponent);
            for (int c = 0; c < row.Length; c++)
            {
                int diff = row[c] - max;
                if (diff < _diffMin)
                {
                    outRow[c] = Scalar.Truncate<TOut>(Scalar.MinValue<TOut>());
                    continue;
                }
                outRow[c] = Scalar.Truncate<TOut>(Normalised(ExpOfDifference(diff), shiftedScale, exponent, outMin, outMax));
            }
        }
    }

    private int ExpOfDifference(int diff) => Int8SoftmaxRow.ExpOfDifference(diff, _parameters);

    private static int ToAccumulation(int expQ0) => Int8SoftmaxRow.ToAccumulation(expQ0);

    /// <summary>The reciprocal of a row's sum of exps and the shift that brings exp times it to the output's range.</summary>
    private static int Normalisation(InvokeContext context, int sumOfExps, int outputBits, out int exponent)
    {
        int shiftedScale = FixedPoint.GetReciprocal(sumOfExps, AccumulationIntegerBits, out int bitsOverUnit);
        exponent = bitsOverUnit + 31 - outputBits;
        if (exponent < 0 || exponent > 31) throw context.Error($"softmax normalisation shift {exponent} is out of range");
        return shiftedScale;
    }

    /// <summary>One output value: exp times the row's reciprocal, shifted, offset by the output's zero point and clamped.</summary>
    private static int Normalised(int expQ0, int shiftedScale, int exponent, int outMin, int outMax)
    {
        int unsaturated = FixedPoint.RoundingDivideByPOT(FixedPoint.Multiply(shiftedScale, expQ0), exponent);
        return Clamp.Int(unchecked(unsaturated + outMin), outMin, outMax);
    }

    private void SoftmaxInt16(ReadOnlySpan<short> input, Span<short> output)
    {
        for (int i = 0; i < _outer; i++)
        {
            ReadOnlySpan<short> row = input.Slice(i * _depth, _depth);
            Span<short> exps = output.Slice(i * _depth, _depth); // Q0.15, replaced by the result below
            short max = short.MinValue;
            foreach (short v in row) max = Math.Max(max, v);

            int sumOfExps = 0; // Q16.15
            for (int c = 0; c < row.Length; c++)
            {
                int diff = row[c] - max;
                int scaled = FixedPoint.MultiplyByQuantizedMultiplier(diff, _parameters.InputMultiplier, _parameters.InputLeftShift);
                short symmetric = (short)Clamp.Int(unchecked(scaled + 32767), short.MinValue, short.MaxValue);
                exps[c] = LookupTables.Lookup(symmetric, Int16Tables.Exp);
                sumOfExps = unchecked(sumOfExps + exps[c]);
            }

            int headroomPlusOne = BitOperations.LeadingZeroCount((uint)sumOfExps);
            int shiftedSum = (int)((((long)sumOfExps << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
            short symmetricSum = (short)Clamp.Int(unchecked(shiftedSum - ((1 << 15) + (1 << 16))), short.MinValue, short.MaxValue);
            int reciprocal = LookupTables.Lookup(symmetricSum, Int16Tables.Reciprocal);

            int rightShift = 31 - headroomPlusOne;
            long round = 1L << (rightShift - 1);
            for (int c = 0; c < row.Length; c++)
            {
                int result = (int)(((long)exps[c] * reciprocal + round) >> rightShift);
                exps[c] = (short)Clamp.Int(result, 0, short.MaxValue);
            }
        }
    }

    /// <summary>
    /// The int16 path's tables: exp on [-10, 0] and 1/(1+x) on [0, 1]. They depend on nothing in the model, so every
    /// SOFTMAX node of every interpreter shares one copy, built the first time an int16 softmax is prepared.
    /// </summary>
    private static class Int16Tables
    {
        private const float Range = short.MaxValue - short.MinValue;

        public static readonly short[] Exp = Build(10.0f / Range, short.MaxValue, static x => MathF.Exp(x));
        public static readonly short[] Reciprocal = Build(1.0f / Range, short.MinValue, static x => 1.0f / (1.0f + x));

        private static short[] Build(float inputScale, int inputZeroPoint, Func<float, float> function)
        {
            var table = new short[LookupTables.Int16Size];
            LookupTables.PopulateInt16(inputScale, inputZeroPoint, 2.0f / Range, 0, function, table);
            return table;
        }
    }
}
