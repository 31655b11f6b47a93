using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>The binary element-wise operations that share <see cref="BinaryParameters"/>.</summary>
internal enum BinaryOperation : byte
{
    Add,
    Subtract,
    Multiply,
    Divide,
    SquaredDifference,
    Minimum,
    Maximum,
    /// <summary>EQUAL, NOT_EQUAL, GREATER, ...: bool output; int8 inputs are brought to a common scale first.</summary>
    Compare,
}

/// <summary>
/// Everything a binary element-wise node needs at Invoke, computed once by <see cref="Prepare"/>: the element type,
/// the broadcast, the fused activation range, and the requantization of the quantized paths. The quantized fields
/// mean, per operation (TFLite's arithmetic):
/// ADD/SUB/SQUARED_DIFFERENCE and int8 comparisons shift each offset input left by <see cref="LeftShift"/> and scale
/// it by its own multiplier to a common scale; ADD/SUB/SQUARED_DIFFERENCE then rescale the sum, difference or squared
/// difference by the output multiplier. MUL and DIV use only the output multiplier, on the product or the quotient.
/// </summary>
internal readonly record struct BinaryParameters
{
    public TensorType Type { get; init; }
    public BinaryOperation Operation { get; init; }
    public BroadcastShape Shape { get; init; }

    /// <summary>The fused activation range of float outputs.</summary>
    public float FloatMin { get; init; }
    public float FloatMax { get; init; }

    /// <summary>The output range of integer outputs: the fused activation's, within the output type's limits.</summary>
    public int Min { get; init; }
    public int Max { get; init; }

    public int LeftShift { get; init; }
    public int Input1Offset { get; init; }
    public int Input1Multiplier { get; init; }
    public int Input1Shift { get; init; }
    public int Input2Offset { get; init; }
    public int Input2Multiplier { get; init; }
    public int Input2Shift { get; init; }
    public int OutputOffset { get; init; }
    public int OutputMultiplier { get; init; }
    public int OutputShift { get; init; }

    private static readonly TensorType[] ArithmeticTypes = [TensorType.Float32, TensorType.Int32, TensorType.Int8, TensorType.Int16];
    private static readonly TensorType[] DivideTypes = [TensorType.Float32, TensorType.Int32, TensorType.Int8];
    private static readonly TensorType[] MinMaxTypes = [TensorType.Float32, TensorType.Int8, TensorType.Int16, TensorType.Int32, TensorType.Int64];

    /// <summary>
    /// The checks and parameters of every binary element-wise op: tensor counts and types, the broadcast (up to the
    /// rank TFLM supports for the op), and for quantized types the scales, zero points and multipliers.
    /// <paramref name="compareTypes"/> are the input types a comparison accepts.
    /// </summary>
    public static BinaryParameters Prepare(PrepareContext context, BinaryOperation operation,
        FusedActivation activation = FusedActivation.None, TensorType[]? compareTypes = null)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input1 = context.Input(0), input2 = context.Input(1), output = context.Output(0);
        int maxRank;
        switch (operation)
        {
            case BinaryOperation.Add or BinaryOperation.Subtract:
                ElementwiseChecks.RequireType(context, output, "output", ArithmeticTypes);
                ElementwiseChecks.RequireSameType(context, input1, "input 0", output, "output");
                ElementwiseChecks.RequireSameType(context, input2, "input 1", output, "output");
                maxRank = 6;
                break;
            case BinaryOperation.Compare:
                ElementwiseChecks.RequireType(context, input1, "input", compareTypes ?? []);
                ElementwiseChecks.RequireSameType(context, input1, "input 0", input2, "input 1");
                ElementwiseChecks.RequireType(context, output, "output", TensorType.Bool);
                maxRank = 4;
                break;
            default:
                TensorType[] types = operation switch
                {
                    BinaryOperation.Divide => DivideTypes,
                    BinaryOperation.Minimum or BinaryOperation.Maximum => MinMaxTypes,
                    _ => ArithmeticTypes,
                };
                ElementwiseChecks.RequireType(context, operation == BinaryOperation.Divide ? output : input1, operation == BinaryOperation.Divide ? "output" : "input", types);
                ElementwiseChecks.RequireSameType(context, input1, "input 0", input2, "input 1");
                ElementwiseChecks.RequireSameType(context, input1, "input 0", output, "output");
                maxRank = operation switch { BinaryOperation.Multiply => 6, BinaryOperation.SquaredDifference => 4, _ => 5 };
                break;
        }

        TensorType type = input1.Type;
        var p = new BinaryParameters { Type = type, Operation = operation, Shape = BroadcastShape.Create(context, output, maxRank, input1, input2) };
        if (operation is BinaryOperation.Minimum or BinaryOperation.Maximum) return p;
        if (operation == BinaryOperation.Compare) return type == TensorType.Int8 ? p.WithComparisonScales(context, input1, input2) : p;

        switch (type)
        {
            case TensorType.Float32:
                (float floatMin, float floatMax) = ActivationRange.Float(activation);
                return p with { FloatMin = floatMin, FloatMax = floatMax };
            case TensorType.Int32:
                if (operation is BinaryOperation.Add or BinaryOperation.Divide && (input1.Quantization.IsQuantized || input2.Quantization.IsQuantized))
                    throw context.Error("INT32 inputs must not be quantized");
                if (operation == BinaryOperation.Subtract && (input1.Quantization.IsQuantized || input2.Quantization.IsQuantized || output.Quantization.IsQuantized))
                    throw context.Error("INT32 tensors must not be quantized");
                (int intMin, int intMax) = operation == BinaryOperation.SquaredDifference ? (int.MinValue, int.MaxValue) : Clamp.Int32Range(activation);
                return p with { Min = intMin, Max = intMax };
        }

        ElementwiseChecks.RequireQuantized(context, input1, "input 0");
        ElementwiseChecks.RequireQuantized(context, input2, "input 1");
        ElementwiseChecks.RequireQuantized(context, output, "output");
        (int min, int max) = operation == BinaryOperation.SquaredDifference ? ActivationRange.TypeLimits(type) : ActivationRange.Quantized(activation, output);
        p = p with { Input1Offset = -input1.ZeroPoint, Input2Offset = -input2.ZeroPoint, OutputOffset = output.ZeroPoint, Min = min, Max = max };
        return operation switch
        {
            BinaryOperation.Add => p.WithSumScales(input1.Scale, input2.Scale, output.Scale),
            BinaryOperation.Subtract => p.WithDifferenceScales(input1.Scale, input2.Scale, output.Scale),
            BinaryOperation.Multiply => p.WithProductScale(context, input1, input2, output),
            BinaryOperation.Divide => p.WithOutputScale(FixedPoint.QuantizeMultiplier(input1.Scale / (input2.Scale * output.Scale))),
            _ => p.WithSquaredDifferenceScales(context, input1, input2, output),
        };
    }

    private BinaryParameters WithSumScales(double scale1, double scale2, double outputScale)
    {
        int leftShift = Type == TensorType.Int16 ? 15 : 20;
        double twiceMaxInputScale = 2 * Math.Max(scale1, scale2);
        return WithInputScales(leftShift, scale1 / twiceMaxInputScale, scale2 / twiceMaxInputScale)
            .WithOutputScale(FixedPoint.QuantizeMultiplier(twiceMaxInputScale / ((1 << leftShift) * outputScale)));
    }

    // SUB computes its multipliers in single precision, unlike ADD.
    private BinaryParameters WithDifferenceScales(float scale1, float scale2, float outputScale)
    {
        int leftShift = Type == TensorType.Int16 ? 15 : 20;
        float twiceMaxInputScale = 2 * Math.Max(scale1, scale2);
        return WithInputScales(leftShift, scale1 / twiceMaxInputScale, scale2 / twiceMaxInputScale)
            .WithOutputScale(FixedPoint.QuantizeMultiplier(twiceMaxInputScale / ((1 << leftShift) * outputScale)));
    }

    private BinaryParameters WithProductScale(PrepareContext context, Tensor input1, Tensor input2, Tensor output)
    {
        if (Type == TensorType.Int16)
        {
            ElementwiseChecks.RequireZeroPoint(context, input1, "input 0", 0);
            ElementwiseChecks.RequireZeroPoint(context, input2, "input 1", 0);
            ElementwiseChecks.RequireZeroPoint(context, output, "output", 0);
        }
        return WithOutputScale(FixedPoint.QuantizeMultiplier((double)input1.Scale * input2.Scale / output.Scale));
    }

    private BinaryParameters WithSquaredDifferenceScales(PrepareContext context, Tensor input1, Tensor input2, Tensor output)
    {
        int leftShift;
        if (Type == TensorType.Int8)
        {
            foreach ((Tensor t, string what) in new[] { (input1, "input 0"), (input2, "input 1"), (output, "output") })
                if (t.ZeroPoint < sbyte.MinValue || t.ZeroPoint > sbyte.MaxValue)
                    throw context.Error($"{what} zero point {t.ZeroPoint} is outside the INT8 range");
            leftShift = 7;
        }
        else
        {
            ElementwiseChecks.RequireZeroPoint(context, input1, "input 0", 0);
            ElementwiseChecks.RequireZeroPoint(context, input2, "input 1", 0);
            ElementwiseChecks.RequireZeroPoint(context, output, "output", 0);
            leftShift = 0;
        }
        double twiceMaxInputScale = 2.0 * Math.Max(input1.Scale, input2.Scale);
        // The divisor is formed in single precision, as the reference does.
        float divisor = (1 << (leftShift * 2)) * output.Scale;
        return WithInputScales(leftShift, input1.Scale / twiceMaxInputScale, input2.Scale / twiceMaxInputScale)
            .WithOutputScale(FixedPoint.QuantizeMultiplier(twiceMaxInputScale * twiceMaxInputScale / divisor));
    }

    // TFLM prepares comparison scales for int8 only; its int16 path scales with all-zero parameters, so every value
    // compares as 0. The all-zero parameters of other types reproduce that.
    private BinaryParameters WithComparisonScales(PrepareContext context, Tensor input1, Tensor input2)
    {
        ElementwiseChecks.RequireQuantized(context, input1, "input 0");
        ElementwiseChecks.RequireQuantized(context, input2, "input 1");
        return (this with { Input1Offset = -input1.ZeroPoint, Input2Offset = -input2.ZeroPoint }).WithInputScales(8, input1.Scale, input2.Scale);
    }

    private BinaryParameters WithInputScales(int leftShift, double realMultiplier1, double realMultiplier2)
    {
        (int m1, int s1) = FixedPoint.QuantizeMultiplier(realMultiplier1);
        (int m2, int s2) = FixedPoint.QuantizeMultiplier(realMultiplier2);
        return this with { LeftShift = leftShift, Input1Multiplier = m1, Input1Shift = s1, Input2Multiplier = m2, Input2Shift = s2 };
    }

    private BinaryParameters WithOutputScale((int Multiplier, int Shift) output)
        => this with { OutputMultiplier = output.Multiplier, OutputShift = output.Shift };
}
