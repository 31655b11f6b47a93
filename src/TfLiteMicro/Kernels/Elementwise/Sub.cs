using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>SUB: float32, int32, int8 and int16 with broadcasting (up to 6-D) and a fused activation.</summary>
public sealed class Sub : IKernel
{
    private TensorType _type;
    private BroadcastShape _shape = null!;
    private float _floatMin, _floatMax;
    private int _intMin, _intMax;
    private QuantizedSumOperator<sbyte> _int8;
    private Int8SumFastPath _int8Fast;
    private QuantizedSumOperator<short> _int16;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input1 = context.Input(0), input2 = context.Input(1), output = context.Output(0);
        ElementwiseChecks.RequireType(context, output, "output", TensorType.Float32, TensorType.Int32, TensorType.Int8, TensorType.Int16);
        ElementwiseChecks.RequireSameType(context, input1, "input 0", output, "output");
        ElementwiseChecks.RequireSameType(context, input2, "input 1", output, "output");
        FusedActivation activation = ElementwiseChecks.Activation(context, SubOptions.Read(context).FusedActivationFunction);
        _type = output.Type;
        _shape = BroadcastShape.Create(context, output, 6, input1, input2);

        switch (_type)
        {
            case TensorType.Float32:
                (_floatMin, _floatMax) = ActivationRange.Float(activation);
                break;
            case TensorType.Int32:
                if (input1.Quantization.IsQuantized || input2.Quantization.IsQuantized || output.Quantization.IsQuantized)
                    throw context.Error("INT32 tensors must not be quantized");
                (_intMin, _intMax) = Clamp.Int32Range(activation);
                break;
            default:
                ElementwiseChecks.RequireQuantized(context, input1, "input 0");
                ElementwiseChecks.RequireQuantized(context, input2, "input 1");
                ElementwiseChecks.RequireQuantized(context, output, "output");
                int leftShift = _type == TensorType.Int16 ? 15 : 20;
                // SUB computes its multipliers in single precision, unlike ADD.
                float twiceMaxInputScale = 2 * Math.Max(input1.Scale, input2.Scale);
                (int m1, int s1) = FixedPoint.QuantizeMultiplier(input1.Scale / twiceMaxInputScale);
                (int m2, int s2) = FixedPoint.QuantizeMultiplier(input2.Scale / twiceMaxInputScale);
                (int mo, int so) = FixedPoint.QuantizeMultiplier(twiceMaxInputScale / ((1 << leftShift) * output.Scale));
                (int min, int max) = ActivationRange.Quantized(activation, output);
                var op = new QuantizedSumOperator<sbyte>
                {
                    LeftShift = leftShift, Input1Offset = -input1.ZeroPoint, Input1Multiplier = m1, Input1Shift = s1,
                    Input2Offset = -input2.ZeroPoint, Input2Multiplier = m2, Input2Shift = s2,
                    OutputOffset = output.ZeroPoint, OutputMultiplier = mo, OutputShift = so, Min = min, Max = max, Subtract = true,
                };
                _int8 = op;
                _int16 = new QuantizedSumOperator<short>
                {
                    LeftShift = op.LeftShift, Input1Offset = op.Input1Offset, Input1Multiplier = m1, Input1Shift = s1,
                    Input2Offset = op.Input2Offset, Input2Multiplier = m2, Input2Shift = s2,
                    OutputOffset = op.OutputOffset, OutputMultiplier = mo, OutputShift = so, Min = min, Max = max, Subtract = true,
                };
                break;
        }
        _int8Fast.Prepare(context, _type, _shape, _int8, input1, input2, output);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32:
                ElementwiseDriver.Binary(context.Input<float>(0), context.Input<float>(1), context.Output<float>(0), _shape, new FloatSub(_floatMin, _floatMax));
                break;
            case TensorType.Int32:
                ElementwiseDriver.Binary(context.Input<int>(0), context.Input<int>(1), context.Output<int>(0), _shape, new Int32Sub(_intMin, _intMax));
                break;
            case TensorType.Int8 when _int8Fast.Active:
                _int8Fast.Run(context, _int8);
                break;
            case TensorType.Int8:
                ElementwiseDriver.Binary(context.Input<sbyte>(0), context.Input<sbyte>(1), context.Output<sbyte>(0), _shape, _int8);
                break;
            default:
                ElementwiseDriver.Binary(context.Input<short>(0), context.Input<short>(1), context.Output<short>(0), _shape, _int16);
                break;
        }
    }

    private readonly struct FloatSub(float min, float max) : IBinaryOperator<float, float>
    {
        public float Invoke(float a, float b) => Clamp.Float(a - b, min, max);
    }

    private readonly struct Int32Sub(int min, int max) : IBinaryOperator<int, int>
    {
        public int Invoke(int a, int b) => Clamp.Int(unchecked(a - b), min, max);
    }
}
