using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Signal.Tests.EndToEnd;

/// <summary>audio_preprocessor_{int8,float}: one invocation on a fresh interpreter against TFLM's bytes.</summary>
public class AudioPreprocessorGoldenTests
{
    [SkippableTheory]
    [InlineData("audio_preprocessor_int8_seed1")]
    [InlineData("audio_preprocessor_int8_seed2")]
    [InlineData("audio_preprocessor_int8_seed3")]
    [InlineData("audio_preprocessor_float_seed1")]
    [InlineData("audio_preprocessor_float_seed2")]
    [InlineData("audio_preprocessor_float_seed3")]
    public void MatchesTflm(string name)
    {
        GoldenCase c = GoldenCase.Load(SharedData.Path("golden", name));
        SignalTestSupport.RequireOps(Model.Load(File.ReadAllBytes(c.ModelPath)));
        string? mismatch = GoldenRunner.Run(c, SignalTestSupport.Resolver(), out MicroInterpreter interpreter);
        Assert.True(mismatch is null, mismatch);
        Assert.True(interpreter.ArenaUsedBytes <= c.TflmArenaUsedBytes,
            $"arena {interpreter.ArenaUsedBytes} bytes, TFLM {c.TflmArenaUsedBytes}");
    }
}
