using TfLiteMicro.Quantization;

namespace TfLiteMicro.Kernels;

/// <summary>ADD: float32, int32, int8 and int16 with broadcasting (up to 6-D) and a fused activation.</summary>
public sealed class Add : IKernel
{
    private TensorType _type;
    private BroadcastShape _shape = null!;
    private float _floatMin, _floatMax;
    private int _intMin, _intMax;
    private QuantizedSumOperator<sbyte> _int8;
    private Int8SumFastPath _int8Fast;
    private QuantizedSumOperator<short> _int16;
    private SimdLevel _level;
    private Int32BroadcastKind _int32Kind;

    public void Prepare(PrepareContext context)
    {
        context.ExpectCounts(2, 2, 1);
        Tensor input1 = context.Input(0), input2 = context.Input(1), output = context.Output(0);
        ElementwiseChecks.RequireType(context, output, "output", TensorType.Float32, TensorType.Int32, TensorType.Int8, TensorType.Int16);
        ElementwiseChecks.RequireSameType(context, input1, "input 0", output, "output");
        ElementwiseChecks.RequireSameType(context, input2, "input 1", output, "output");
        FusedActivation activation = ElementwiseChecks.Activation(context, AddOptions.Read(context).FusedActivationFunction);
        _type = output.Type;
        _shape = BroadcastShape.Create(context, output, 6, input1, input2);

        switch (_type)
        {
            case TensorType.Float32:
                (_floatMin, _floatMax) = ActivationRange.Float(activation);
                break;
            case TensorType.Int32:
                if (input1.Quantization.IsQuantized || input2.Quantization.IsQuantized)
                    throw context.Error("INT32 inputs must not be quantized");
                (_intMin, _intMax) = Clamp.Int32Range(activation);
                break;
            default:
                foreach ((Tensor t, string what) in new[] { (input1, "input 0"), (input2, "input 1"), (output, "output") })
                    ElementwiseChecks.RequireQuantized(context, t, what);
                int leftShift = _type == TensorType.Int16 ? 15 : 20;
                double twiceMaxInputScale = 2 * (double)Math.Max(input1.Scale, input2.Scale);
                (int m1, int s1) = FixedPoint.QuantizeMultiplier(input1.Scale / twiceMaxInputScale);
                (int m2, int s2) = FixedPoint.QuantizeMultiplier(input2.Scale / twiceMaxInputScale);
                (int mo, int so) = FixedPoint.QuantizeMultiplier(twiceMaxInputScale / ((1 << leftShift) * (double)output.Scale));
                (int min, int max) = ActivationRange.Quantized(activation, output);
                if (_type == TensorType.Int8)
                    _int8 = new QuantizedSumOperator<sbyte>
                    {
                        LeftShift = leftShift, Input1Offset = -input1.ZeroPoint, Input1Multiplier = m1, Input1Shift = s1,
                        Input2Offset = -input2.ZeroPoint, Input2Multiplier = m2, Input2Shift = s2,
                        OutputOffset = output.ZeroPoint, OutputMultiplier = mo, OutputShift = so, Min = min, Max = max,
                    };
                else
                    _int16 = new QuantizedSumOperator<short>
                    {
                        LeftShift = leftShift, Input1Offset = -input1.ZeroPoint, Input1Multiplier = m1, Input1Shift = s1,
                        Input2Offset = -input2.ZeroPoint, Input2Multiplier = m2, Input2Shift = s2,
                        OutputOffset = output.ZeroPoint, OutputMultiplier = mo, OutputShift = so, Min = min, Max = max,
                    };
                break;
        }
        _int8Fast.Prepare(context, _type, _shape, _int8, input1, input2, output);
        _level = Simd.For(context);
        _int32Kind = Int32ElementwiseSimd.Plan(_level, _type, _shape, input1, input2);
    }

    public void Invoke(InvokeContext context)
    {
        switch (_type)
        {
            case TensorType.Float32:
                ElementwiseDriver.Binary(context.Input<float>(0), context.Input<float>(1), context.Output<float>(0), _shape, new FloatAdd(_floatMin, _floatMax));
                break;
            case TensorType.Int32 when _int32Kind != Int32BroadcastKind.None:
                Int32ElementwiseSimd.Run(_level, _int32Kind, _shape.ElementCount, context.Input<int>(0), context.Input<int>(1), context.Output<int>(0),
                    new Int32Add(_intMin, _intMax), new Int32SumLanes(_intMin, _intMax));
                break;
            case TensorType.Int32:
                ElementwiseDriver.Binary(context.Input<int>(0), context.Input<int>(1), context.Output<int>(0), _shape, new Int32Add(_intMin, _intMax));
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

    private readonly struct FloatAdd(float min, float max) : IBinaryOperator<float, float>
    {
        public float Invoke(float a, float b) => Clamp.Float(a + b, min, max);
    }

    private readonly struct Int32Add(int min, int max) : IBinaryOperator<int, int>
    {
        public int Invoke(int a, int b) => Clamp.Int(unchecked(a + b), min, max);
    }
}
