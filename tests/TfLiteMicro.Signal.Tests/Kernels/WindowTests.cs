namespace TfLiteMicro.Signal.Tests.Kernels;

public class WindowTests
{
    [Theory]
    [InlineData("WindowTestLength16Shift12")]
    [InlineData("WindowTestLength32Shift8")]
    [InlineData("WindowTestLength16Shift12OuterDims4")]
    public void MatchesTflm(string name)
    {
        TflmTest t = TflmVectors.Test("WindowTest", name);
        int[] inputShape = t.Shape("input1_shape");
        int[] windowShape = t.Shape("input2_shape");
        var op = SingleOp.Create("SignalWindow", t.Options,
            [(TensorType.Int16, inputShape), (TensorType.Int16, windowShape)],
            [(TensorType.Int16, t.Shape("output_shape"))]);
        op.SetInput<short>(0, t.Array("input1"));
        op.SetInput<short>(1, t.Array("input2"));
        op.Invoke();
        Assert.Equal(SingleOp.ToArray<short>(t.Array("golden")), op.Output<short>(0));
    }
}
