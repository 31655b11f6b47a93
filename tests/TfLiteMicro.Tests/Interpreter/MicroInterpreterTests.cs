using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Interpreter;

/// <summary>The interpreter's contract: arena errors, missing ops, tensor access, usage report.</summary>
public sealed class MicroInterpreterTests
{
    [SkippableFact]
    public void ArenaTooSmallReportsNeededAndGivenBytes()
    {
        Model model = Model.Load(SharedData.ReadModel("hello_world_int8"));
        var interpreter = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), new byte[8]);
        var e = Assert.Throws<ArenaTooSmallException>(() => interpreter.AllocateTensors());
        Assert.Equal(8, e.BytesGiven);
        Assert.True(e.BytesNeeded > 8);
        Assert.Contains($"{e.BytesNeeded}", e.Message);

        // The number it reports is enough.
        var exact = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), new byte[e.BytesNeeded]);
        exact.AllocateTensors();
        Assert.Equal(e.BytesNeeded, exact.ArenaUsedBytes);
    }

    [SkippableFact]
    public void MissingOpNamesTheOpVersionAndHowToRegisterIt()
    {
        Model model = Model.Load(SharedData.ReadModel("hello_world_int8"));
        var interpreter = new MicroInterpreter(model, new OpResolver(), new byte[4096]);
        var e = Assert.Throws<UnsupportedOperatorException>(() => interpreter.AllocateTensors());
        Assert.Contains("FULLY_CONNECTED", e.Message);
        Assert.Contains("version", e.Message);
        Assert.Contains("resolver.AddFullyConnected()", e.Message);
    }

    [SkippableFact]
    public void RunsHelloWorldWithOnlyTheOpsItNeeds()
    {
        Model model = Model.Load(SharedData.ReadModel("hello_world_int8"));
        var resolver = new OpResolver().Add(BuiltinOperator.FullyConnected);
        using var interpreter = new MicroInterpreter(model, resolver, new byte[2048]);
        interpreter.AllocateTensors();
        Tensor input = interpreter.Input(0);
        Tensor output = interpreter.Output(0);
        // x = pi/2 quantized with the input's parameters; the output dequantized should be near sin(pi/2) = 1.
        input.AsSpan<sbyte>()[0] = (sbyte)Math.Round(Math.PI / 2 / input.Scale + input.ZeroPoint);
        interpreter.Invoke();
        double y = output.GetValueAsDouble(0);
        Assert.InRange(y, 0.8, 1.2);
    }

    [SkippableFact]
    public void UsingTensorsBeforeAllocateTensorsIsAClearError()
    {
        Model model = Model.Load(SharedData.ReadModel("hello_world_int8"));
        var interpreter = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), new byte[4096]);
        var e = Assert.Throws<InvalidOperationException>(() => interpreter.Invoke());
        Assert.Contains("AllocateTensors", e.Message);
    }

    [SkippableFact]
    public void ArenaUsageBreaksDownTheTotal()
    {
        Model model = Model.Load(SharedData.ReadModel("hello_world_float"));
        using var interpreter = new MicroInterpreter(model, OpResolver.WithAllBuiltins(), new byte[8192]);
        interpreter.AllocateTensors();
        var usage = interpreter.ArenaUsage;
        Assert.Equal(usage.TotalBytes, usage.PlannedBytes + usage.PersistentBytes);
        Assert.Equal(8192, usage.ArenaBytes);
        Assert.True(usage.PlannedBytes > 0);
        int planEnd = interpreter.MemoryPlan.Max(e => e.Offset + e.Size);
        Assert.True(planEnd <= usage.TotalBytes);
    }
}
