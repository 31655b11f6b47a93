namespace TfLiteMicro.Signal.Tests.Kernels;

public class EnergyTests
{
    /// <summary>
    /// SIGNAL_ENERGY writes only the bins from start_index to end_index, as TFLM's does; TFLM's test clears the output
    /// before the run, so its zeros outside that range are what the output held before. Here the output starts full of
    /// a marker: inside the range it must hold TFLM's values, outside it must be left as it was.
    /// </summary>
    [Theory]
    [InlineData("EnergyTestMiddle")]
    [InlineData("EnergyTestStart")]
    [InlineData("EnergyTestEnd")]
    public void MatchesTflm(string name)
    {
        const uint Untouched = 0xDEADBEEF;
        TflmTest t = TflmVectors.Test("EnergyTest", name);
        FlexBufferMap options = FlexBuffer.GetRoot(t.Options).AsMap();
        int start = options["start_index"].AsInt32(), end = options["end_index"].AsInt32();
        var op = SingleOp.Create("SignalEnergy", t.Options,
            [(TensorType.Int16, t.Shape("input_shape"))], [(TensorType.UInt32, t.Shape("output_shape"))]);
        op.SetInput<short>(0, t.Array("input"));
        op.Interpreter.Output(0).AsSpan<uint>().Fill(Untouched);
        op.Invoke();
        uint[] golden = SingleOp.ToArray<uint>(t.Array("golden"));
        for (int i = 0; i < golden.Length; i++)
            if (i < start || i >= end) golden[i] = Untouched;
        Assert.Equal(golden, op.Output<uint>(0));
    }
}
