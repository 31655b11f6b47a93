namespace TfLiteMicro.Modeling.Tests;

public class HelloWorldExampleTests
{
    [Fact]
    public void EmbeddedModelIsWhatTheWorkflowProduces()
    {
        byte[] expected = TrainedSine.Models.Int8Model;
        Assert.True(expected.AsSpan().SequenceEqual(HelloWorld.SineModel.Data),
            "examples/HelloWorld/SineModel.g.cs is stale: run `dotnet run --project examples/HelloWorld -- --regenerate`");
        Assert.Equal(HelloWorld.SineModel.Length, expected.Length);
    }

    [Fact]
    public void EmbeddedModelLoadsWithoutCopyAndRuns()
    {
        Model model = HelloWorld.SineModel.Load();
        Assert.Equal(HelloWorld.SineModel.Length, model.Bytes.Length);
        using var interpreter = new MicroInterpreter(model, new OpResolver().Add(BuiltinOperator.FullyConnected), new byte[2048]);
        interpreter.AllocateTensors();
        Tensor input = interpreter.Input(0), output = interpreter.Output(0);
        input.AsSpan<sbyte>()[0] = QuantizationMath.QuantizeInt8(MathF.PI / 2, input.Scale, input.ZeroPoint);
        interpreter.Invoke();
        float y = QuantizationMath.Dequantize(output.AsReadOnlySpan<sbyte>()[0], output.Scale, output.ZeroPoint);
        Assert.InRange(y, 0.85f, 1.1f);
    }
}
