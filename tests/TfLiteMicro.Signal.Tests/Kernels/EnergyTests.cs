namespace TfLiteMicro.Signal.Tests.Kernels;

public class EnergyTests
{
    [Theory]
    [InlineData("EnergyTestMiddle")]
    [InlineData("EnergyTestStart")]
    [InlineData("EnergyTestEnd")]
    public void MatchesTflm(string name)
    {
        TflmTest t = TflmVectors.Test("EnergyTest", name);
        var op = SingleOp.Create("SignalEnergy", t.Options,
            [(TensorType.Int16, t.Shape("input_shape"))], [(TensorType.UInt32, t.Shape("output_shape"))]);
        op.SetInput<short>(0, t.Array("input"));
        op.Invoke();
        Assert.Equal(SingleOp.ToArray<uint>(t.Array("golden")), op.Output<uint>(0));
    }
}
