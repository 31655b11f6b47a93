using TfLiteMicro.Tests.Support;

namespace TfLiteMicro.Signal.Tests.EndToEnd;

public class AllocationTests
{
    [SkippableFact]
    public void AudioPreprocessorInvokeAllocatesNothing()
    {
        foreach (string name in new[] { "audio_preprocessor_int8", "audio_preprocessor_float" })
        {
            Model model = SignalTestSupport.LoadModel(name);
            SignalTestSupport.RequireOps(model);
            var interpreter = new MicroInterpreter(model, SignalTestSupport.Resolver(), new byte[32 * 1024]);
            interpreter.AllocateTensors();
            interpreter.Input(0).AsSpan<short>().Fill(1000);
            interpreter.Invoke();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) interpreter.Invoke();
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{name}: {allocated} bytes allocated by 10 invocations");
        }
    }
}
