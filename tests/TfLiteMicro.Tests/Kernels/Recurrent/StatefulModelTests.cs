using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Tests.Kernels.Recurrent;

/// <summary>
/// The stateful models (SVDF and LSTM state) invoked four times in a row on one interpreter, compared with what TFLM
/// gave for the same sequence (../shared/golden/stateful), then reset: the first input must give the first result again.
/// </summary>
public sealed class StatefulModelTests
{
    public static TheoryData<string> Models() => new() { "keyword_scrambled", "keyword_scrambled_8bit", "trained_lstm", "trained_lstm_int8" };

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void FourInvokesCarryStateAndResetRestoresTheFirst(string modelName)
    {
        Model model = Model.Load(SharedData.ReadModel(modelName));
        OpResolver resolver = OpResolver.WithAllBuiltins();
        GoldenRunner.AssertAllKernels(model, resolver, modelName);

        byte[] inputs = File.ReadAllBytes(SharedData.Path("golden", "stateful", modelName, "inputs.bin"));
        byte[] outputs = File.ReadAllBytes(SharedData.Path("golden", "stateful", modelName, "outputs.bin"));
        using var interpreter = new MicroInterpreter(model, resolver, ArenaPoison.New(1 << 20));
        interpreter.AllocateTensors();
        Tensor input = interpreter.Input(0);
        Tensor output = interpreter.Output(0);
        Assert.Equal(4 * input.ByteCount, inputs.Length);
        Assert.Equal(4 * output.ByteCount, outputs.Length);

        for (int call = 0; call < 4; call++)
        {
            input.CopyFrom(inputs.AsSpan(call * input.ByteCount, input.ByteCount));
            interpreter.Invoke();
            string? problem = GoldenRunner.Compare(output, outputs.AsSpan(call * output.ByteCount, output.ByteCount).ToArray(), $"call {call + 1}");
            Assert.True(problem is null, problem);
        }

        interpreter.Reset();
        input.CopyFrom(inputs.AsSpan(0, input.ByteCount));
        interpreter.Invoke();
        string? afterReset = GoldenRunner.Compare(output, outputs.AsSpan(0, output.ByteCount).ToArray(), "first call after Reset");
        Assert.True(afterReset is null, afterReset);
    }
}
