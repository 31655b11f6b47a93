using TfLiteMicro.Quantization;
using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Modeling.Tests;

public class SineWorkflowTests
{
    private const int SweepPoints = 500;

    private static SineModelSet Models => TrainedSine.Models;

    private static float SweepX(int i) => (float)(2 * Math.PI * i / (SweepPoints - 1));

    private static MicroInterpreter Interpreter(byte[] model)
    {
        var interpreter = new MicroInterpreter(Model.Load(model), OpResolver.WithAllBuiltins(), ArenaPoison.New(1 << 16));
        interpreter.AllocateTensors();
        return interpreter;
    }

    private static float RunFloat(MicroInterpreter interpreter, float x)
    {
        interpreter.Input(0).AsSpan<float>()[0] = x;
        interpreter.Invoke();
        return interpreter.Output(0).AsReadOnlySpan<float>()[0];
    }

    private static float RunInt8(MicroInterpreter interpreter, float x)
    {
        Tensor input = interpreter.Input(0), output = interpreter.Output(0);
        input.AsSpan<sbyte>()[0] = QuantizationMath.QuantizeInt8(x, input.Scale, input.ZeroPoint);
        interpreter.Invoke();
        return QuantizationMath.Dequantize(output.AsReadOnlySpan<sbyte>()[0], output.Scale, output.ZeroPoint);
    }

    [Fact]
    public void FloatModelFitsSine()
    {
        using MicroInterpreter interpreter = Interpreter(Models.FloatModel);
        double error = 0;
        for (int i = 0; i < SweepPoints; i++)
        {
            float x = SweepX(i);
            float y = RunFloat(interpreter, x);
            Assert.True(GoldenRunner.FloatsMatch(y, Models.Network.Predict(x)), $"x={x}: interpreter {y}, network {Models.Network.Predict(x)}");
            error += Math.Abs(y - Math.Sin(x));
        }
        Assert.True(error / SweepPoints < 0.1, $"mean absolute error {error / SweepPoints} against sin(x)");
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void Int8ModelStaysCloseToFloat(bool int8InputOutput, bool perChannel)
    {
        (float[] x, _) = SineData.Generate(SineModels.SampleCount, 1);
        byte[] bytes = DenseConverter.ToInt8Model(Models.Network, x,
            new QuantizationOptions { Int8InputOutput = int8InputOutput, PerChannelWeights = perChannel });
        using MicroInterpreter interpreter = Interpreter(bytes);
        double worst = 0, sinError = 0;
        for (int i = 0; i < SweepPoints; i++)
        {
            float xi = SweepX(i);
            float y = int8InputOutput ? RunInt8(interpreter, xi) : RunFloat(interpreter, xi);
            worst = Math.Max(worst, Math.Abs(y - Models.Network.Predict(xi)));
            sinError += Math.Abs(y - Math.Sin(xi));
        }
        Assert.True(worst <= 0.15, $"largest difference from the float model {worst}");
        Assert.True(sinError / SweepPoints < 0.1, $"mean absolute error {sinError / SweepPoints} against sin(x)");
    }

    [Fact]
    public void Int8ModelHasHelloWorldStructure()
    {
        Model model = Model.Load(Models.Int8Model);
        Subgraph g = model.Subgraphs[0];
        Assert.Equal(3, g.Operators.Count);
        Assert.All(g.Operators, op => Assert.Equal(BuiltinOperator.FullyConnected, op.Code.BuiltinCode));
        Assert.Equal(10, g.Tensors.Count);
        ModelTensor input = g.Tensors[g.Inputs[0]], output = g.Tensors[g.Outputs[0]];
        Assert.Equal(TensorType.Int8, input.Type);
        Assert.Equal(TensorType.Int8, output.Type);
        Assert.Equal([1, 1], input.Shape);
        Assert.Equal(-128, input.Quantization.ZeroPoint); // x >= 0, so the range starts at 0
        foreach (ModelOperator op in g.Operators)
        {
            ModelTensor x = g.Tensors[op.Inputs[0]], w = g.Tensors[op.Inputs[1]], b = g.Tensors[op.Inputs[2]], y = g.Tensors[op.Outputs[0]];
            Assert.Equal(TensorType.Int8, w.Type);
            Assert.Equal(0, w.Quantization.ZeroPoint);
            Assert.Equal(TensorType.Int32, b.Type);
            Assert.Equal((float)((double)x.Quantization.Scale * w.Quantization.Scale), b.Quantization.Scale);
            Assert.All(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(w.Data.Span).ToArray(), q => Assert.InRange(q, -127, 127));
            if (op.BuiltinOptions.GetByte(OptionsSchema.FullyConnectedOptions.FusedActivationFunction) == 1) Assert.Equal(-128, y.Quantization.ZeroPoint); // ReLU output starts at 0
        }
    }

    [SkippableFact]
    public void ModelsMatchTflmHelloWorldLayout()
    {
        foreach ((string name, byte[] ours) in new[] { ("hello_world_float", Models.FloatModel), ("hello_world_int8", Models.Int8Model) })
        {
            Subgraph theirs = Model.Load(SharedData.ReadModel(name)).Subgraphs[0];
            Subgraph mine = Model.Load(ours).Subgraphs[0];
            Assert.Equal(theirs.Operators.Count, mine.Operators.Count);
            Assert.Equal(theirs.Tensors.Count, mine.Tensors.Count);
            for (int o = 0; o < theirs.Operators.Count; o++)
            {
                ModelOperator a = theirs.Operators[o], b = mine.Operators[o];
                Assert.Equal(a.Code.BuiltinCode, b.Code.BuiltinCode);
                Assert.Equal(a.Code.Version, b.Code.Version);
                Assert.Equal(a.BuiltinOptions.GetByte(OptionsSchema.FullyConnectedOptions.FusedActivationFunction),
                    b.BuiltinOptions.GetByte(OptionsSchema.FullyConnectedOptions.FusedActivationFunction));
                for (int i = 0; i < 3; i++)
                {
                    ModelTensor ta = theirs.Tensors[a.Inputs[i]], tb = mine.Tensors[b.Inputs[i]];
                    Assert.Equal(ta.Type, tb.Type);
                    Assert.Equal(ta.Shape, tb.Shape);
                    Assert.Equal(ta.IsConstant, tb.IsConstant);
                }
                Assert.Equal(theirs.Tensors[a.Outputs[0]].Shape, mine.Tensors[b.Outputs[0]].Shape);
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Int8ModelIsBitExactWithTflmIntegerFormulas(bool perChannel)
    {
        (float[] x, _) = SineData.Generate(SineModels.SampleCount, 1);
        byte[] bytes = DenseConverter.ToInt8Model(Models.Network, x, new QuantizationOptions { PerChannelWeights = perChannel });
        Model model = Model.Load(bytes);
        using MicroInterpreter interpreter = Interpreter(bytes);
        for (int q = -128; q <= 127; q++)
        {
            interpreter.Input(0).AsSpan<sbyte>()[0] = (sbyte)q;
            interpreter.Invoke();
            int expected = ReferenceInt8(model, q);
            Assert.Equal(expected, interpreter.Output(0).AsReadOnlySpan<sbyte>()[0]);
        }
    }

    [Fact]
    public void FloatInterfaceInt8ModelIsBitExactWithTflmFormulas()
    {
        (float[] x, _) = SineData.Generate(SineModels.SampleCount, 1);
        byte[] bytes = DenseConverter.ToInt8Model(Models.Network, x, new QuantizationOptions { Int8InputOutput = false });
        Model model = Model.Load(bytes);
        Subgraph g = model.Subgraphs[0];
        Assert.Equal(BuiltinOperator.Quantize, g.Operators[0].Code.BuiltinCode);
        Assert.Equal(BuiltinOperator.Dequantize, g.Operators[^1].Code.BuiltinCode);
        ModelTensor quantized = g.Tensors[g.Operators[0].Outputs[0]];
        ModelTensor result = g.Tensors[g.Operators[^1].Inputs[0]];
        using MicroInterpreter interpreter = Interpreter(bytes);
        for (int i = 0; i < SweepPoints; i++)
        {
            float xi = SweepX(i);
            // TFLM's QUANTIZE: round(x / scale) in float, half away from zero, plus the zero point, clamped.
            int q = Math.Clamp((int)MathF.Round(xi / quantized.Quantization.Scale, MidpointRounding.AwayFromZero) + quantized.Quantization.ZeroPoint, -128, 127);
            int y = ReferenceInt8(model, q, firstOperator: 1, lastOperator: g.Operators.Count - 2);
            // TFLM's DEQUANTIZE: scale (as double) times (q - zero point), rounded to float.
            float expected = (float)((double)result.Quantization.Scale * (y - result.Quantization.ZeroPoint));
            Assert.Equal(expected, RunFloat(interpreter, xi));
        }
    }

    /// <summary>
    /// The int8 FULLY_CONNECTED chain computed independently with TFLM's integer formula: accumulate
    /// (x - input_zero_point) * w in int32, add the bias, requantize with the multiplier
    /// input_scale * weight_scale / output_scale (double) split by QuantizeMultiplier, add the output zero point,
    /// clamp to the fused activation's range.
    /// </summary>
    private static int ReferenceInt8(Model model, int input, int firstOperator = 0, int lastOperator = -1)
    {
        Subgraph g = model.Subgraphs[0];
        if (lastOperator < 0) lastOperator = g.Operators.Count - 1;
        int[] values = [input];
        for (int o = firstOperator; o <= lastOperator; o++)
        {
            ModelOperator op = g.Operators[o];
            ModelTensor xt = g.Tensors[op.Inputs[0]], wt = g.Tensors[op.Inputs[1]], bt = g.Tensors[op.Inputs[2]], yt = g.Tensors[op.Outputs[0]];
            ReadOnlySpan<sbyte> w = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(wt.Data.Span);
            ReadOnlySpan<int> b = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bt.Data.Span);
            int depth = wt.Shape[1], outputs = wt.Shape[0];
            int yZero = yt.Quantization.ZeroPoint;
            int min = op.BuiltinOptions.GetByte(OptionsSchema.FullyConnectedOptions.FusedActivationFunction) == 1 ? Math.Max(-128, yZero) : -128;
            var next = new int[outputs];
            for (int c = 0; c < outputs; c++)
            {
                int acc = 0;
                for (int d = 0; d < depth; d++) acc += (values[d] - xt.Quantization.ZeroPoint) * w[c * depth + d];
                acc += b[c];
                float weightScale = wt.Quantization.Scales[wt.Quantization.Scales.Length > 1 ? c : 0];
                (int multiplier, int shift) = FixedPoint.QuantizeMultiplier((double)xt.Quantization.Scale * weightScale / yt.Quantization.Scale);
                acc = FixedPoint.MultiplyByQuantizedMultiplier(acc, multiplier, shift) + yZero;
                next[c] = Math.Clamp(acc, min, 127);
            }
            values = next;
        }
        return values[0];
    }

    [Fact]
    public void SameSeedGivesSameBytes()
    {
        SineModelSet again = SineModels.Create(seed: 1);
        Assert.Equal(Models.FloatModel, again.FloatModel);
        Assert.Equal(Models.Int8Model, again.Int8Model);
        SineModelSet other = SineModels.Create(seed: 2, new TrainingOptions { Seed = 2, Epochs = 2 });
        Assert.NotEqual(Models.FloatModel, other.FloatModel);
    }
}
